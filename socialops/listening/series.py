"""5-minute series of each query: bucketing in UTC, compact upserts, retention.

Buckets are aligned on UTC (a local day around a DST change has 276 or 300 of them,
never a duplicated or missing bucket); pages convert bucket starts to the
organization's time zone only for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from socialops.listening.detection import BUCKET
from socialops.listening.models import ListeningQuery, Mention, SeriesBucket


def bucket_start(moment: datetime) -> datetime:
    """Return the start of the UTC 5-minute bucket holding an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("bucket_start needs an aware datetime")
    utc = moment.astimezone(UTC)
    return utc.replace(minute=utc.minute - utc.minute % 5, second=0, microsecond=0)


def refresh_buckets(query: ListeningQuery, starts: Iterable[datetime]) -> int:
    """Recount the given buckets of a query from its mentions and upsert them; return rows."""
    wanted = sorted({bucket_start(s) for s in starts})
    if not wanted:
        return 0
    # One aggregate per contiguous stretch would be finer; one over the span is simpler
    # and a collection only touches the last few buckets.
    counts: dict[datetime, SeriesBucket] = {
        start: SeriesBucket(query=query, start=start) for start in wanted}
    mentions = Mention.objects.filter(query=query, created_at__gte=wanted[0],
                                      created_at__lt=wanted[-1] + BUCKET)
    for created_at, negative, urgent in mentions.values_list("created_at", "sentiment",
                                                             "urgent"):
        row = counts.get(bucket_start(created_at))
        if row is None:
            continue
        row.volume += 1
        row.negative += negative == "negative"
        row.urgent += urgent
    rows = list(counts.values())
    SeriesBucket.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["query", "start"],
        update_fields=["volume", "negative", "urgent"])
    return len(rows)


def series(query: ListeningQuery, start: datetime, end: datetime) -> list[SeriesBucket]:
    """Return every bucket in [start, end), zero-filled where nothing was stored."""
    stored = {b.start: b for b in SeriesBucket.objects.filter(
        query=query, start__gte=bucket_start(start), start__lt=end)}
    result: list[SeriesBucket] = []
    cursor = bucket_start(start)
    while cursor < end:
        result.append(stored.get(cursor) or SeriesBucket(query=query, start=cursor))
        cursor += BUCKET
    return result


def local_label(start: datetime, time_zone: str) -> str:
    """Return a bucket start as local "YYYY-MM-DD HH:MM" in a time zone, with its offset."""
    local = start.astimezone(ZoneInfo(time_zone))
    return local.strftime("%Y-%m-%d %H:%M %z")


def summary(query: ListeningQuery, start: datetime, end: datetime) -> dict[str, float]:
    """Return the volume, negative share and urgent count of a query over a period."""
    totals = SeriesBucket.objects.filter(query=query, start__gte=start, start__lt=end).aggregate(
        volume=Sum("volume", default=0), negative=Sum("negative", default=0),
        urgent=Sum("urgent", default=0))
    volume = int(totals["volume"])
    return {"volume": volume,
            "negative_share": round(totals["negative"] / volume, 3) if volume else 0.0,
            "urgent": int(totals["urgent"])}


def retention_days() -> int:
    """Return how many days mentions and buckets are kept."""
    return int(getattr(settings, "SOCIALOPS_LISTENING_RETENTION_DAYS", 90))


def purge_expired(now: datetime | None = None) -> tuple[int, int]:
    """Delete mentions and buckets older than the retention; return both counts."""
    horizon = (now or timezone.now()) - timedelta(days=retention_days())
    mentions, _ = Mention.objects.filter(created_at__lt=horizon).delete()
    buckets, _ = SeriesBucket.objects.filter(start__lt=horizon).delete()
    return mentions, buckets
