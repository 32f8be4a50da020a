"""Measure a detector on labelled real series (NAB realTweets) and on synthetic onsets."""

from __future__ import annotations

import csv
import json
import math
import random
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from socialops.listening.detection import BUCKET, Alert, Detector

WEEK = timedelta(days=7)
DEFAULT_PEAK = 40.0  # busiest 5-minute bucket of a synthetic account's normal day


def read_series(path: Path) -> list[tuple[datetime, float]]:
    """Read `timestamp,value` rows (header optional) as aware UTC datetimes."""
    rows: list[tuple[datetime, float]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for line_number, row in enumerate(csv.reader(handle), start=1):
            if not row or (line_number == 1 and row[0].strip().lower() == "timestamp"):
                continue
            if len(row) < 2:
                raise ValueError(f"{path.name}:{line_number}: expected timestamp,value")
            try:
                stamp = datetime.fromisoformat(row[0].strip())
                value = float(row[1])
            except ValueError as exc:
                raise ValueError(f"{path.name}:{line_number}: {exc}") from None
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            rows.append((stamp, value))
    return rows


def run(detector: Detector, series: Iterable[tuple[datetime, float]]) -> list[Alert]:
    """Feed a whole series to a detector and return its alerts."""
    return [a for stamp, value in series if (a := detector.update(stamp, value)) is not None]


@dataclass(frozen=True)
class Score:
    windows: int
    found: int
    delays_minutes: list[float]
    false_alarms: int
    weeks: float
    # From the labelled anomaly point inside each found window (negative: before it).
    label_delays_minutes: tuple[float, ...] = ()

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "windows": self.windows,
            "found": self.found,
            "median_delay_min": round(statistics.median(self.delays_minutes), 1)
            if self.delays_minutes else None,
            "median_delay_from_label_min": round(statistics.median(self.label_delays_minutes), 1)
            if self.label_delays_minutes else None,
            "false_alarms": self.false_alarms,
            "series_weeks": round(self.weeks, 1),
            "false_alarms_per_week": round(self.false_alarms / self.weeks, 3)
            if self.weeks else None,
        }


def score(alerts: list[Alert], windows: list[tuple[datetime, datetime]],
          span: tuple[datetime, datetime], labels: list[datetime] | None = None) -> Score:
    """Count windows with an alert inside, delays from window start, alarms outside."""
    found = 0
    delays: list[float] = []
    label_delays: list[float] = []
    for start, end in windows:
        inside = [a.timestamp for a in alerts if start <= a.timestamp <= end]
        if inside:
            found += 1
            delays.append((min(inside) - start).total_seconds() / 60)
            label_delays.extend((min(inside) - label).total_seconds() / 60
                                for label in labels or () if start <= label <= end)
    outside = [a for a in alerts if not any(s <= a.timestamp <= e for s, e in windows)]
    weeks = (span[1] - span[0]) / WEEK
    return Score(len(windows), found, delays, len(outside), weeks, tuple(label_delays))


def _parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def evaluate_nab(data_dir: Path, make: Callable[[], Detector]) -> dict[str, object]:
    """Score a fresh detector per NAB realTweets series against the labelled windows."""
    windows = json.loads((data_dir / "windows.json").read_text(encoding="utf-8"))
    labels_file = data_dir / "labels.json"
    labels = json.loads(labels_file.read_text(encoding="utf-8")) if labels_file.exists() else {}
    total = Score(0, 0, [], 0, 0.0)
    per_series = {}
    for name in sorted(windows):
        series = read_series(data_dir / name)
        spans = [(_parse_stamp(a), _parse_stamp(b)) for a, b in windows[name]]
        points = [_parse_stamp(stamp) for stamp in labels.get(name, [])]
        result = score(run(make(), series), spans, (series[0][0], series[-1][0]), points)
        per_series[name] = {"found": result.found, "windows": result.windows,
                            "false_alarms": result.false_alarms}
        total = Score(total.windows + result.windows, total.found + result.found,
                      total.delays_minutes + result.delays_minutes,
                      total.false_alarms + result.false_alarms, total.weeks + result.weeks,
                      total.label_delays_minutes + result.label_delays_minutes)
    return {**total.as_dict(), "per_series": per_series}


def synthetic_series(seed: int, weeks: int, base_peak: float) -> list[tuple[datetime, float]]:
    """Return Poisson counts with a daily and weekly cycle peaking near ``base_peak``."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
    rows = []
    for i in range(weeks * 7 * 288):
        stamp = start + i * BUCKET
        hour = stamp.hour + stamp.minute / 60
        daily = 0.15 + 0.85 * max(0.0, math.sin(math.pi * (hour - 6) / 17)) ** 2
        weekly = 0.7 if stamp.weekday() >= 5 else 1.0
        rows.append((stamp, float(_poisson(rng, base_peak * daily * weekly))))
    return rows


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def evaluate_synthetic(make: Callable[[], Detector], *, multipliers: Iterable[float] = (0.5, 1, 2),
                       runs: int = 20, base_peak: float = DEFAULT_PEAK) -> dict[str, object]:
    """Inject sustained onsets into synthetic weeks; report recall, delay, false alarms."""
    results: dict[str, object] = {}
    clean_alarms, clean_weeks = 0, 0.0
    for seed in range(runs):
        series = synthetic_series(seed, 2, base_peak)
        clean_alarms += len([a for a in run(make(), series) if a.timestamp >= series[0][0] + WEEK])
        clean_weeks += 1
    for multiplier in multipliers:
        found, delays = 0, []
        for seed in range(runs):
            rng = random.Random(1000 + seed)  # noqa: S311 - synthetic data
            series = synthetic_series(1000 + seed, 2, base_peak)
            onset = 7 * 288 + rng.randrange(0, 6 * 288)  # in the second week
            extra = multiplier * base_peak
            for i in range(onset, min(onset + 24, len(series))):  # two hours
                stamp, value = series[i]
                series[i] = (stamp, value + _poisson(rng, extra))
            alerts = [a for a in run(make(), series) if a.timestamp >= series[onset][0]]
            if alerts and alerts[0].timestamp <= series[onset][0] + timedelta(hours=2):
                found += 1
                delays.append((alerts[0].timestamp - series[onset][0]).total_seconds() / 60)
        results[f"{multiplier:g}x"] = {
            "recall": round(found / runs, 3),
            "median_delay_min": statistics.median(delays) if delays else None,
        }
    results["false_alarms_per_clean_week"] = round(clean_alarms / clean_weeks, 3)
    return results
