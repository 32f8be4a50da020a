"""Hold the sandbox server's runtime state: its clock, injected faults and rate limits."""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from socialops.connectors.sandbox.capabilities import WRITE_WINDOW_SECONDS, WRITES_PER_WINDOW


class Clock:
    """Tell the server's time: wall time plus an offset tests can advance."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the current server time as a Unix timestamp."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward and return the new total offset."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._offset

    @property
    def offset(self) -> float:
        """Return how far the clock runs ahead of wall time, in seconds."""
        with self._lock:
            return self._offset


def to_iso(timestamp: float) -> str:
    """Format a Unix timestamp as an ISO 8601 UTC string."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


@dataclass
class FaultSettings:
    """List the faults and limits an administrator can switch on."""

    latency_ms: int = 0
    error_5xx: int = 0  # answer 503 to the next N API requests
    timeout_after_create: int = 0  # create, then hang, for the next N creates
    hang_seconds: float = 30.0
    # Shares (0 to 1) of post creations that fail at random, for benchmarks under faults:
    error_5xx_rate: float = 0.0  # answer 503 without creating
    timeout_after_create_rate: float = 0.0  # create, then hang past the client's timeout
    expired_tokens: list[str] = field(default_factory=list)  # handles answered with 401
    idempotency: bool = True
    write_limit: int = WRITES_PER_WINDOW
    write_window_seconds: float = WRITE_WINDOW_SECONDS
    read_limit: int = 3000
    read_window_seconds: float = 900


class Faults:
    """Guard the fault settings shared by all request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings = FaultSettings()

    def snapshot(self) -> dict[str, Any]:
        """Return the current settings as JSON-ready data."""
        with self._lock:
            return asdict(self._settings)

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply the given settings (unknown keys raise KeyError) and return them all."""
        defaults = FaultSettings()
        with self._lock:
            for key, value in changes.items():
                if not hasattr(defaults, key):
                    raise KeyError(key)
                expected = type(getattr(defaults, key))
                if expected is float and isinstance(value, int):
                    value = float(value)
                if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
                    raise TypeError(f"{key} must be {expected.__name__}")
                if key.endswith("_rate") and not 0.0 <= value <= 1.0:
                    raise TypeError(f"{key} must be between 0 and 1")
                setattr(self._settings, key, value)
            return asdict(self._settings)

    def reset(self) -> dict[str, Any]:
        """Clear every fault and restore the default limits."""
        with self._lock:
            self._settings = FaultSettings()
            return asdict(self._settings)

    def _take(self, name: str) -> bool:
        with self._lock:
            remaining = getattr(self._settings, name)
            if remaining <= 0:
                return False
            setattr(self._settings, name, remaining - 1)
            return True

    def roll(self, name: str) -> bool:
        """Draw whether the random fault ``name`` (a share between 0 and 1) strikes now."""
        with self._lock:
            rate = float(getattr(self._settings, name))
        return rate > 0 and random.random() < rate  # noqa: S311 - fault injection, not crypto

    def take_5xx(self) -> bool:
        """Consume one injected server error, if any is pending."""
        return self._take("error_5xx")

    def take_timeout_after_create(self) -> bool:
        """Consume one injected post-create hang, if any is pending."""
        return self._take("timeout_after_create")

    @property
    def settings(self) -> FaultSettings:
        """Return a copy of the settings."""
        with self._lock:
            return FaultSettings(**asdict(self._settings))


class RateLimiter:
    """Keep one token bucket per (account, kind) and say when a call must wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[int, str], tuple[float, float]] = {}

    def reset(self) -> None:
        """Refill every bucket."""
        with self._lock:
            self._buckets.clear()

    def take(self, key: tuple[int, str], limit: int, window: float, now: float) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is available."""
        rate = limit / window
        with self._lock:
            tokens, updated = self._buckets.get(key, (float(limit), now))
            tokens = min(float(limit), tokens + max(0.0, now - updated) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return max(1.0, math.ceil((1.0 - tokens) / rate))
