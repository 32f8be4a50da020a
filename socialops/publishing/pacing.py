"""Keep publications within each network's documented quotas (capability data).

The dispatcher asks, before claiming, how many more publications each channel may start
now: for every quota that publishing uses (`RateLimit.publish_cost > 0`), the attempts
started within its window are counted (per channel for an account quota, across the
network for an app quota) and what remains is divided by the cost. A channel with no
room is deferred until its oldest counted attempt leaves the window, so the network's
429 answers become the exception rather than the way limits are found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min

from socialops.connectors import registry
from socialops.connectors.capabilities import RateLimit
from socialops.connectors.errors import ConnectorError
from socialops.governance.models import Channel
from socialops.publishing.models import PublishAttempt, Variant, VariantStatus

IN_FLIGHT_RECHECK = timedelta(seconds=30)


@dataclass(frozen=True)
class Room:
    """How many publications a channel may start now, and when it has room again if none."""

    allowed: int | None  # None: no quota applies
    retry_at: datetime | None = None


def publish_quotas(network: str) -> tuple[RateLimit, ...]:
    """Return the quotas a publication on this network counts against."""
    try:
        limits = registry.capabilities_for(network).rate_limits
    except (ConnectorError, ImportError, AttributeError):
        return ()
    return tuple(limit for limit in limits if limit.publish_cost > 0)


Usage = dict[object, tuple[int, datetime | None]]


def _usage(channels: list[Channel], window: timedelta, now: datetime) -> tuple[Usage, Usage]:
    """Count attempts within one window: per channel, and per network (app quotas)."""
    recent = PublishAttempt.objects.filter(started_at__gte=now - window)
    per_channel: Usage = {
        row["variant__channel_id"]: (row["n"], row["oldest"])
        for row in recent.filter(variant__channel_id__in=[c.pk for c in channels])
        .values("variant__channel_id").annotate(n=Count("pk"), oldest=Min("started_at"))
        .order_by()}
    per_network: Usage = {
        row["variant__channel__network"]: (row["n"], row["oldest"])
        for row in recent.filter(variant__channel__network__in={c.network for c in channels})
        .values("variant__channel__network")
        .annotate(n=Count("pk"), oldest=Min("started_at")).order_by()}
    return per_channel, per_network


def room_for(channels: Iterable[Channel], now: datetime) -> dict[int, Room]:
    """Return the room of each channel under its network's publishing quotas.

    One query pair per distinct quota window, whatever the number of channels.
    """
    chosen = list(channels)
    quotas = {c.pk: publish_quotas(c.network) for c in chosen}
    windows = {q.window_seconds for qs in quotas.values() for q in qs}
    usage = {w: _usage(chosen, timedelta(seconds=w), now) for w in sorted(windows)}
    # Claimed but not yet started: no attempt row yet, but they will use the quota.
    # (Once started they count twice until they finish: pacing errs on the safe side.)
    in_flight = dict(Variant.objects.filter(
        status=VariantStatus.PUBLISHING, channel__in=chosen,
    ).values_list("channel_id").annotate(n=Count("pk")).order_by())
    in_flight_network: dict[str, int] = {}
    for channel in chosen:
        in_flight_network[channel.network] = (in_flight_network.get(channel.network, 0)
                                              + in_flight.get(channel.pk, 0))
    rooms: dict[int, Room] = {}
    for channel in chosen:
        allowed: int | None = None
        retry_at: datetime | None = None
        for quota in quotas[channel.pk]:
            per_channel, per_network = usage[quota.window_seconds]
            used, oldest = (per_network.get(channel.network) if quota.scope == "app"
                            else per_channel.get(channel.pk)) or (0, None)
            used += (in_flight_network.get(channel.network, 0) if quota.scope == "app"
                     else in_flight.get(channel.pk, 0))
            left = max(0, (quota.limit - used * quota.publish_cost) // quota.publish_cost)
            allowed = left if allowed is None else min(allowed, left)
            if left == 0:
                # In flight only: look again shortly, once they have started or finished.
                free = (oldest + timedelta(seconds=quota.window_seconds) if oldest is not None
                        else now + IN_FLIGHT_RECHECK)
                retry_at = free if retry_at is None else max(retry_at, free)
        rooms[channel.pk] = Room(allowed, retry_at if allowed == 0 else None)
    return rooms
