"""Count the YouTube Data API quota this process spends, and refuse calls once it is gone.

developers.google.com/youtube/data/determine_quota_cost: a project gets 10,000 units a
day for all methods but two; `videos.insert` and `search.list` have their own buckets of
100 calls a day (1 per call). Every request costs, even an invalid one. Quotas reset at
midnight Pacific Time. The quota belongs to the Google Cloud project (our OAuth client),
so every YouTube channel of this installation shares it.

Counting is per process: other workers spend the same quota unseen, so the count is a
lower bound and only a sure exhaustion is refused locally. Google's own
`quotaExceeded` answer marks a bucket spent until the reset whoever spent it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialops.connectors.errors import RateLimitedError

PACIFIC = ZoneInfo("America/Los_Angeles")
UNITS = "units"
INSERTS = "videos.insert"
SEARCHES = "search.list"

# Cost of each method we call, in its bucket (quota calculator, same page).
COSTS: dict[str, tuple[str, int]] = {
    "channels.list": (UNITS, 1),
    "playlistItems.list": (UNITS, 1),
    "videos.list": (UNITS, 1),
    "commentThreads.list": (UNITS, 1),
    "videos.insert": (INSERTS, 1),
    "videos.delete": (UNITS, 50),
    "thumbnails.set": (UNITS, 50),
    "comments.insert": (UNITS, 50),
    "comments.setModerationStatus": (UNITS, 50),
    "search.list": (SEARCHES, 1),
}
# Default daily allowance of each bucket; a project granted more sets its own numbers.
DAILY: dict[str, int] = {UNITS: 10_000, INSERTS: 100, SEARCHES: 100}


def next_reset(now: datetime) -> datetime:
    """Return the next midnight Pacific Time after `now` (aware), in UTC."""
    local = now.astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=PACIFIC)
    return midnight.astimezone(UTC)


class QuotaLedger:
    """Track the units spent today per bucket; refuse a call its bucket cannot pay."""

    def __init__(self, daily: dict[str, int] | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.daily = dict(daily or DAILY)
        self.now = now
        self._day: date | None = None
        self._spent: dict[str, int] = {}
        self._exhausted: set[str] = set()
        self._lock = threading.Lock()

    def _roll(self) -> None:
        today = self.now().astimezone(PACIFIC).date()
        if today != self._day:
            self._day, self._spent, self._exhausted = today, {}, set()

    def _refusal(self, bucket: str) -> RateLimitedError:
        reset = next_reset(self.now())
        return RateLimitedError(
            f"The YouTube {bucket} quota is spent until {reset.isoformat()} (midnight PT)",
            retry_after=(reset - self.now()).total_seconds(), status=None,
            code="quota_exceeded")

    def charge(self, method: str) -> None:
        """Count one call of `method`, or raise RateLimitedError if its bucket is spent."""
        bucket, cost = COSTS[method]
        with self._lock:
            self._roll()
            spent = self._spent.get(bucket, 0)
            if bucket in self._exhausted or spent + cost > self.daily[bucket]:
                raise self._refusal(bucket)
            self._spent[bucket] = spent + cost

    def exhaust(self, method: str) -> RateLimitedError:
        """Mark `method`'s bucket spent until the reset (Google said so); return the error."""
        bucket, _cost = COSTS[method]
        with self._lock:
            self._roll()
            self._exhausted.add(bucket)
        return self._refusal(bucket)

    def spent(self, bucket: str = UNITS) -> int:
        """Return what this process spent from `bucket` today."""
        with self._lock:
            self._roll()
            return self._spent.get(bucket, 0)
