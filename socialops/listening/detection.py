"""Spike detection on 5-minute series: a seasonal baseline and two one-sided CUSUMs.

The detector is causal: it sees one bucket at a time and decides on it with only
the buckets before it, so the same code runs on live series and in benchmarks.

For each bucket it predicts a baseline from the same time of day on previous days
(each day's value smoothed over an hour, then the median across days, which a
past spike cannot drag up). Two cumulative sums then watch the excess:
- a statistical one, on the deviation scaled by a Poisson-like variance widened
  by the recent spread of residuals (is this rise unlikely?);
- a magnitude one, on the excess volume counted in "normal peaks", the busy-hour
  level of the past week (is this rise big for this account?).
A sustained episode alerts when both exceed their thresholds; a surge of more
than 1.6 normal peaks above baseline for three buckets in a row alerts at once.
An alert starts a cool-down during which the same episode cannot alert again.
The defaults were chosen on NAB realTweets and synthetic series (docs/benchmarks.md).
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

BUCKET = timedelta(minutes=5)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Alert:
    """An abnormal rise, decided at ``timestamp`` (the bucket that tipped it)."""

    timestamp: datetime
    score: float
    severity: str
    value: float
    baseline: float


class Detector(Protocol):
    """Anything that turns a series, bucket by bucket, into alerts."""

    def update(self, timestamp: datetime, value: float) -> Alert | None:
        """Feed the next bucket; return an alert if this bucket raises one."""
        ...


@dataclass(frozen=True)
class SeasonalCusumSettings:
    """The tunables of the default detector (defaults measured in docs/benchmarks.md)."""

    history_days: int = 7  # previous days whose same time of day form the baseline
    min_history_days: int = 1  # below this, no decision is made
    smooth_buckets: int = 6  # ± buckets averaged around the same time on past days
    drift: float = 1.0  # CUSUM allowance k, in standard deviations
    threshold: float = 8.0  # CUSUM decision level h
    z_cap: float = 8.0  # one bucket contributes at most this much
    cooldown: timedelta = timedelta(hours=24)
    spread_window: int = 288  # recent residuals used to widen the variance
    min_rate: float = 0.5  # floor of the expected count, for near-empty series
    # A second CUSUM on the excess volume measured in "normal peaks" (the 95th
    # percentile of the past week): an alert needs a rise that is both unlikely
    # and large compared with what the account usually receives at its busiest.
    magnitude_drift: float = 0.3
    magnitude_threshold: float = 12.0
    peak_quantile: float = 0.95
    # A surge well above the busiest normal level for a few buckets in a row alerts
    # at once, without waiting for the cumulative sums.
    surge_ratio: float = 1.6
    surge_buckets: int = 3


def severity_of(ratio: float) -> str:
    """Return a severity from how many times above normal the volume is."""
    if ratio >= 10:
        return "critical"
    if ratio >= 4:
        return "high"
    if ratio >= 2:
        return "medium"
    return "low"


@dataclass
class SeasonalCusumDetector:
    """The default detector: seasonal median baseline + Poisson-scaled CUSUM."""

    settings: SeasonalCusumSettings = field(default_factory=SeasonalCusumSettings)
    _values: dict[datetime, float] = field(default_factory=dict)
    _smoothed: dict[datetime, float] = field(default_factory=dict)
    _residuals: deque[float] = field(default_factory=deque)
    _cusum: float = 0.0
    _magnitude: float = 0.0
    _peak: float = 1.0
    _peak_hour: datetime | None = None
    _surge_run: int = 0
    _quiet_until: datetime | None = None
    _first: datetime | None = None
    _episode_peak: float = 0.0

    def _smoothed_at(self, slot: datetime) -> float | None:
        """Return the mean around a past slot (cached once its window is complete)."""
        cached = self._smoothed.get(slot)
        if cached is not None:
            return cached
        width = self.settings.smooth_buckets
        values = [
            v for i in range(-width, width + 1)
            if (v := self._values.get(slot + i * BUCKET)) is not None
        ]
        if len(values) < width:  # too many gaps to say what was normal then
            return None
        mean = sum(values) / len(values)
        self._smoothed[slot] = mean
        return mean

    def baseline(self, timestamp: datetime) -> float | None:
        """Return the expected value for a bucket from previous days, or None."""
        past = [
            s for day in range(1, self.settings.history_days + 1)
            if (s := self._smoothed_at(timestamp - day * DAY)) is not None
        ]
        if len(past) < self.settings.min_history_days:
            return None
        return statistics.median(past)

    def _forget_before(self, timestamp: datetime) -> None:
        horizon = timestamp - (self.settings.history_days + 1) * DAY
        if self._first is not None and self._first < horizon:
            for store in (self._values, self._smoothed):
                for key in [k for k in store if k < horizon]:
                    del store[key]
            self._first = horizon

    def _normal_peak(self) -> float:
        """Return the busy-hour level of the past week (a high quantile of its buckets)."""
        values = sorted(self._values.values())
        if not values:
            return 1.0
        return values[min(len(values) - 1, int(len(values) * self.settings.peak_quantile))]

    def update(self, timestamp: datetime, value: float) -> Alert | None:
        """Feed the next bucket; return an alert if this bucket raises one."""
        if self._first is None:
            self._first = timestamp
        expected = self.baseline(timestamp)
        self._values[timestamp] = value
        hour = timestamp.replace(minute=0, second=0, microsecond=0)
        if hour != self._peak_hour:
            # Hourly upkeep: refresh the busy-hour level and drop what is too old.
            self._peak_hour = hour
            self._forget_before(timestamp)
            self._peak = self._normal_peak()
        if expected is None:
            return None
        s = self.settings
        rate = max(expected, s.min_rate)
        spread = statistics.median(self._residuals) if len(self._residuals) > 12 else 0.0
        sigma = math.sqrt(rate + spread * spread)
        z = min((value - rate) / sigma, s.z_cap)
        # Keep the recent typical absolute residual, outliers included but as a median.
        self._residuals.append(abs(value - rate))
        if len(self._residuals) > s.spread_window:
            self._residuals.popleft()
        self._cusum = max(0.0, self._cusum + z - s.drift)
        excess = (value - rate) / max(self._peak, 1.0)
        self._magnitude = max(0.0, self._magnitude + min(excess, s.z_cap) - s.magnitude_drift)
        if self._quiet_until is not None and timestamp < self._quiet_until:
            self._cusum = self._magnitude = 0.0
            self._surge_run = 0
            return None
        self._surge_run = self._surge_run + 1 if excess >= s.surge_ratio and z >= 3 else 0
        surge = self._surge_run >= s.surge_buckets
        sustained = self._cusum > s.threshold and self._magnitude > s.magnitude_threshold
        if not (surge or sustained):
            return None
        self._surge_run = 0
        score = self._magnitude
        self._cusum = self._magnitude = 0.0
        self._quiet_until = timestamp + s.cooldown
        ratio = value / rate
        return Alert(timestamp=timestamp, score=round(score, 2), severity=severity_of(ratio),
                     value=value, baseline=round(expected, 2))
