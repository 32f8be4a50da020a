"""Every change to organizations, members and tokens; each one audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import ApiToken, Member, Organization, Role, Team
from socialops.core.permissions import Action, authorize

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
    by = authorize(actor, Action.MANAGE_MEMBERS, organization)
    email = email.strip().lower()
    validate_email(email)
    if role not in Role.values:
        raise ValidationError(
            _("Unknown role “%(role)s”; choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)}
        )
    if role == Role.OWNER and by is not None and by.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can make someone an owner."))
    user = _get_or_create_user(email, password, full_name)
    if Member.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(org)s.") % {"email": email, "org": organization}
        )
    member = Member.objects.create(organization=organization, user=user, role=role)
    audit.record(organization, actor, "member.add", member, after=_member_snapshot(member))
    return member


def _active_owner_count(organization_id: int) -> int:
    return Member.objects.filter(
        organization_id=organization_id, role=Role.OWNER, is_active=True
    ).count()


def guard_owner(member: Member, by: Member | None, *, leaves_owners: bool) -> None:
    """Refuse a change to an owner made by a non-owner, or one that leaves no owner.

    ``leaves_owners`` says whether the change takes the member out of the
    active owners (demotion, deactivation, offboarding).
    """
    if member.role != Role.OWNER:
        return
    if by is not None and by.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can change, deactivate or offboard an owner."))
    if leaves_owners and member.is_active and _active_owner_count(member.organization_id) <= 1:
        raise ValidationError(
            _("%(name)s is the last owner of the organization: make someone else an owner "
              "first.") % {"name": member.display_name}
        )


def _locked(member: Member) -> Member:
    """Return the member re-read under a row lock, so two admins cannot race."""
    return Member.objects.select_for_update().select_related("user", "organization").get(
        pk=member.pk
    )


@transaction.atomic
def change_role(member: Member, role: str, actor: Actor) -> Member:
    """Give a member another role (only owners touch the owner role)."""
    by = authorize(actor, Action.MANAGE_MEMBERS, member)
    if role not in Role.values:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": role})
    member = _locked(member)
    if role == member.role:
        return member
    guard_owner(member, by, leaves_owners=True)
    if role == Role.OWNER and by is not None and by.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can make someone an owner."))
    before = _member_snapshot(member)
    member.role = role
    member.save(update_fields=["role"])
    audit.record(
        member.organization, actor, "member.role", member, before=before,
        after=_member_snapshot(member),
    )
    return member


@transaction.atomic
def set_member_active(member: Member, active: bool, actor: Actor) -> Member:
    """Deactivate or reactivate a membership; a deactivated member's tokens stop working."""
    by = authorize(actor, Action.MANAGE_MEMBERS, member)
    member = _locked(member)
    if member.is_active == active:
        return member
    if not active:
        if by is not None and by.pk == member.pk:
            raise ValidationError(_("You cannot deactivate yourself."))
        guard_owner(member, by, leaves_owners=True)
    elif member.role == Role.OWNER:
        guard_owner(member, by, leaves_owners=False)
    before = _member_snapshot(member)
    member.is_active = active
    member.save(update_fields=["is_active"])
    audit.record(
        member.organization, actor, "member.activate" if active else "member.deactivate",
        member, before=before, after=_member_snapshot(member),
    )
    return member


def _team_snapshot(team: Team) -> dict[str, object]:
    return {"name": team.name, "members": sorted(m.user.email for m in team.members.all())}


@transaction.atomic
def create_team(organization: Organization, name: str, actor: Actor, members: list[Member]) -> (
    Team
):
    """Create a team of members of the same organization."""
    authorize(actor, Action.MANAGE_MEMBERS, organization)
    name = name.strip()
    if not name:
        raise ValidationError(_("The team needs a name."))
    if any(m.organization_id != organization.pk for m in members):
        raise ValidationError(_("A team can only hold members of its organization."))
    if Team.objects.filter(organization=organization, name__iexact=name).exists():
        raise ValidationError(_("There is already a team named “%(name)s”.") % {"name": name})
    team = Team.objects.create(organization=organization, name=name[:120])
    team.members.set(members)
    audit.record(organization, actor, "team.create", team, after=_team_snapshot(team))
    return team


@transaction.atomic
def set_team_membership(team: Team, member: Member, present: bool, actor: Actor) -> Team:
    """Add a member to a team (``present``) or take them out of it."""
    authorize(actor, Action.MANAGE_MEMBERS, team)
    if member.organization_id != team.organization_id:
        raise ValidationError(_("A team can only hold members of its organization."))
    before = _team_snapshot(team)
    if present:
        team.members.add(member)
    else:
        team.members.remove(member)
    after = _team_snapshot(team)
    if after != before:
        audit.record(team.organization, actor, "team.add" if present else "team.remove", team,
                     before=before, after=after)
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
    authorize(actor, Action.MANAGE_TOKENS, member)
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
    authorize(actor, Action.MANAGE_TOKENS, member)
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
