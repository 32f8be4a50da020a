"""One-action offboarding: everything a departing person held moves to named people.

Apps that own things a person can hold (drafts, approvals, conversations)
register an offboarding handler in their AppConfig.ready(); governance never
imports them, so the dependency stays downward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import ApiToken, Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, authorize
from socialops.core.services import guard_owner
from socialops.core.sessions import fence_sessions
from socialops.governance.grants import grants_of_member, remove_all_grants
from socialops.governance.models import Channel, Credential, GrantEffect
from socialops.governance.services import flag_for_rotation

# handler(member, successor, actor) -> one readable line per thing it moved.
OffboardingHandler = Callable[[Member, Member, Actor], Sequence[str]]

_HANDLERS: dict[str, OffboardingHandler] = {}

# Who may stand in as backup owner when the successor already owns the channel.
_STAND_IN_ROLES = (Role.MANAGER, Role.ADMIN, Role.OWNER)


def register_offboarding_handler(key: str, handler: OffboardingHandler) -> None:
    """Run ``handler`` in every offboarding, inside its transaction, under ``key``.

    Registering the same key again replaces the handler (AppConfig.ready may
    run more than once in tests).
    """
    _HANDLERS[key] = handler


def unregister_offboarding_handler(key: str) -> None:
    """Stop running a handler (tests register temporary ones)."""
    _HANDLERS.pop(key, None)


def offboarding_handlers() -> dict[str, OffboardingHandler]:
    """Return the registered handlers by key, in registration order."""
    return dict(_HANDLERS)


@dataclass
class OffboardingReport:
    """What an offboarding did, as stored in its audit event's ``after``."""

    member: str
    successor: str
    deactivated: bool
    sessions_ended_at: str
    tokens_revoked: list[str] = field(default_factory=list)
    owner_moves: list[dict[str, Any]] = field(default_factory=list)
    backup_moves: list[dict[str, Any]] = field(default_factory=list)
    flagged: list[dict[str, Any]] = field(default_factory=list)
    handlers: dict[str, list[str]] = field(default_factory=dict)
    # The audit event that stores this report (set once it is written).
    event_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-safe data."""
        return {
            "member": self.member, "successor": self.successor,
            "deactivated": self.deactivated, "sessions_ended_at": self.sessions_ended_at,
            "tokens_revoked": self.tokens_revoked, "owner_moves": self.owner_moves,
            "backup_moves": self.backup_moves, "flagged": self.flagged,
            "handlers": self.handlers,
        }


def _check_successor(member: Member, successor: Member) -> None:
    if successor.organization_id != member.organization_id or not successor.is_active:
        raise ValidationError(_("The successor must be an active member of the organization."))
    if successor.pk == member.pk:
        raise ValidationError(_("The successor must be someone other than the person leaving."))


def _stand_ins(member: Member, successor: Member) -> list[Member]:
    """Return who may become backup owner where the successor already owns the channel."""
    candidates = Member.objects.filter(
        organization_id=member.organization_id, is_active=True, role__in=_STAND_IN_ROLES
    ).exclude(pk__in=[member.pk, successor.pk]).select_related("user")
    order = {role: i for i, role in enumerate(_STAND_IN_ROLES)}
    return sorted(candidates, key=lambda m: (order[Role(m.role)], m.user.email))


def _label(channel: Channel) -> str:
    return f"{channel.display_name} ({channel.network}:{channel.handle})"


def _move(channel: Channel, slot: str, successor: Member, stand_in: Member | None,
          actor: Actor) -> dict[str, Any]:
    """Give the leaver's ``slot`` (owner or backup_owner) to the successor.

    Where the successor already holds the other slot, they keep it and the
    stand-in takes the backup role, so owner and backup stay two people.
    """
    before = {"owner": channel.owner.user.email, "backup_owner": channel.backup_owner.user.email}
    if slot == "owner":
        channel.owner = successor
        if channel.backup_owner_id == successor.pk:
            assert stand_in is not None  # the caller refused clashes without a stand-in
            channel.backup_owner = stand_in
    elif channel.owner_id == successor.pk:
        assert stand_in is not None
        channel.backup_owner = stand_in
    else:
        channel.backup_owner = successor
    channel.save(update_fields=["owner", "backup_owner"])
    after = {"owner": channel.owner.user.email, "backup_owner": channel.backup_owner.user.email}
    audit.record(channel.organization, actor, "channel.owners", channel, before=before,
                 after=after)
    return {"channel": _label(channel), "channel_id": channel.pk, "before": before,
            "after": after}


def _move_channels(member: Member, successor: Member, actor: Actor,
                   report: OffboardingReport) -> list[Channel]:
    """Move owner and backup roles; return every channel the person held."""
    held = list(
        Channel.objects.select_for_update()
        .filter(organization_id=member.organization_id)
        .filter(Q(owner=member) | Q(backup_owner=member))
        .select_related("owner__user", "backup_owner__user", "organization")
        .order_by("display_name", "pk")
    )
    clash = [c for c in held if successor.pk in (c.owner_id, c.backup_owner_id)]
    stand_ins = _stand_ins(member, successor) if clash else []
    if clash and not stand_ins:
        raise ValidationError(
            _("%(successor)s already holds the other role on these channels and no other "
              "active manager or administrator can take it: %(channels)s. Choose another "
              "successor or add a manager first.")
            % {"successor": successor.display_name,
               "channels": ", ".join(_label(c) for c in clash)}
        )
    stand_in = stand_ins[0] if stand_ins else None
    for channel in held:
        if channel.owner_id == member.pk:
            report.owner_moves.append(_move(channel, "owner", successor, stand_in, actor))
        else:
            report.backup_moves.append(
                _move(channel, "backup_owner", successor, stand_in, actor)
            )
    return held


def _flag_credentials(member: Member, held: list[Channel], report: OffboardingReport,
                      granted: set[int] | None = None) -> None:
    """Flag the credentials of every channel the person owned, backed up or could manage."""
    could_manage_all = bool(
        {Action.MANAGE_CHANNELS, Action.MANAGE_CREDENTIALS} & ROLE_ACTIONS[Role(member.role)]
    )
    held_ids = {c.pk for c in held}
    credentials = Credential.objects.select_for_update().select_related("channel").filter(
        channel__organization_id=member.organization_id
    )
    granted = granted or set()
    if not could_manage_all:
        credentials = credentials.filter(channel_id__in=held_ids | granted)
    name = member.display_name
    for credential in credentials.order_by("channel__display_name", "pk"):
        channel = credential.channel
        if channel.pk in held_ids:
            reason = _("%(name)s, owner or backup owner of this channel, left.") % {"name": name}
        elif channel.pk in granted and not could_manage_all:
            reason = _("%(name)s, who could manage this channel through a grant, left.") % {
                "name": name}
        else:
            reason = _("%(name)s, who could manage every channel's credentials, left.") % {
                "name": name}
        was_flagged = credential.needs_rotation
        flag_for_rotation([credential], reason)
        report.flagged.append({
            "channel": _label(channel), "channel_id": channel.pk,
            "reason": credential.rotation_reason, "already_flagged": was_flagged,
        })


@transaction.atomic
def offboard(member: Member, actor: Actor, *, successor: Member) -> OffboardingReport:
    """Remove a person from the organization in one action, and report what was done."""
    by = authorize(actor, Action.MANAGE_MEMBERS, member)
    member = Member.objects.select_for_update().select_related("user", "organization").get(
        pk=member.pk
    )
    if by is not None and by.pk == member.pk:
        raise ValidationError(_("You cannot offboard yourself."))
    guard_owner(member, by, leaves_owners=True)
    _check_successor(member, successor)
    report = OffboardingReport(
        member=member.user.email, successor=successor.user.email,
        deactivated=member.is_active, sessions_ended_at="",
    )
    before = {"email": member.user.email, "role": member.role, "is_active": member.is_active}
    Member.objects.filter(pk=member.pk).update(is_active=False)
    member.is_active = False
    report.sessions_ended_at = fence_sessions(member.user).isoformat()
    live = ApiToken.objects.filter(member=member, revoked_at__isnull=True)
    report.tokens_revoked = [t.prefix + "…" for t in live.order_by("created_at")]
    live.update(revoked_at=timezone.now())
    held = _move_channels(member, successor, actor, report)
    # A grant to manage a channel exposed its credentials as much as owning it did.
    granted = {g.channel_id for g in grants_of_member(member) if g.effect == GrantEffect.ALLOW
               and {Action.MANAGE_CHANNELS, Action.MANAGE_CREDENTIALS} & set(g.actions)}
    report.handlers["channel_grants"] = remove_all_grants(member, actor)
    for key, handler in offboarding_handlers().items():
        report.handlers[key] = [str(line) for line in handler(member, successor, actor)]
    _flag_credentials(member, held, report, granted)
    event = audit.record(member.organization, actor, "member.offboard", member, before=before,
                         after=report.as_dict())
    report.event_id = event.pk
    return report
