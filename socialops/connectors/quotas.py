"""Remember, per process, the quota a network reports and what was sent under each key.

Both are shared by the connectors of networks whose API reports its quota in headers
and gives no way to look a post up by idempotency key (Mastodon, X); see ADR 0011.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from socialops.connectors.base import PublishResult
from socialops.connectors.errors import RateLimitedError, RetryableError

ResetParser = Callable[[str], datetime]


def parse_iso_reset(value: str) -> datetime:
    """Parse an ISO 8601 reset time (Mastodon's `X-RateLimit-Reset`), or epoch seconds."""
    if value.strip().isdigit():
        return parse_epoch_reset(value)
    stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def parse_epoch_reset(value: str) -> datetime:
    """Parse a reset given in seconds since the epoch (X's `x-rate-limit-reset`)."""
    return datetime.fromtimestamp(float(value.strip()), UTC)


@dataclass(frozen=True)
class QuotaHeaders:
    """Name the headers of one quota: how many calls remain, and when it resets."""

    name: str
    remaining: str
    reset: str


@dataclass(frozen=True)
class _Window:
    remaining: int
    reset: datetime


class RateBudget:
    """Track the quotas an API reports and refuse a call that would surely be throttled."""

    def __init__(self, quotas: Sequence[QuotaHeaders], parse_reset: ResetParser,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.quotas = tuple(quotas)
        self.parse_reset = parse_reset
        self.now = now
        self._windows: dict[tuple[Hashable, str, str], _Window] = {}
        self._lock = threading.Lock()

    def note(self, scope: Hashable, bucket: str, headers: Mapping[str, str]) -> None:
        """Record the quotas reported by an answer's headers."""
        for quota in self.quotas:
            remaining, reset = headers.get(quota.remaining), headers.get(quota.reset)
            if remaining is None or reset is None:
                continue
            try:
                window = _Window(int(remaining), self.parse_reset(reset))
            except (ValueError, OverflowError):
                continue
            with self._lock:
                self._windows[(scope, bucket, quota.name)] = window

    def _spent(self, scope: Hashable, bucket: str) -> tuple[str, datetime] | None:
        now = self.now()
        with self._lock:
            for quota in self.quotas:
                window = self._windows.get((scope, bucket, quota.name))
                if window is not None and window.remaining <= 0 and window.reset > now:
                    return quota.name, window.reset
        return None

    def check(self, scope: Hashable, bucket: str) -> None:
        """Raise RateLimitedError when a quota is spent until a reset still to come."""
        spent = self._spent(scope, bucket)
        if spent is not None:
            name, reset = spent
            raise RateLimitedError(
                f"The {name} quota is spent until {reset.isoformat()}",
                retry_after=(reset - self.now()).total_seconds(), status=None,
            )

    def explain(self, scope: Hashable, bucket: str, exc: RetryableError) -> RetryableError:
        """Give a 429 the wait its quota's known reset implies (the client saw no header)."""
        if not isinstance(exc, RateLimitedError):
            return exc
        now = self.now()
        with self._lock:
            resets = [w.reset for (s, b, _n), w in self._windows.items()
                      if s == scope and b == bucket and w.reset > now]
            for quota in self.quotas:
                key = (scope, bucket, quota.name)
                if key in self._windows:
                    self._windows[key] = _Window(0, self._windows[key].reset)
        if not resets:
            return exc
        return RateLimitedError(exc.message, retry_after=(max(resets) - now).total_seconds(),
                                status=exc.status, code=exc.code)


@dataclass(frozen=True)
class Sent:
    """Remember one publication: the text sent, when, and what the network answered."""

    text: str
    sent_at: datetime
    result: PublishResult | None = None


class SentJournal:
    """Keep the latest publications of this process by idempotency key (bounded)."""

    CLOCK_SKEW = timedelta(minutes=2)  # our clock against the network's created_at
    SIZE = 5000

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[Hashable, str], Sent] = OrderedDict()
        self._lock = threading.Lock()

    def _put(self, key: tuple[Hashable, str], entry: Sent) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)

    def sending(self, scope: Hashable, idempotency_key: str, text: str, at: datetime) -> None:
        """Note that `text` is about to be sent under `idempotency_key`."""
        existing = self.get(scope, idempotency_key)
        if existing is not None and existing.text == text:
            at = min(at, existing.sent_at)  # the first try is the one that may have landed
        self._put((scope, idempotency_key), Sent(text=text, sent_at=at))

    def sent(self, scope: Hashable, idempotency_key: str, result: PublishResult) -> None:
        """Note what the network created under `idempotency_key`."""
        existing = self.get(scope, idempotency_key)
        text = existing.text if existing else ""
        sent_at = existing.sent_at if existing else result.published_at
        self._put((scope, idempotency_key), Sent(text=text, sent_at=sent_at, result=result))

    def get(self, scope: Hashable, idempotency_key: str) -> Sent | None:
        """Return what this process sent under `idempotency_key`, if it remembers."""
        with self._lock:
            return self._entries.get((scope, idempotency_key))
