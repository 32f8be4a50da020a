"""Read Google's error answers: `{"error": {"code", "message", "errors": [{"reason"}]}}`.

developers.google.com/youtube/v3/docs/errors: `quotaExceeded` (403, domain
youtube.quota) means the project's daily quota is gone until midnight Pacific Time;
`rateLimitExceeded` and `userRateLimitExceeded` (403) ask to slow down;
`uploadLimitExceeded` (400) is the channel's own upload cap.
"""

from __future__ import annotations

from typing import Any

import httpx

from socialops.connectors.errors import ConnectorError, RateLimitedError, RetryableError
from socialops.connectors.http import wait_after_429

QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
SLOW_DOWN_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
SLOW_DOWN_WAIT = 60.0
UPLOAD_CAP_WAIT = 3600.0  # the channel's upload cap is Google's secret: look again hourly


def reasons(response: httpx.Response) -> list[str]:
    """Return the `reason` of each error in a Google error answer."""
    try:
        body = response.json()
    except ValueError:
        return []
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return []
    return [str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)]


def slow_down(exc: ConnectorError, response: httpx.Response, reason: str) -> RateLimitedError:
    """Return the RateLimitedError for a per-user or per-second limit."""
    wait = wait_after_429(response.headers)
    error = RateLimitedError(exc.message, retry_after=SLOW_DOWN_WAIT if wait is None else wait,
                             status=exc.status, code=reason[:40])
    error.response = response
    return error


def json_of(response: httpx.Response) -> dict[str, Any]:
    """Return an answer's JSON object, or raise RetryableError when it is not one."""
    try:
        data = response.json()
    except ValueError as exc:
        raise RetryableError(f"YouTube answered with non-JSON: {exc}", code="bad_payload") from exc
    if not isinstance(data, dict):
        raise RetryableError("YouTube answered with an unexpected JSON shape", code="bad_payload")
    return data
