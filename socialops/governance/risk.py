"""Channels at risk: single points of failure and credentials that need attention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, can, require
from socialops.governance.models import Channel, ChannelStatus, Credential

DEFAULT_CREDENTIAL_MAX_AGE_DAYS = 90


def credential_max_age_days() -> int:
    """Return after how many days a credential counts as old (a setting)."""
    return int(getattr(settings, "SOCIALOPS_CREDENTIAL_MAX_AGE_DAYS",
                       DEFAULT_CREDENTIAL_MAX_AGE_DAYS))


@dataclass(frozen=True)
class Risk:
    """Why one channel is at risk."""

    code: str
    message: str


@dataclass(frozen=True)
class ChannelRisk:
    """A channel and every reason it is at risk."""

    channel: Channel
    risks: list[Risk]


def credential_of(channel: Channel) -> Credential | None:
    """Return the channel's credential row (never its secret), or None."""
    try:
        return channel.credential
    except Credential.DoesNotExist:
        return None


def publishers(channels: list[Channel], members: list[Member]) -> dict[int, list[Member]]:
    """Return, per channel, the active members who may publish on it (roles and grants)."""
    by_role = [m for m in members if not m.has_channel_grants
               and Action.SCHEDULE_POSTS in ROLE_ACTIONS[Role(m.role)]]
    granted = [m for m in members if m.has_channel_grants]
    return {channel.pk: by_role + [m for m in granted
                                   if can(m, Action.SCHEDULE_POSTS, channel=channel)]
            for channel in channels}


def risks_of(channel: Channel, max_age: timedelta,
             can_publish: list[Member] | None = None) -> list[Risk]:
    """Return the reasons a channel is at risk (empty when it is fine).

    `can_publish` (the people who may publish on it, from `publishers`) adds the
    single-point-of-failure check on publishing rights.
    """
    risks = []
    owner, backup = channel.owner, channel.backup_owner
    if not owner.is_active:
        risks.append(Risk("owner_inactive", _("The owner, %(name)s, is no longer active.")
                          % {"name": owner.display_name}))
    if backup.pk == owner.pk or not backup.is_active:
        risks.append(Risk("no_backup", _("No working backup: %(name)s is not an active "
                                         "second person.") % {"name": backup.display_name}))
    if channel.status != ChannelStatus.ACTIVE:
        risks.append(Risk("status", _("Status: %(status)s.")
                          % {"status": channel.get_status_display()}))
    if can_publish is not None and len(can_publish) <= 1:
        risks.append(Risk("single_publisher", _("Only %(name)s may publish on it.")
                          % {"name": can_publish[0].display_name} if can_publish
                          else _("Nobody may publish on it.")))
    credential = credential_of(channel)
    if credential is not None:
        if credential.expires_at is not None and credential.expires_at <= timezone.now():
            risks.append(Risk("token_expired", _("Its access token has expired.")))
        if credential.needs_rotation:
            risks.append(Risk("needs_rotation", _("Credentials need rotation: %(reason)s")
                              % {"reason": credential.rotation_reason}))
        changed = credential.rotated_at or credential.set_at
        if changed is not None and timezone.now() - changed > max_age:
            risks.append(Risk("old_credential", _("Credentials older than %(days)d days.")
                              % {"days": max_age.days}))
    return risks


def governed_channels(member: Member) -> QuerySet[Channel]:
    """Return the organization's channels that are not archived, with people and credential."""
    require(member, Action.VIEW_GOVERNANCE, member.organization)
    return (
        Channel.objects.filter(organization_id=member.organization_id)
        .exclude(status=ChannelStatus.ARCHIVED)
        .select_related("owner__user", "backup_owner__user", "credential")
        .order_by("display_name", "pk")
    )


def channels_at_risk(member: Member) -> list[ChannelRisk]:
    """Return every non-archived channel with at least one risk, most risks first."""
    max_age = timedelta(days=credential_max_age_days())
    channels = list(governed_channels(member))
    people = list(Member.objects.filter(organization_id=member.organization_id, is_active=True,
                                        user__is_active=True).select_related("user"))
    rights = publishers(channels, people)
    found = [ChannelRisk(c, r) for c in channels if (r := risks_of(c, max_age, rights[c.pk]))]
    found.sort(key=lambda item: -len(item.risks))
    return found
