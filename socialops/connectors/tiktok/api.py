"""Speak TikTok's v2 API envelope: every answer is `{"data": ..., "error": {code, message}}`.

The HTTP status alone does not say enough (TikTok sends 200 with a non-"ok" code for some
refusals), so this module maps the `error.code` of an answer to our few error kinds.
Codes and their meaning: developers.tiktok.com, "Content Posting API - Error codes" and
"API v2 error handling".
"""

from __future__ import annotations

from typing import Any

import httpx

from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)

API = "https://open.tiktokapis.com"
DEFAULT_WAIT = 60.0  # every per-token limit TikTok documents is per minute
DAILY_CAP_WAIT = 3600.0  # the per-creator daily cap rolls: look again in an hour

# A token TikTok no longer accepts, or one lacking a scope the action needs: both need
# the account holder to connect again.
AUTH_CODES = frozenset({"access_token_invalid", "scope_not_authorized", "scope_permission_missed"})
# The creator's (or the app's) allowance is used up for now; the same post may go later.
THROTTLE_CODES = frozenset({"spam_risk_too_many_posts", "spam_risk_too_many_pending_share",
                            "reached_active_user_cap"})


def error_of(body: Any) -> tuple[str, str, str]:
    """Return TikTok's (code, message, log_id) from an answer body, "ok" when none."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return "ok", "", ""
    error = body["error"]
    return (str(error.get("code") or "ok"), str(error.get("message") or ""),
            str(error.get("log_id") or ""))


def body_of(response: httpx.Response) -> dict[str, Any]:
    """Return an answer's JSON object, or raise RetryableError when it is not one."""
    try:
        data = response.json()
    except ValueError as exc:
        raise RetryableError(f"TikTok answered with non-JSON: {exc}", code="bad_payload") from exc
    if not isinstance(data, dict):
        raise RetryableError("TikTok answered with an unexpected JSON shape", code="bad_payload")
    return data


def mapped(code: str, message: str, log_id: str, *, status: int | None,
           fallback: ConnectorError | None = None) -> ConnectorError:
    """Return the connector error for a TikTok error code (the HTTP mapping as a fallback)."""
    text = f"TikTok refused: {code}: {message}" + (f" (log_id {log_id})" if log_id else "")
    if code in AUTH_CODES:
        return AuthExpiredError(text, status=status, code="auth_expired")
    if code == "rate_limit_exceeded":
        wait = fallback.retry_after if isinstance(fallback, RateLimitedError) else DEFAULT_WAIT
        return RateLimitedError(text, retry_after=wait, status=status, code="rate_limited")
    if code in THROTTLE_CODES:
        return RateLimitedError(text, retry_after=DAILY_CAP_WAIT, status=status, code=code[:40])
    if fallback is not None and not isinstance(fallback, PermanentError):
        # 5xx, timeouts, unknown outcomes: the transport's verdict stands.
        fallback.message = text
        return fallback
    # spam_risk_*, privacy_level_option_mismatch, unaudited_client_can_only_post_to_private_
    # accounts, url_ownership_unverified, invalid_param, *_check_failed...: never as sent.
    return PermanentError(text, status=status, code=code[:40])


def check(response: httpx.Response) -> dict[str, Any]:
    """Return the answer's `data`, raising the mapped error when `error.code` is not "ok"."""
    body = body_of(response)
    code, message, log_id = error_of(body)
    if code != "ok":
        raise mapped(code, message, log_id, status=response.status_code)
    data = body.get("data")
    return data if isinstance(data, dict) else {}


def remap(exc: ConnectorError) -> ConnectorError:
    """Return `exc` re-read through the TikTok error code its response carries, if any."""
    response = exc.response
    if not isinstance(response, httpx.Response):
        return exc
    try:
        body = response.json()
    except ValueError:
        return exc
    code, message, log_id = error_of(body)
    if code == "ok":
        return exc
    error = mapped(code, message, log_id, status=response.status_code, fallback=exc)
    error.response = response
    return error
