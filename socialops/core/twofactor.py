"""Two-factor sign-in: TOTP authenticators (django-otp) and single-use recovery codes.

A person signs in with their password, then, if they have a confirmed
authenticator, proves it with a code before any page opens (the middleware
holds them on the verification page). An organization can require two-factor
sign-in: its members without an authenticator are sent to set one up first.
API tokens are not affected: a token is already a second secret held by a script.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialops.core import audit, throttle
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization, RecoveryCode, Role
from socialops.core.permissions import Action, authorize
from socialops.core.sessions import SESSION_VERIFIED_KEY, SSO_ORGANIZATION_KEY

RECOVERY_CODE_COUNT = 10
# Wrong codes count in the sign-in throttle under this prefix, apart from passwords.
THROTTLE_PREFIX = throttle.OTP_PREFIX


def _hash(code: str) -> str:
    normalised = code.strip().replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


def confirmed_device(user: Any) -> TOTPDevice | None:
    """Return the person's confirmed authenticator, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_device(user: Any) -> TOTPDevice:
    """Return the authenticator being set up (one per person, created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """Return the device's otpauth:// URL as an inline SVG QR code (no external service)."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return svg


def manual_key(device: TOTPDevice) -> str:
    """Return the secret in base32, grouped by four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def _memberships(user: Any) -> list[Member]:
    return list(Member.objects.filter(user=user).select_related("organization"))


def _audit_everywhere(user: Any, actor: Actor, action: str, after: dict[str, Any]) -> None:
    # A person's authenticator is theirs across organizations: each one's trail says so.
    for member in _memberships(user):
        audit.record(member.organization, actor, action, member, after=after)


def _new_recovery_codes(user: Any) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _i in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    return codes


@transaction.atomic
def confirm_device(user: Any, code: str, actor: Actor) -> list[str]:
    """Confirm the pending authenticator with a code; return new recovery codes (shown once).

    Raise ValidationError when the code is wrong; the previous authenticator, if
    any, stays in place until the new one is confirmed.
    """
    device = pending_device(user)
    if not device.verify_token(code.strip().replace(" ", "")):
        raise ValidationError(_("This code is not the one your app shows. Check the time on "
                                "your phone and try the newest code."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    _audit_everywhere(user, actor, "twofactor.enable", {"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def regenerate_recovery_codes(user: Any, actor: Actor) -> list[str]:
    """Replace the person's recovery codes (the old ones stop working)."""
    if confirmed_device(user) is None:
        raise ValidationError(_("Set up an authenticator first."))
    codes = _new_recovery_codes(user)
    _audit_everywhere(user, actor, "twofactor.recovery_codes", {"recovery_codes": len(codes)})
    return codes


def unused_recovery_codes(user: Any) -> int:
    """Return how many recovery codes the person has left."""
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def _use_recovery_code(user: Any, code: str) -> bool:
    # The UPDATE claims the code atomically: two requests cannot both use it.
    return RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code), used_at=None
    ).update(used_at=timezone.now()) == 1


def minutes_locked(user: Any, ip: str | None) -> int:
    """Return how long this person must wait before trying another code."""
    return throttle.minutes_locked(THROTTLE_PREFIX + user.email, ip)


@transaction.atomic
def verify_second_step(request: HttpRequest, code: str, actor: Actor) -> bool:
    """Check a code (authenticator or recovery) for the signed-in person; mark the session.

    A TOTP code is accepted once (django-otp remembers the last time step used),
    a recovery code once ever. Wrong codes count towards the sign-in lock.
    """
    user: Any = request.user
    device = confirmed_device(user)
    cleaned = code.strip().replace(" ", "")
    used_recovery = False
    ok = device is not None and cleaned.isdigit() and device.verify_token(cleaned)
    if not ok and device is not None and len(cleaned) > 6:
        ok = used_recovery = _use_recovery_code(user, cleaned)
    if not ok:
        throttle.record_failure(THROTTLE_PREFIX + user.email, actor.ip)
        return False
    throttle.clear_failures(THROTTLE_PREFIX + user.email, actor.ip)
    request.session.cycle_key()
    request.session[SESSION_VERIFIED_KEY] = True
    if used_recovery:
        _audit_everywhere(user, actor, "twofactor.recovery_code_used",
                          {"left": unused_recovery_codes(user)})
    return True


def mark_verified(request: HttpRequest) -> None:
    """Record that this session proved the second factor (right after enrolment)."""
    request.session[SESSION_VERIFIED_KEY] = True


@transaction.atomic
def reset_device(member: Member, actor: Actor) -> None:
    """Remove a member's authenticator and recovery codes (lost phone); audited."""
    by = authorize(actor, Action.MANAGE_MEMBERS, member.organization)
    if member.role == Role.OWNER and by is not None and by.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can reset an owner's two-factor sign-in."))
    removed = TOTPDevice.objects.filter(user=member.user).delete()[0]
    RecoveryCode.objects.filter(user=member.user).delete()
    audit.record(member.organization, actor, "twofactor.reset", member,
                 before={"devices": removed}, after={"devices": 0})


@transaction.atomic
def set_two_factor_required(organization: Organization, required: bool, actor: Actor) -> None:
    """Require (or stop requiring) two-factor sign-in from every member; audited."""
    authorize(actor, Action.MANAGE_ORGANIZATION, organization)
    before = organization.two_factor_required
    if before == required:
        return
    organization.two_factor_required = required
    organization.save(update_fields=["two_factor_required"])
    audit.record(organization, actor, "organization.two_factor_required", organization,
                 before={"required": before}, after={"required": required})


def pending_step(request: HttpRequest, member: Member | None) -> str:
    """Return what the signed-in person must do before anything else: "", "verify" or "enrol".

    Costs no query: the authentication backend loads whether the person has an
    authenticator with the user, and the member comes with its organization.
    """
    user = request.user
    if not user.is_authenticated:
        return ""
    signed_in_by = request.session.get(SSO_ORGANIZATION_KEY)
    if member is not None and signed_in_by == member.organization_id:
        # Signed in by this organization's identity provider, which runs its own second
        # factor (docs/adr/0017-oidc-single-sign-on.md).
        return ""
    if getattr(user, "socialops_has_2fa", False):
        return "" if request.session.get(SESSION_VERIFIED_KEY) else "verify"
    if member is not None and member.organization.two_factor_required:
        return "enrol"
    return ""
