"""5-minute series: UTC buckets across DST, compact upserts, retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from socialops.core.models import Member
from socialops.listening.models import Mention, SeriesBucket
from socialops.listening.series import (
    bucket_start,
    local_label,
    purge_expired,
    refresh_buckets,
    series,
)

pytestmark = pytest.mark.django_db


def _mention(query: Any, n: int, at: datetime, sentiment: str = "neutral",
             urgent: bool = False) -> Mention:
    return Mention.objects.create(organization_id=query.organization_id, query=query,
                                  network="mastodon", remote_id=f"m{n}", text="t", created_at=at,
                                  sentiment=sentiment, urgent=urgent)


def test_bucket_start_is_utc_aligned_whatever_the_zone() -> None:
    paris = datetime.fromisoformat("2026-03-29T03:07:59+02:00")  # just after the jump
    assert bucket_start(paris) == datetime(2026, 3, 29, 1, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        bucket_start(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_dst_nights_have_no_duplicate_or_missing_bucket(
        manager: Member, make_query: Callable[..., Any]) -> None:
    query = make_query(manager, "arlette")
    # Paris, 25 Oct 2026: 02:00-03:00 local happens twice. One mention in each of them.
    first = datetime.fromisoformat("2026-10-25T02:30:00+02:00")
    second = datetime.fromisoformat("2026-10-25T02:30:00+01:00")
    _mention(query, 1, first, "negative")
    _mention(query, 2, second, urgent=True)
    refresh_buckets(query, [first, second])
    rows = SeriesBucket.objects.filter(query=query).order_by("start")
    assert [(r.start, r.volume, r.negative, r.urgent) for r in rows] == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), 1, 1, 0),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 1, 0, 1),
    ]
    labels = [local_label(r.start, "Europe/Paris") for r in rows]
    assert labels == ["2026-10-25 02:30 +0200", "2026-10-25 02:30 +0100"]
    # The local day of the autumn change has 25 hours: 300 buckets; spring: 276.
    paris = ZoneInfo("Europe/Paris")
    for day, expected in ((date(2026, 10, 25), 300), (date(2026, 3, 29), 276)):
        start = datetime.combine(day, time(0), tzinfo=paris)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=paris)
        assert len(series(query, start, end)) == expected


def test_refresh_is_an_idempotent_upsert(manager: Member,
                                         make_query: Callable[..., Any]) -> None:
    query = make_query(manager, "arlette")
    at = datetime(2026, 5, 4, 10, 2, tzinfo=UTC)
    _mention(query, 1, at)
    refresh_buckets(query, [at])
    _mention(query, 2, at + timedelta(minutes=1), "negative")
    refresh_buckets(query, [at, at])
    bucket = SeriesBucket.objects.get(query=query)
    assert (bucket.volume, bucket.negative, bucket.negative_share) == (2, 1, 0.5)


def test_retention_purges_old_mentions_and_buckets(
        manager: Member, make_query: Callable[..., Any], settings: Any) -> None:
    settings.SOCIALOPS_LISTENING_RETENTION_DAYS = 30
    query = make_query(manager, "arlette")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    old, recent = now - timedelta(days=31), now - timedelta(days=29)
    _mention(query, 1, old)
    _mention(query, 2, recent)
    refresh_buckets(query, [old, recent])
    assert purge_expired(now) == (1, 1)
    assert list(SeriesBucket.objects.values_list("start", flat=True)) == [bucket_start(recent)]
