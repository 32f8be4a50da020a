"""Speak Meta's Graph API: the versioned base URL, error codes, throttling and paging.

Shared by the Facebook Pages and Instagram connectors (and their OAuth flows), which
both call graph.facebook.com with a Page access token. Meta answers errors as
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`, mostly with
HTTP 400 whatever the cause, so the kind of failure is read from `code`
(https://developers.facebook.com/docs/graph-api/guides/error-handling).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Hashable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient

GRAPH = "https://graph.facebook.com"
# Video uploads go to their own host (Pages API, "Publish a video"); reels and video stories
# send their bytes to the resumable upload host (Pages API, "Reels Publishing").
GRAPH_VIDEO = "https://graph-video.facebook.com"
RUPLOAD = "https://rupload.facebook.com"
# Graph API changelog (developers.facebook.com/docs/graph-api/changelog/versions): v26.0 was
# introduced on July 29, 2026, its "available until" date still reads TBD. Meta keeps each
# version at least two years, so the retirement is taken as release + 2 years.
API_VERSION = "v26.0"
API_VERSION_RETIRES = date(2028, 7, 29)

# Error codes (Graph API error-handling guide and rate-limiting page).
AUTH_CODES = frozenset({102, 190})  # 190: access token expired, revoked or invalid
PERMISSION_CODES = frozenset({10, *range(200, 300)})  # a permission the token lacks
THROTTLE_CODES = frozenset({4, 17, 32, 613})  # app, user, Page and custom call limits
TRANSIENT_CODES = frozenset({1, 2})  # unknown error / service temporarily unavailable
OBJECT_MISSING_SUBCODE = 33  # "Unsupported get/delete request: object does not exist"
OUTSIDE_WINDOW_SUBCODE = 2018278  # Send API: reply outside the 24-hour messaging window
# Rate-limiting page: without a Business Use Case header, Platform limits are counted over
# a rolling hour; an unexplained throttle waits a few minutes.
PLATFORM_WINDOW_S = 3600.0
DEFAULT_THROTTLE_WAIT_S = 300.0

_blocked: dict[Hashable, datetime] = {}
_blocked_lock = threading.Lock()


def now() -> datetime:
    """Return the current time (UTC); tests replace it."""
    return datetime.now(UTC)


def parse_time(value: str) -> datetime:
    """Parse a Graph API time (`2026-11-22T09:15:00+0000`)."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """Return the `appsecret_proof` of a token (Graph API "Securing requests")."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def is_throttle(code: int) -> bool:
    """Return whether a Graph error code means "called too often"."""
    # 80000-80099: Business Use Case limits (80001 Pages, 80002 Instagram, 80006 Messenger).
    return code in THROTTLE_CODES or 80_000 <= code < 80_100


def _header_json(headers: httpx.Headers, name: str) -> Any:
    raw = headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def throttle_wait(headers: httpx.Headers) -> float | None:
    """Return the seconds until Meta lets us call again, from its usage headers.

    `X-Business-Use-Case-Usage` maps each business object to its use cases, each with
    `estimated_time_to_regain_access` in minutes; `X-App-Usage` gives percentages only
    (100 = throttled over a rolling hour).
    """
    usage = _header_json(headers, "X-Business-Use-Case-Usage")
    minutes = [
        float(case.get("estimated_time_to_regain_access") or 0)
        for cases in (usage.values() if isinstance(usage, dict) else [])
        for case in (cases if isinstance(cases, list) else [])
        if isinstance(case, dict)
    ]
    if minutes and max(minutes) > 0:
        return max(minutes) * 60
    app = _header_json(headers, "X-App-Usage")
    if isinstance(app, dict) and any(
        isinstance(v, int | float) and v >= 100 for v in app.values()
    ):
        return PLATFORM_WINDOW_S
    return None


def graph_error(response: httpx.Response | None) -> dict[str, Any]:
    """Return the `error` object of a Graph API answer ({} when there is none)."""
    if response is None:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def explain(exc: ConnectorError) -> ConnectorError:
    """Map a failed Graph call to the contract's error kinds by Meta's own error code."""
    if isinstance(exc, UnknownOutcomeError) or exc.response is None:
        return exc
    error = graph_error(exc.response)
    if not error:
        return exc
    code = int(error.get("code") or 0)
    subcode = int(error.get("error_subcode") or 0)
    message = str(error.get("message") or exc.message)
    trace = error.get("fbtrace_id")
    if trace:
        message = f"{message} (fbtrace_id {trace})"
    status = exc.status
    if code in AUTH_CODES:
        return AuthExpiredError(message, status=status, code="auth_expired")
    if is_throttle(code) or isinstance(exc, RateLimitedError):
        wait = throttle_wait(exc.response.headers)
        if wait is None:
            wait = exc.retry_after if isinstance(exc, RateLimitedError) else (
                DEFAULT_THROTTLE_WAIT_S)
        return RateLimitedError(message, retry_after=wait, status=status,
                                code=f"graph_{code}")
    if subcode == OUTSIDE_WINDOW_SUBCODE:
        return PermanentError(message, status=status, code="outside_window")
    if code in PERMISSION_CODES:
        return PermanentError(message, status=status, code="permission_denied")
    if code in TRANSIENT_CODES or error.get("is_transient") is True:
        return RetryableError(message, status=status, code=f"graph_{code}")
    kind = type(exc) if isinstance(exc, RetryableError | AuthExpiredError) else PermanentError
    return kind(message, status=status, code=f"graph_{code}")


class Graph:
    """Call the Graph API as one Page (or the Instagram account linked to it)."""

    def __init__(self, http: HttpClient, access_token: str, *, base_url: str | None = None,
                 proof: str = "") -> None:
        if not access_token:
            raise AuthExpiredError("Meta credentials need an 'access_token'",
                                   code="missing_token")
        self.http = http
        self.base_url = (base_url or GRAPH).rstrip("/")
        self.video_url = GRAPH_VIDEO if base_url is None else self.base_url
        self.rupload_url = RUPLOAD if base_url is None else self.base_url
        self._headers = {"Authorization": f"Bearer {access_token}"}
        self._proof = proof
        self.scope: Hashable = (self.base_url,
                                hashlib.sha256(access_token.encode()).hexdigest()[:16])

    def url(self, path: str, *, video: bool = False) -> str:
        """Return the versioned address of a Graph path."""
        return f"{self.video_url if video else self.base_url}/{API_VERSION}/{path.lstrip('/')}"

    def _check_blocked(self) -> None:
        with _blocked_lock:
            until = _blocked.get(self.scope)
        if until is not None and until > now():
            raise RateLimitedError("Meta throttles this Page until "
                                   f"{until.isoformat(timespec='seconds')}",
                                   retry_after=(until - now()).total_seconds(), status=None,
                                   code="graph_throttled")

    def _remember(self, error: ConnectorError) -> None:
        if isinstance(error, RateLimitedError):
            with _blocked_lock:
                _blocked[self.scope] = now() + timedelta(seconds=error.retry_after)

    def send(self, method: str, path: str, *, params: dict[str, Any] | None = None,
             video: bool = False, **kwargs: Any) -> httpx.Response:
        """Send one call; raise the contract's error kind for Meta's error code."""
        self._check_blocked()
        query = dict(params or {})
        if self._proof:
            query["appsecret_proof"] = self._proof
        try:
            response = self.http.request(method, self.url(path, video=video),
                                         params=query or None,
                                         headers={**self._headers, **kwargs.pop("headers", {})},
                                         **kwargs)
        except ConnectorError as exc:
            error = explain(exc)
            error.response = exc.response
            self._remember(error)
            raise error from exc
        wait = throttle_wait(response.headers)
        if wait:
            # Meta says we are about to be cut off: stop before it refuses.
            self._remember(RateLimitedError("throttled", retry_after=wait))
        return response

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a node or an edge and return its JSON object."""
        return as_object(self.send("GET", path, params=params))

    def post(self, path: str, body: dict[str, Any], *, retry_safe: bool,
             video: bool = False) -> dict[str, Any]:
        """POST a JSON body; `retry_safe=False` for anything that creates something visible."""
        return as_object(self.send("POST", path, json=body, retry_safe=retry_safe, video=video))

    def post_multipart(self, path: str, fields: dict[str, str], file: tuple[str, bytes, str], *,
                       retry_safe: bool, video: bool = False) -> dict[str, Any]:
        """POST a form with one file (`source`), encoded here and sent as content."""
        name, data, mime = file
        encoded = httpx.Request("POST", self.base_url, data=fields,
                                files={"source": (name, data, mime)})
        body = encoded.read()
        return as_object(self.send("POST", path, content=body, retry_safe=retry_safe,
                                   video=video,
                                   headers={"Content-Type": encoded.headers["Content-Type"]}))

    def upload_video(self, video_id: str, *, file_url: str | None = None,
                     data: bytes | None = None) -> None:
        """Send a reel's or a video story's file: Meta fetches `file_url`, or take the bytes.

        The upload host authenticates with `Authorization: OAuth <token>`; sending the
        whole file at offset 0 again after a lost answer is harmless.
        """
        headers = {"Authorization": self._headers["Authorization"].replace("Bearer", "OAuth")}
        if file_url is not None:
            headers["file_url"] = file_url
        else:
            assert data is not None
            headers.update({"offset": "0", "file_size": str(len(data)),
                            "Content-Type": "application/octet-stream"})
        self._check_blocked()
        try:
            self.http.request("POST", f"{self.rupload_url}/video-upload/{API_VERSION}/{video_id}",
                              headers=headers, content=data, retry_safe=True)
        except ConnectorError as exc:
            error = explain(exc)
            self._remember(error)
            raise error from exc

    def delete(self, path: str) -> None:
        """DELETE a node; one already gone (HTTP 404, or code 100 subcode 33) is deleted."""
        try:
            self.send("DELETE", path)
        except PermanentError as exc:
            gone = graph_error(exc.response).get("error_subcode") == OBJECT_MISSING_SUBCODE
            if exc.status != 404 and not gone:
                raise

    def edge(self, path: str, params: dict[str, Any], *, max_pages: int = 1
             ) -> Iterator[dict[str, Any]]:
        """Yield the items of an edge, following `paging.cursors.after` up to `max_pages`."""
        query = dict(params)
        for _page in range(max_pages):
            page = self.get(path, query)
            yield from (item for item in page.get("data") or [] if isinstance(item, dict))
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not (page.get("paging") or {}).get("next"):
                return
            query["after"] = after


def as_object(response: httpx.Response) -> dict[str, Any]:
    """Return a Graph answer's JSON object, or raise RetryableError on a garbled one."""
    try:
        data = response.json() if response.content else {}
    except ValueError as exc:
        raise RetryableError(f"Meta answered with non-JSON: {exc}", code="bad_payload") from exc
    if not isinstance(data, dict):
        raise RetryableError("Meta answered with an unexpected JSON shape", code="bad_payload")
    return data


def forget_throttles() -> None:
    """Forget every remembered throttle (tests)."""
    with _blocked_lock:
        _blocked.clear()
