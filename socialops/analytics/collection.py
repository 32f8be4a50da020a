"""Collect metrics from the networks through the connectors, with back-off and backfill.

Each channel has a `CollectionState`: when it is next due and how often it has failed
in a row. A collection asks the connector for every day since the last one stored (up
to BACKFILL_DAYS back, so missed days are filled in), always re-asks for yesterday and
today (the network's figures for them still move), and upserts on (channel, day).
Only the metrics the network's `capabilities.metrics` maps are stored; the others stay
None, so a network that lacks a metric never shows a misleading zero.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from socialops.analytics.models import (
    ACCOUNT_COUNTERS,
    POST_COUNTERS,
    ChannelDayMetrics,
    CollectionState,
    PostMetrics,
    PostMetricSnapshot,
)
from socialops.analytics.rollups import refresh_months
from socialops.connectors.base import AccountMetrics, Connector
from socialops.connectors.base import PostMetrics as RemotePostMetrics
from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    RateLimitedError,
    RetryableError,
)
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, ChannelStatus
from socialops.publishing.models import Variant, VariantStatus

log = logging.getLogger(__name__)
BACKFILL_DAYS = 90
# Posts keep collecting for this long after publication; after that they barely move.
POST_WINDOW_DAYS = 30
COLLECT_EVERY = timedelta(hours=1)
BASE_BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 6 * 3600
ENGAGEMENT_PARTS = ("reactions", "comments", "shares", "saves")


@dataclass(frozen=True)
class CollectionOutcome:
    """What one collection of a channel did."""

    days: int = 0
    posts: int = 0
    error: str = ""


def backoff_seconds(failures: int) -> float:
    """Return how long to wait after `failures` consecutive failures (with jitter)."""
    base = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** min(failures, 16))
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def due_channels(now: datetime | None = None) -> list[int]:
    """Return the active channels whose metrics collection is due."""
    now = now or timezone.now()
    active = Channel.objects.filter(status=ChannelStatus.ACTIVE)
    missing = active.filter(metrics_collection__isnull=True).values_list("pk", flat=True)
    CollectionState.objects.bulk_create(
        [CollectionState(channel_id=pk) for pk in missing], ignore_conflicts=True
    )
    return list(
        CollectionState.objects.filter(channel__status=ChannelStatus.ACTIVE)
        .filter(Q(next_due_at__isnull=True) | Q(next_due_at__lte=now))
        .values_list("channel_id", flat=True)
    )


def _mapped(values: dict[str, int | None], allowed: dict[str, str]) -> dict[str, int | None]:
    return {name: (value if name in allowed else None) for name, value in values.items()}


def store_account_metrics(channel: Channel, rows: list[AccountMetrics],
                          allowed: dict[str, str]) -> int:
    """Upsert a channel's daily counters; return how many days were written."""
    now = timezone.now()
    objects = []
    # A network that only gives the follower count: the change is the difference from
    # the day before, when that day's count is known (never a guess across a gap).
    derive = "follower_change" not in allowed and "followers" in allowed
    known = _followers_before(channel, rows) if derive else {}
    for row in sorted(rows, key=lambda r: r.day):
        values = _mapped({name: getattr(row, name) for name in ACCOUNT_COUNTERS}, allowed)
        if derive and values["followers"] is not None:
            before = known.get(row.day - timedelta(days=1))
            values["follower_change"] = None if before is None else values["followers"] - before
            known[row.day] = values["followers"]
        objects.append(ChannelDayMetrics(organization_id=channel.organization_id,
                                         channel=channel, day=row.day, collected_at=now,
                                         **values))
    with transaction.atomic():
        ChannelDayMetrics.objects.bulk_create(
            objects, update_conflicts=True, unique_fields=["channel", "day"],
            update_fields=[*ACCOUNT_COUNTERS, "collected_at"],
        )
        if rows:
            refresh_months([channel.pk], min(r.day for r in rows), max(r.day for r in rows))
    return len(objects)


def _followers_before(channel: Channel, rows: list[AccountMetrics]) -> dict[date, int]:
    if not rows:
        return {}
    first = min(r.day for r in rows) - timedelta(days=1)
    stored = ChannelDayMetrics.objects.filter(channel=channel, day=first).values_list(
        "followers", flat=True).first()
    return {} if stored is None else {first: stored}


def engagements_of(values: dict[str, int | None]) -> int:
    """Return reactions + comments + shares + saves, counting only what is reported."""
    return sum(values.get(name) or 0 for name in ENGAGEMENT_PARTS)


def store_post_metrics(channel: Channel, variants: dict[str, Variant],
                       rows: list[RemotePostMetrics], allowed: dict[str, str]) -> int:
    """Upsert the latest counters and today's snapshot of each post; return the count."""
    now = timezone.now()
    latest, snapshots = [], []
    for row in rows:
        variant = variants.get(row.remote_id)
        if variant is None or variant.published_at is None:
            continue
        values = _mapped({name: getattr(row, name) for name in POST_COUNTERS}, allowed)
        local = timezone.localtime(variant.published_at)
        latest.append(PostMetrics(
            organization_id=channel.organization_id, channel=channel, variant=variant,
            published_at=variant.published_at, engagements=engagements_of(values),
            published_weekday=local.isoweekday(), published_hour=local.hour,
            collected_at=now, **values))
        snapshots.append(PostMetricSnapshot(
            organization_id=channel.organization_id, variant=variant, day=now.date(),
            collected_at=now, **values))
    with transaction.atomic():
        PostMetrics.objects.bulk_create(
            latest, update_conflicts=True, unique_fields=["variant"],
            update_fields=[*POST_COUNTERS, "engagements", "collected_at", "published_at",
                           "published_weekday", "published_hour"],
        )
        PostMetricSnapshot.objects.bulk_create(
            snapshots, update_conflicts=True, unique_fields=["variant", "day"],
            update_fields=[*POST_COUNTERS, "collected_at"],
        )
    return len(latest)


def days_to_collect(channel: Channel, today: date, backfill_days: int = BACKFILL_DAYS
                    ) -> tuple[date, date]:
    """Return the first and last day to ask for: the gap since the last stored day."""
    last = ChannelDayMetrics.objects.filter(channel=channel).aggregate(last=Max("day"))["last"]
    earliest = today - timedelta(days=backfill_days - 1)
    # Yesterday is asked again: its totals are final only once the day is over.
    since = earliest if last is None else max(earliest, min(last, today - timedelta(days=1)))
    return since, today


def collect(channel: Channel, connector: Connector, *, today: date | None = None,
            backfill_days: int = BACKFILL_DAYS) -> CollectionOutcome:
    """Collect a channel's daily counters and its recent posts' counters (raises on error)."""
    today = today or timezone.localdate()
    mapping = connector.capabilities.metrics
    since, until = days_to_collect(channel, today, backfill_days)
    days = store_account_metrics(channel, connector.fetch_account_metrics(since, until),
                                 mapping.account)
    window_start = timezone.now() - timedelta(days=POST_WINDOW_DAYS)
    variants = {
        v.remote_id: v
        for v in Variant.objects.filter(channel=channel, status=VariantStatus.PUBLISHED,
                                        published_at__gte=window_start)
        .exclude(remote_id="")
    }
    posts = 0
    if variants:
        rows = connector.fetch_post_metrics(sorted(variants))
        posts = store_post_metrics(channel, variants, rows, mapping.post)
    return CollectionOutcome(days=days, posts=posts)


def _finish(channel_id: int, *, failures: int, error: str, next_due_at: datetime | None,
            collected: bool) -> None:
    fields: dict[str, object] = {"consecutive_failures": failures, "last_error": error[:500],
                                 "next_due_at": next_due_at}
    if collected:
        fields["last_collected_at"] = timezone.now()
    CollectionState.objects.filter(channel_id=channel_id).update(**fields)


def collect_channel(channel_id: int, *, connector: Connector | None = None,
                    backfill_days: int = BACKFILL_DAYS) -> CollectionOutcome:
    """Collect one channel now, backing off after failures the network calls retryable."""
    state, _created = CollectionState.objects.get_or_create(channel_id=channel_id)
    channel = Channel.objects.select_related("organization").get(pk=channel_id)
    now = timezone.now()
    try:
        outcome = collect(channel, connector or connector_for(channel),
                          backfill_days=backfill_days)
    except RateLimitedError as exc:
        wait = max(exc.retry_after, backoff_seconds(state.consecutive_failures))
        return _failed(channel_id, state.consecutive_failures, str(exc), now + timedelta(
            seconds=wait))
    except RetryableError as exc:
        wait = backoff_seconds(state.consecutive_failures)
        return _failed(channel_id, state.consecutive_failures, str(exc), now + timedelta(
            seconds=wait))
    except AuthExpiredError as exc:
        # Governance marks the channel for reconnection; it is skipped until then.
        return _failed(channel_id, state.consecutive_failures, str(exc), now + COLLECT_EVERY)
    except ConnectorError as exc:
        log.warning("metrics collection of channel %s failed: %s", channel_id, exc)
        wait = backoff_seconds(state.consecutive_failures)
        return _failed(channel_id, state.consecutive_failures, str(exc), now + timedelta(
            seconds=wait))
    _finish(channel_id, failures=0, error="", next_due_at=now + COLLECT_EVERY, collected=True)
    return outcome


def _failed(channel_id: int, failures: int, error: str,
            next_due_at: datetime) -> CollectionOutcome:
    _finish(channel_id, failures=failures + 1, error=error, next_due_at=next_due_at,
            collected=False)
    return CollectionOutcome(error=error)
