"""Limit how many API requests each member (token or session) makes per minute.

A fixed one-minute window counted in the cache (`SOCIALOPS_CACHE_URL`: Redis shares the
count between web processes; the default in-process cache counts per process). Over the
limit, the API answers 429 with `Retry-After` (socialops.core.api_auth).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60


class MemberRateThrottle(BaseThrottle):
    """Allow `SOCIALOPS_API_RATE_PER_MINUTE` requests per member per minute."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        member = getattr(request, "member", None)
        ident = f"m{member.pk}" if member is not None else f"ip{self.get_ident(request)}"
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"api-rate:{ident}:{window}"
        # add() is atomic: only the first request of a window creates the counter.
        cache.add(key, 0, WINDOW_SECONDS + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr(): start the window again
            cache.set(key, 1, WINDOW_SECONDS + 5)
            count = 1
        if count <= settings.SOCIALOPS_API_RATE_PER_MINUTE:
            return True
        self._wait = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self) -> float | None:
        return self._wait
