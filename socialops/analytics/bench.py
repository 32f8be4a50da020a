"""`socialops bench dashboard`: fill years of metrics, then time the dashboard's queries.

The data goes into a throw-away organization (deleted afterwards): N channels with a
row per day, and posts whose daily snapshots add up to the requested number of
post-metric rows. Rows are inserted with one multi-row statement per batch, not through
model instances, so filling a million rows takes seconds rather than minutes.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from socialops.analytics.dashboard import dashboard_data
from socialops.analytics.kpis import Period, Scope
from socialops.analytics.models import (
    ChannelDayMetrics,
    ChannelMonthMetrics,
    CollectionState,
    PostMetrics,
    PostMetricSnapshot,
)
from socialops.analytics.rollups import refresh_months
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Organization
from socialops.governance.models import Channel
from socialops.publishing.models import Campaign, Post, Variant, VariantStatus

NETWORKS = ("instagram", "facebook", "linkedin", "x", "tiktok", "youtube", "bluesky",
            "mastodon")
BATCH = 5000
SNAPSHOTS_PER_POST = 30


@dataclass(frozen=True)
class BenchSize:
    """How much data to generate."""

    channels: int = 300
    days: int = 730
    post_rows: int = 1_000_000
    runs: int = 5


@contextmanager
def throwaway_organization(channels: int) -> Iterator[tuple[Organization, list[Channel]]]:
    """Create an organization with `channels` channels; delete all of it afterwards."""
    from socialops.core.services import add_member, create_organization

    actor = Actor.system("bench")
    tag = uuid.uuid4().hex[:10]
    org = create_organization(f"Bench dashboard {tag}", actor)
    try:
        owner = add_member(org, f"owner-{tag}@bench.invalid", "manager", actor)
        backup = add_member(org, f"backup-{tag}@bench.invalid", "publisher", actor)
        # Channels go in with one statement: the governance service (and its audit
        # event per channel) is not what this bench measures.
        Channel.objects.bulk_create([
            Channel(organization=org, network=NETWORKS[i % len(NETWORKS)],
                    handle=f"bench{tag}{i}", display_name=f"Bench {i}", owner=owner,
                    backup_owner=backup)
            for i in range(channels)
        ])
        yield org, list(Channel.objects.filter(organization=org).order_by("pk"))
    finally:
        delete_organization(org)


def delete_organization(org: Organization) -> None:
    """Delete the bench organization, its metrics, posts, audit chain and people."""
    users = list(org.members.values_list("user_id", flat=True))
    with transaction.atomic():
        # Plain DELETE statements first: the ORM's cascade would load a million rows.
        for model in (PostMetricSnapshot, PostMetrics, ChannelDayMetrics, ChannelMonthMetrics):
            model.objects.filter(organization=org).delete()
        CollectionState.objects.filter(channel__organization=org).delete()
        Variant.objects.filter(organization=org).delete()
        Post.objects.filter(organization=org).delete()
        Campaign.objects.filter(organization=org).delete()
        AuditEvent.objects.filter(organization=org).delete()
        Channel.objects.filter(organization=org).delete()
        org.delete()
        get_user_model().objects.filter(pk__in=users, memberships__isnull=True).delete()


def _insert(table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    count = 0
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        if not batch:
            return
        values = ", ".join([placeholders] * len(batch))
        params = [value for row in batch for value in row]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({quoted}) VALUES {values}",  # noqa: S608
                           params)
        batch.clear()

    # SQLite allows 32,766 parameters per statement; stay well under it.
    per_statement = max(1, min(BATCH, 30_000 // len(columns)))
    for row in rows:
        batch.append(row)
        count += 1
        if len(batch) >= per_statement:
            flush()
    flush()
    return count


def fill_channel_days(org: Organization, channels: list[Channel], end: date, days: int) -> int:
    """Insert a row per channel per day, with weekly cycles and growth."""
    rng = random.Random(7)  # noqa: S311 - benchmark data
    now = timezone.now()
    weekday = (1.05, 1.12, 1.1, 1.04, 0.95, 0.8, 0.74)

    def rows() -> Iterator[tuple[Any, ...]]:
        for channel in channels:
            followers = rng.randint(500, 200_000)
            for n in range(days):
                day = end - timedelta(days=days - 1 - n)
                gain = int(followers * 0.001 * rng.random())
                followers += gain
                impressions = int(followers * 0.3 * weekday[day.weekday()])
                reach = int(impressions * 0.6)
                yield (org.pk, channel.pk, day, followers, gain, impressions, reach,
                       int(impressions * 0.035), int(reach * 0.02), int(impressions * 0.005),
                       int(impressions * 0.2), now)

    count = _insert(ChannelDayMetrics._meta.db_table, (
        "organization_id", "channel_id", "day", "followers", "follower_change", "impressions",
        "reach", "engagements", "profile_visits", "link_clicks", "video_views",
        "collected_at"), rows())
    refresh_months([c.pk for c in channels], end - timedelta(days=days - 1), end)
    return count


def fill_posts(org: Organization, channels: list[Channel], end: date, days: int,
               post_rows: int) -> int:
    """Create published posts and their daily snapshots, `post_rows` snapshots in all."""
    rng = random.Random(11)  # noqa: S311 - benchmark data
    posts = max(1, post_rows // SNAPSHOTS_PER_POST)
    start = datetime.combine(end - timedelta(days=days - 1), datetime.min.time(), UTC)
    Campaign.objects.bulk_create([
        Campaign(organization=org, name=f"Campaign {n}", starts_on=end - timedelta(days=60 * n),
                 ends_on=end - timedelta(days=60 * n - 45), spend=1000 + 100 * n,
                 target_impressions=1_000_000)
        for n in range(12)])
    campaign_ids = list(Campaign.objects.filter(organization=org).values_list("pk", flat=True))
    Post.objects.bulk_create([Post(organization=org, text=f"Bench post {n}",
                                   campaign_id=campaign_ids[n % 12] if n % 3 == 0 else None)
                              for n in range(posts)], batch_size=BATCH)
    post_ids = list(Post.objects.filter(organization=org).values_list("pk", flat=True))
    Variant.objects.bulk_create([
        Variant(post_id=pk, organization=org, channel=channels[n % len(channels)],
                placement="feed", text=f"Bench post {n}", status=VariantStatus.PUBLISHED,
                published_at=start + timedelta(seconds=rng.randrange(days * 86_400)),
                remote_id=f"bench-{pk}")
        for n, pk in enumerate(post_ids)
    ], batch_size=BATCH)
    variants = list(Variant.objects.filter(organization=org)
                    .values_list("pk", "channel_id", "published_at"))
    now = timezone.now()
    latest = []
    snapshot_rows: list[tuple[Any, ...]] = []
    for variant_id, channel_id, published_at in variants:
        assert published_at is not None  # every bench variant is published
        reach = rng.randint(100, 50_000)
        engagements = int(reach * rng.uniform(0.01, 0.08))
        local = timezone.localtime(published_at)
        latest.append((org.pk, channel_id, variant_id, published_at, reach * 2, reach,
                       engagements, 0, 0, 0, int(reach * 0.01), None, engagements,
                       local.isoweekday(), local.hour, now))
        for n in range(SNAPSHOTS_PER_POST):
            share = (n + 1) / SNAPSHOTS_PER_POST
            snapshot_rows.append((org.pk, variant_id, published_at.date() + timedelta(days=n),
                                  int(reach * 2 * share), int(reach * share),
                                  int(engagements * share), 0, 0, 0, 0, None, now))
    _insert(PostMetrics._meta.db_table, (
        "organization_id", "channel_id", "variant_id", "published_at", "impressions", "reach",
        "reactions", "comments", "shares", "saves", "clicks", "video_views", "engagements",
        "published_weekday", "published_hour", "collected_at"), iter(latest))
    return _insert(PostMetricSnapshot._meta.db_table, (
        "organization_id", "variant_id", "day", "impressions", "reach", "reactions",
        "comments", "shares", "saves", "clicks", "video_views", "collected_at"),
        iter(snapshot_rows))


def scenarios(org: Organization, channels: list[Channel], end: date
              ) -> dict[str, tuple[Scope, Period]]:
    """Return the dashboard views timed: the organization over 28 and 365 days, a channel."""
    everyone = Scope(org.pk, tuple(c.pk for c in channels))
    return {
        "org_28d": (everyone, Period(end - timedelta(days=27), end)),
        "org_365d": (everyone, Period(end - timedelta(days=364), end)),
        "channel_90d": (Scope(org.pk, (channels[0].pk,)), Period(end - timedelta(days=89), end)),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def bench_dashboard(size: BenchSize, report: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill the data, time each dashboard scenario `size.runs` times; return the figures."""
    end = timezone.localdate()
    with throwaway_organization(size.channels) as (org, channels):
        started = time.perf_counter()
        with transaction.atomic():
            day_rows = fill_channel_days(org, channels, end, size.days)
            post_rows = fill_posts(org, channels, end, size.days, size.post_rows)
        with connection.cursor() as cursor:
            # Fresh statistics, as a production database has them (autovacuum, or
            # SQLite's `PRAGMA optimize`); without them the planner guesses.
            cursor.execute("ANALYZE")
        fill_seconds = time.perf_counter() - started
        report(f"filled {day_rows} channel-days and {post_rows} post-metric rows "
               f"in {fill_seconds:.1f} s")
        timings: dict[str, list[float]] = {}
        for run in range(size.runs + 1):
            for name, (scope, period) in scenarios(org, channels, end).items():
                t0 = time.perf_counter()
                dashboard_data(scope, period)
                elapsed = (time.perf_counter() - t0) * 1000
                if run:  # the first run warms the caches and is not counted
                    timings.setdefault(name, []).append(elapsed)
        every = [t for values in timings.values() for t in values]
        return {
            "p95_ms": round(_p95(every), 1),
            "median_ms": round(statistics.median(every), 1),
            **{f"{name}_median_ms": round(statistics.median(v), 1)
               for name, v in timings.items()},
            **{f"{name}_p95_ms": round(_p95(v), 1) for name, v in timings.items()},
            "channels": size.channels, "days": size.days, "channel_days": day_rows,
            "post_metric_rows": post_rows, "runs": size.runs,
            "fill_seconds": round(fill_seconds, 1), "database": connection.vendor,
        }
