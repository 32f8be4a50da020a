"""Read the organization at a glance for the home page (no writes here)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from socialops.core.models import Member, Role
from socialops.governance.models import Channel, ChannelStatus
from socialops.governance.services import channels_for
from socialops.web.networks import network_label

LIVE_PANEL_SIZE = 12


@dataclass(frozen=True)
class Tally:
    """One labelled count (a card or a row of a summary)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Overview:
    """What the home page shows about an organization."""

    channel_count: int
    by_network: list[Tally]
    by_status: list[Tally]
    needing_attention: list[Channel]
    member_count: int
    by_role: list[Tally]


def needs_attention(channels: QuerySet[Channel]) -> QuerySet[Channel]:
    """Return the channels that are not active, never synchronised, or failing."""
    return channels.filter(
        ~Q(status=ChannelStatus.ACTIVE) | Q(last_synced_at__isnull=True) | ~Q(last_error="")
    )


def organization_overview(member: Member) -> Overview:
    """Return the counts and the channels needing attention for the member's organization."""
    channels = channels_for(member)
    by_network = [
        Tally(row["network"], network_label(row["network"]), row["n"])
        for row in channels.order_by().values("network").annotate(n=Count("id"))
    ]
    by_network.sort(key=lambda t: (-t.count, t.label.lower()))
    status_counts = {
        row["status"]: row["n"]
        for row in channels.order_by().values("status").annotate(n=Count("id"))
    }
    by_status = [
        Tally(value, str(label), status_counts.get(value, 0))
        for value, label in ChannelStatus.choices
    ]
    role_counts = {
        row["role"]: row["n"]
        for row in Member.objects.filter(organization_id=member.organization_id, is_active=True)
        .order_by()
        .values("role")
        .annotate(n=Count("id"))
    }
    by_role = [
        Tally(value, str(label), role_counts[value])
        for value, label in Role.choices
        if role_counts.get(value)
    ]
    return Overview(
        channel_count=sum(status_counts.values()),
        by_network=by_network,
        by_status=by_status,
        needing_attention=list(needs_attention(channels).order_by("display_name")),
        member_count=sum(role_counts.values()),
        by_role=by_role,
    )


def live_channels(member: Member) -> list[Channel]:
    """Return the channels for the live panel, most followed first."""
    channels = channels_for(member).order_by("-followers", "display_name")
    return list(channels[:LIVE_PANEL_SIZE])
