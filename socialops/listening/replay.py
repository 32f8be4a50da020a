"""Replay a recorded or synthetic series on a fast clock, for demos and rehearsals.

A 5-minute bucket takes 5 real minutes on the live path, so a crisis rehearsal from the
sandbox waits 10 to 16 minutes for its first alert. A replay writes a series into a
query of its own, clearly named as a replay, and runs the production alerting
(`alerting.evaluate`: same detector, same e-mails, webhooks and pages) after each
bucket, one bucket every few seconds. Bucket times are real: the series is laid so that
its last row is the last complete bucket when the replay starts. Nothing else is faked;
mentions are not invented, so the query's mention list stays empty.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core.models import Organization
from socialops.listening import alerting
from socialops.listening.detection import BUCKET
from socialops.listening.models import Alert, ListeningQuery, SeriesBucket
from socialops.listening.series import bucket_start

DAY_BUCKETS = 288


@dataclass(frozen=True)
class Row:
    """One bucket of a series to replay: mentions, of which negative."""

    volume: int
    negative: int


def synthetic_series(days: int = 3, spike: int = 12, seed: int = 6) -> list[Row]:
    """Return `days` of quiet daily rhythm then `spike` buckets of a crisis (synthetic)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    rows = []
    for i in range(days * DAY_BUCKETS):
        # A daily rhythm: about 1 mention a bucket at night, 6 in the afternoon.
        rate = 3.5 - 2.5 * math.cos(2 * math.pi * (i % DAY_BUCKETS) / DAY_BUCKETS)
        volume = max(0, round(rng.gauss(rate, math.sqrt(rate))))
        rows.append(Row(volume, sum(rng.random() < 0.15 for _ in range(volume))))
    for i in range(spike):
        volume = round(6 + 60 * min(1.0, (i + 1) / 4) + rng.gauss(0, 4))
        rows.append(Row(volume, round(volume * 0.6)))
    return rows


def rows_from_values(values: Sequence[float]) -> list[Row]:
    """Turn a recorded volume series (e.g. NAB realTweets) into rows without negatives."""
    return [Row(max(0, round(v)), 0) for v in values]


def replay(organization: Organization, rows: Sequence[Row], *, name: str, live: int,
           interval: float, sleep: Callable[[float], None] = time.sleep,
           report: Callable[[datetime, Row, list[Alert]], None] | None = None) -> ListeningQuery:
    """Write `rows` into a new replay query; the last `live` ones one by one, with alerting.

    The first rows are history, written at once (the detector needs a day of it); each
    live row is then written and evaluated, `interval` seconds apart.
    """
    live = max(1, min(live, len(rows)))
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M")
    query = ListeningQuery.objects.create(
        organization=organization, is_active=False,
        name=(_("%(name)s (replay %(when)s, not live data)") % {
            "name": name, "when": stamp})[:120],
        # Never matches a real mention: the replay query is only a series.
        expression="socialops-replay-series-only")
    end = bucket_start(timezone.now()) - BUCKET
    first = end - (len(rows) - 1) * BUCKET
    history = [SeriesBucket(query=query, start=first + i * BUCKET, volume=r.volume,
                            negative=r.negative) for i, r in enumerate(rows[:-live])]
    SeriesBucket.objects.bulk_create(history)
    history_end = first + (len(rows) - live - 1) * BUCKET
    ListeningQuery.objects.filter(pk=query.pk).update(evaluated_until=history_end)
    query.evaluated_until = history_end
    for offset, row in enumerate(rows[-live:]):
        start = history_end + (offset + 1) * BUCKET
        SeriesBucket.objects.create(query=query, start=start, volume=row.volume,
                                    negative=row.negative)
        alerts = alerting.evaluate(query, now=start + BUCKET)
        if report is not None:
            report(start, row, alerts)
        if interval > 0 and offset < live - 1:
            sleep(interval)
    return query


def live_span(live: int) -> timedelta:
    """Return how much real time `live` buckets stand for."""
    return live * BUCKET
