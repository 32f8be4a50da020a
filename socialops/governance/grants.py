"""Channel grants: widen or narrow one member's role on one channel; every change audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialops.core import audit, channel_access
from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.permissions import ACTION_LABELS, CHANNEL_ACTIONS, Action, authorize
from socialops.governance.models import Channel, ChannelGrant, GrantEffect

# The short names a grant shows, in the order of the issue: view, draft, publish, approve,
# respond, manage.
GRANT_ACTION_LABELS: dict[Action, Any] = {
    Action.VIEW_INBOX: gettext_lazy("Read the inbox"),
    Action.RESPOND: gettext_lazy("Respond"),
    Action.ASSIGN_CONVERSATIONS: gettext_lazy("Assign conversations"),
    Action.DRAFT_POSTS: gettext_lazy("Draft"),
    Action.SCHEDULE_POSTS: gettext_lazy("Publish"),
    Action.APPROVE_POSTS: gettext_lazy("Approve"),
    Action.MANAGE_CHANNELS: gettext_lazy("Manage the channel"),
    Action.MANAGE_CREDENTIALS: gettext_lazy("Manage credentials"),
}


def grants_of_member(member: Member) -> QuerySet[ChannelGrant]:
    """Return a member's grants with their channels."""
    return ChannelGrant.objects.filter(member=member).select_related("channel").order_by(
        "channel__display_name", "effect")


def grants_on_channel(channel: Channel) -> QuerySet[ChannelGrant]:
    """Return the grants held on a channel, with their members."""
    return ChannelGrant.objects.filter(channel=channel).select_related("member__user").order_by(
        "member__user__email", "effect")


def get_grant(organization_id: int, grant_id: int) -> ChannelGrant:
    """Return a grant of the organization, or raise Http404 (other organizations too)."""
    grant = ChannelGrant.objects.select_related("member__user", "member__organization",
                                                "channel").filter(
        pk=grant_id, channel__organization_id=organization_id).first()
    if grant is None:
        raise Http404
    return grant


def _clean_actions(actions: Iterable[str]) -> list[str]:
    values = {str(a) for a in actions}
    allowed = {a.value for a in CHANNEL_ACTIONS}
    unknown = values - allowed
    if unknown:
        raise ValidationError(_("These actions cannot be granted per channel: %(actions)s.")
                              % {"actions": ", ".join(sorted(unknown))})
    return [a.value for a in CHANNEL_ACTIONS if a.value in values]


def _refresh_flag(member: Member) -> None:
    has = ChannelGrant.objects.filter(member_id=member.pk).exists()
    Member.objects.filter(pk=member.pk).update(has_channel_grants=has)
    member.has_channel_grants = has
    channel_access.forget(member)


def _snapshot(grant: ChannelGrant | None) -> dict[str, Any] | None:
    if grant is None:
        return None
    return {"member": grant.member.user.email, "channel": grant.channel.display_name,
            "channel_id": grant.channel_id, "effect": grant.effect, "actions": grant.actions}


@transaction.atomic
def set_grant(member: Member, channel: Channel, effect: str, actions: Iterable[str],
              actor: Actor) -> ChannelGrant | None:
    """Give (or change) a member's grant on a channel; no actions removes it. Audited."""
    by = authorize(actor, Action.MANAGE_MEMBERS, member.organization)
    if member.role == Role.OWNER and by is not None and by.role != Role.OWNER:
        raise PermissionDenied(_("Only an owner can change an owner's channel access."))
    if channel.organization_id != member.organization_id:
        raise Http404
    if effect not in GrantEffect.values:
        raise ValidationError(_("Choose whether the grant widens or narrows the role."))
    cleaned = _clean_actions(actions)
    if cleaned and not member.is_active:
        raise ValidationError(_("Only active members can hold channel grants."))
    existing = ChannelGrant.objects.select_for_update().filter(
        member=member, channel=channel, effect=effect).first()
    before = _snapshot(existing)
    if not cleaned:
        if existing is None:
            return None
        existing.delete()
        _refresh_flag(member)
        audit.record(member.organization, actor, "channel_grant.remove", member, before=before)
        return None
    grant = existing or ChannelGrant(member=member, channel=channel, effect=effect)
    grant.actions = cleaned
    grant.save()
    _refresh_flag(member)
    after = _snapshot(grant)
    if after != before:
        audit.record(member.organization, actor, "channel_grant.set", member,
                     before=before, after=after)
    return grant


@transaction.atomic
def remove_grant(grant: ChannelGrant, actor: Actor) -> None:
    """Remove one grant (audited)."""
    set_grant(grant.member, grant.channel, grant.effect, [], actor)


def remove_all_grants(member: Member, actor: Actor) -> list[str]:
    """Remove every grant of a member (offboarding); return report lines."""
    lines = []
    for grant in grants_of_member(member):
        lines.append(_("%(effect)s on %(channel)s removed") % {
            "effect": grant.get_effect_display(), "channel": grant.channel.display_name})
        set_grant(member, grant.channel, grant.effect, [], actor)
    return lines


def grant_label(action: Action) -> str:
    """Return the short label of an action a grant can carry."""
    return str(GRANT_ACTION_LABELS.get(action) or ACTION_LABELS[action])


def grant_choices() -> list[tuple[str, str]]:
    """Return the actions a grant can carry, as form choices."""
    return [(action.value, grant_label(action)) for action in CHANNEL_ACTIONS]


def action_labels(actions: Iterable[str]) -> list[str]:
    """Return the short labels of grant actions, for pages."""
    return [grant_label(Action(a)) for a in actions if a in Action._value2member_map_]
