"""Keep the monthly rollup of channel metrics and read sums through it.

A sum over a period reads whole calendar months from ChannelMonthMetrics and only the
edge days from ChannelDayMetrics: a year of 300 channels is ~3,600 monthly rows plus a
few thousand daily ones, instead of 110,000 daily rows. The rollup is rebuilt from the
daily rows for every month a write touches, so it cannot drift from them; a deleted
channel takes its rollup rows with it (foreign key cascade).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from socialops.analytics.models import MONTH_TOTALS, ChannelDayMetrics, ChannelMonthMetrics


def month_start(day: date) -> date:
    """Return the first day of the day's month."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """Return the last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def refresh_months(channel_ids: Iterable[int], since: date, until: date) -> int:
    """Rebuild the monthly rows of the channels for every month from `since` to `until`."""
    ids = list(channel_ids)
    if not ids:
        return 0
    first, last = month_start(since), month_end(until)
    rows = (ChannelDayMetrics.objects.filter(channel_id__in=ids, day__gte=first, day__lte=last)
            .annotate(month=TruncMonth("day")).values("organization_id", "channel_id", "month")
            .order_by().annotate(**{name: Sum(name) for name in MONTH_TOTALS}))
    objects = []
    for row in rows:
        values: dict[str, Any] = dict(row)
        objects.append(ChannelMonthMetrics(**values))
    ChannelMonthMetrics.objects.bulk_create(
        objects, batch_size=2000, update_conflicts=True, unique_fields=["channel", "month"],
        update_fields=list(MONTH_TOTALS))
    return len(objects)


def split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Split [start, end] into whole months (first, last month) and the edge day ranges."""
    first_full = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last_full = end if end == month_end(end) else month_start(end) - timedelta(days=1)
    if first_full > last_full:
        return None, [(start, end)]
    edges = []
    if start < first_full:
        edges.append((start, first_full - timedelta(days=1)))
    if last_full < end:
        edges.append((last_full + timedelta(days=1), end))
    return (first_full, month_start(last_full)), edges


def _add(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else a + b


def sums_by_channel(organization_id: int, channel_ids: tuple[int, ...], start: date,
                    end: date, names: tuple[str, ...] = MONTH_TOTALS
                    ) -> dict[int, dict[str, Any]]:
    """Return each channel's summed counters over [start, end] (None: never reported)."""
    months, edges = split(start, end)
    parts: list[Any] = []
    if months is not None:
        parts.append(ChannelMonthMetrics.objects.filter(
            organization_id=organization_id, channel_id__in=channel_ids,
            month__gte=months[0], month__lte=months[1]))
    for first, last in edges:
        parts.append(ChannelDayMetrics.objects.filter(
            organization_id=organization_id, channel_id__in=channel_ids,
            day__gte=first, day__lte=last))
    result: dict[int, dict[str, Any]] = {}
    for queryset in parts:
        for row in (queryset.values("channel_id").order_by()
                    .annotate(**{name: Sum(name) for name in names})):
            entry = result.setdefault(row["channel_id"], dict.fromkeys(names))
            for name in names:
                entry[name] = _add(entry[name], row[name])
    return result


def sums(organization_id: int, channel_ids: tuple[int, ...], start: date, end: date,
         names: tuple[str, ...] = MONTH_TOTALS) -> dict[str, Any]:
    """Return the counters summed over the channels and [start, end]."""
    months, edges = split(start, end)
    parts: list[Any] = []
    if months is not None:
        parts.append(ChannelMonthMetrics.objects.filter(
            organization_id=organization_id, channel_id__in=channel_ids,
            month__gte=months[0], month__lte=months[1]))
    for first, last in edges:
        parts.append(ChannelDayMetrics.objects.filter(
            organization_id=organization_id, channel_id__in=channel_ids,
            day__gte=first, day__lte=last))
    total: dict[str, Any] = dict.fromkeys(names)
    for queryset in parts:
        row = queryset.aggregate(**{name: Sum(name) for name in names})
        for name in names:
            total[name] = _add(total[name], row[name])
    return total
