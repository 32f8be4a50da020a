"""Every change to organizations, members and tokens; each one audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import ApiToken, Member, Organization, Role, Team

TOKEN_PREFIX = "sot_"  # noqa: S105 - a public marker, not a secret


def _member_snapshot(member: Member) -> dict[str, object]:
    return {"email": member.user.email, "role": member.role, "is_active": member.is_active}


@transaction.atomic
def create_organization(name: str, actor: Actor, *, slug: str = "", language: str = "en") -> (
    Organization
):
    """Create an organization; its audit chain starts with this event."""
    name = name.strip()
    if not name:
        raise ValidationError(_("The organization needs a name."))
    slug = slugify(slug or name)[:80]
    if not slug:
        raise ValidationError(_("The name must contain letters or digits."))
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("An organization with the slug “%(slug)s” exists.") % {"slug": slug}
        )
    org = Organization.objects.create(name=name, slug=slug, language=language)
    audit.record(org, actor, "organization.create", org, after={"name": name, "slug": slug})
    return org


def _get_or_create_user(email: str, password: str | None, full_name: str) -> User:
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        first, _sep, last = full_name.partition(" ")
        user = user_model(username=email, email=email, first_name=first[:150], last_name=last[:150])
        if password:
            validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    elif password:
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    return cast(User, user)


@transaction.atomic
def add_member(
    organization: Organization,
    email: str,
    role: str,
    actor: Actor,
    *,
    password: str | None = None,
    full_name: str = "",
) -> Member:
    """Add a person to the organization with a role (creating their account if new)."""
    email = email.strip().lower()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role “%(role)s”; choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    user = _get_or_create_user(email, password, full_name)
    if Member.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(org)s.") % {"email": email, "org": organization}
        )
    member = Member.objects.create(organization=organization, user=user, role=role)
    audit.record(organization, actor, "member.add", member, after=_member_snapshot(member))
    return member


@transaction.atomic
def change_role(member: Member, role: str, actor: Actor) -> Member:
    """Give a member another role."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": role})
    before = _member_snapshot(member)
    member.role = role
    member.save(update_fields=["role"])
    audit.record(
        member.organization, actor, "member.role", member, before=before,
        after=_member_snapshot(member),
    )
    return member


@transaction.atomic
def create_team(organization: Organization, name: str, actor: Actor, members: list[Member]) -> (
    Team
):
    """Create a team of members of the same organization."""
    if any(m.organization_id != organization.pk for m in members):
        raise ValidationError(_("A team can only hold members of its organization."))
    team = Team.objects.create(organization=organization, name=name.strip())
    team.members.set(members)
    audit.record(
        organization, actor, "team.create", team,
        after={"name": team.name, "members": sorted(m.user.email for m in members)},
    )
    return team


def hash_token(raw: str) -> str:
    """Return the stored form of a token (random tokens need no salt)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str


@transaction.atomic
def create_token(member: Member, actor: Actor, *, name: str = "cli") -> IssuedToken:
    """Issue an API token for a member; the raw value is returned once, never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        member=member, name=name[:120] or "cli", prefix=raw[:12], token_hash=hash_token(raw)
    )
    audit.record(
        member.organization, actor, "token.create", member,
        after={"token": token.prefix + "…", "name": token.name},
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def revoke_tokens(member: Member, actor: Actor) -> int:
    """Revoke every live token of a member; return how many were revoked."""
    live = list(member.api_tokens.filter(revoked_at__isnull=True))
    now = timezone.now()
    for token in live:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    audit.record(
        member.organization, actor, "token.revoke", member,
        after={"revoked": [t.prefix + "…" for t in live]},
    )
    return len(live)


def authenticate_token(raw: str) -> ApiToken | None:
    """Return the live token matching ``raw`` (member and user active), else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("member__user", "member__organization")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.member.is_active or not token.member.user.is_active:
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: a script polling every second
    # should not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
