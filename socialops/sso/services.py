"""Configure single sign-on and let people in by it (just-in-time membership); audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization, Role
from socialops.core.permissions import Action, authorize
from socialops.governance import vault
from socialops.sso.models import JIT_ROLES, SsoConfiguration

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SsoRefusedError(Exception):
    """The provider vouched for the person, but socialops does not let them in."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class ConfigurationInput:
    """What an owner or administrator types on the single sign-on page."""

    issuer: str
    client_id: str
    client_secret: str  # empty: keep the stored one
    allowed_domains: str
    default_role: str
    required: bool
    enabled: bool


def _snapshot(config: SsoConfiguration) -> dict[str, object]:
    # Never the secret: only whether one is stored.
    return {
        "enabled": config.enabled, "issuer": config.issuer, "client_id": config.client_id,
        "secret_set": bool(config.secret_ciphertext), "allowed_domains": config.domains,
        "default_role": config.default_role, "required": config.required,
    }


def parse_domains(text: str) -> list[str]:
    """Return the domains typed one per line (or separated by commas or spaces)."""
    domains = [part.strip().lower().lstrip("@") for part in re.split(r"[\s,;]+", text)]
    return list(dict.fromkeys(domain for domain in domains if domain))


def _validate(data: ConfigurationInput, has_secret: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        URLValidator(schemes=["https", "http"])(data.issuer)
    except ValidationError:
        errors["issuer"] = [_("Enter the issuer URL of your identity provider, "
                              "e.g. https://login.example.com.")]
    if not data.client_id.strip():
        errors["client_id"] = [_("Enter the client ID your identity provider gave you.")]
    if not data.client_secret and not has_secret:
        errors["client_secret"] = [_("Enter the client secret your identity provider gave you.")]
    domains = parse_domains(data.allowed_domains)
    bad = [domain for domain in domains if not _DOMAIN.match(domain)]
    if not domains or bad:
        errors["allowed_domains"] = [
            _("Enter at least one e-mail domain, e.g. example.com.") if not bad else
            _("These are not domains: %(domains)s.") % {"domains": ", ".join(bad)}
        ]
    if data.default_role not in dict(JIT_ROLES):
        errors["default_role"] = [_("New members cannot receive this role by single sign-on.")]
    return errors


@transaction.atomic
def save_configuration(organization: Organization, data: ConfigurationInput,
                       actor: Actor) -> SsoConfiguration:
    """Create or change the organization's single sign-on (owners and administrators)."""
    authorize(actor, Action.MANAGE_ORGANIZATION, organization)
    config = (SsoConfiguration.objects.select_for_update()
              .filter(organization=organization).first())
    errors = _validate(data, has_secret=bool(config and config.secret_ciphertext))
    if errors:
        raise ValidationError(errors)
    before = _snapshot(config) if config else None
    if config is None:
        config = SsoConfiguration(organization=organization)
    config.issuer = data.issuer.strip()
    config.client_id = data.client_id.strip()
    if data.client_secret:
        config.secret_ciphertext = vault.encrypt({"client_secret": data.client_secret})
    config.allowed_domains = "\n".join(parse_domains(data.allowed_domains))
    config.default_role = data.default_role
    config.required = data.required
    config.enabled = data.enabled
    config.save()
    after = {**_snapshot(config), "secret_changed": bool(data.client_secret)}
    audit.record(organization, actor, "sso.configure", config, before=before, after=after)
    return config


def client_secret(config: SsoConfiguration) -> str:
    """Return the decrypted client secret (for the token request only)."""
    try:
        return vault.decrypt(config.secret_ciphertext)["client_secret"]
    except (ImproperlyConfigured, KeyError, ValueError) as exc:
        raise ImproperlyConfigured(
            "The single sign-on client secret cannot be decrypted: enter it again on the "
            "organization's single sign-on page."
        ) from exc


def reencrypt_client_secrets(actor: Actor) -> int:
    """Re-encrypt every stored client secret with the vault's newest key (key rotation)."""
    count = 0
    for organization_id in (SsoConfiguration.objects.exclude(secret_ciphertext="")
                            .values_list("organization_id", flat=True)):
        with transaction.atomic():
            config = (SsoConfiguration.objects.select_for_update().select_related("organization")
                      .get(organization_id=organization_id))
            config.secret_ciphertext = vault.rotate(config.secret_ciphertext)
            config.save(update_fields=["secret_ciphertext", "updated_at"])
            audit.record(config.organization, actor, "sso.reencrypt", config)
        count += 1
    return count


def stored_ciphertexts() -> Iterable[str]:
    """Return the encrypted client secrets, for the key status."""
    return (SsoConfiguration.objects.exclude(secret_ciphertext="")
            .values_list("secret_ciphertext", flat=True).iterator())


def configurations_for_email(email: str) -> list[SsoConfiguration]:
    """Return the enabled configurations whose allowed domains include the address's."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return []
    found = SsoConfiguration.objects.filter(enabled=True, allowed_domains__icontains=domain)
    return [config for config in found.select_related("organization")
            if domain in config.domains]


def password_refused(user: Any) -> bool:
    """Return whether this person must use single sign-on instead of a password.

    Owners keep their password as a break-glass way in when the provider is down.
    """
    return (
        Member.objects.filter(
            user=user, is_active=True, organization__sso_configuration__enabled=True,
            organization__sso_configuration__required=True,
        ).exclude(role=Role.OWNER).exists()
    )


def _claimed_email(config: SsoConfiguration, claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise SsoRefusedError(
            _("Your identity provider did not give an e-mail address."), "no_email"
        ) from exc
    # Some providers send "true" as a string.
    if claims.get("email_verified") not in (True, "true"):
        raise SsoRefusedError(
            _("Your identity provider has not verified your e-mail address, so it cannot "
              "be used to sign in."), "email_not_verified")
    if email.rpartition("@")[2] not in config.domains:
        raise SsoRefusedError(
            _("%(email)s is not an address of %(org)s: single sign-on accepts only %(domains)s.")
            % {"email": email, "org": config.organization.name,
               "domains": ", ".join(config.domains)}, "domain_not_allowed")
    return email


def _display_name(claims: dict[str, Any]) -> tuple[str, str]:
    first = str(claims.get("given_name") or "")
    last = str(claims.get("family_name") or "")
    if not (first or last):
        first, _sep, last = str(claims.get("name") or "").partition(" ")
    return first[:150], last[:150]


@transaction.atomic
def admit(config: SsoConfiguration, claims: dict[str, Any], ip: str | None) -> Member:
    """Return the member the verified claims sign in as, creating them just in time.

    A deactivated (offboarded) member or account is refused: offboarding wins over the
    identity provider.
    """
    email = _claimed_email(config, claims)
    organization = config.organization
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None and not user.is_active:
        raise SsoRefusedError(_("Your account is deactivated. Ask an administrator of "
                                "%(org)s.") % {"org": organization.name}, "user_inactive")
    member = (Member.objects.select_for_update().select_related("user", "organization")
              .filter(organization=organization, user=user).first() if user else None)
    if member is not None and not member.is_active:
        raise SsoRefusedError(
            _("Your membership of %(org)s has ended, so single sign-on cannot let you in. "
              "Ask an administrator of %(org)s if this is a mistake.")
            % {"org": organization.name}, "member_inactive")
    subject = str(claims.get("sub", ""))
    if member is None:
        if user is None:
            first, last = _display_name(claims)
            user = user_model(username=email, email=email, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        member = Member.objects.create(organization=organization, user=user,
                                       role=config.default_role)
        actor = Actor.for_user(user, ip=ip, via="single sign-on")
        audit.record(organization, actor, "member.join_sso", member,
                     after={"email": email, "role": member.role, "issuer": config.issuer,
                            "subject": subject})
    else:
        actor = Actor.for_user(member.user, ip=ip, via="single sign-on")
    audit.record(organization, actor, "member.sign_in_sso", member,
                 after={"issuer": config.issuer, "subject": subject})
    return member
