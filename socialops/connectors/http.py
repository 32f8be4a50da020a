"""Send every outbound network request through one client with timeouts, retries and guards.

Retries happen only where repeating cannot duplicate a side effect: idempotent methods, or
requests the caller marks retry-safe (an idempotency key the network honours).
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import httpx

from socialops.connectors.errors import (
    AuthExpiredError,
    BlockedAddressError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)

logger = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
DEFAULT_RETRY_AFTER = 60.0
MAX_REDIRECTS = 5
_MESSAGE_KEYS = ("message", "error_description", "detail", "error", "title")

Resolver = Callable[..., list[tuple[Any, ...]]]


def _version() -> str:
    try:
        return metadata.version("socialops")
    except metadata.PackageNotFoundError:
        return "0"


USER_AGENT = f"socialops/{_version()}"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the seconds to wait from a Retry-After header (seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# Headers networks use instead of Retry-After to say when a quota resets: Mastodon sends
# an ISO 8601 time, X and GitHub-style APIs send seconds since the epoch.
RESET_HEADERS = ("X-RateLimit-Reset", "x-rate-limit-reset", "RateLimit-Reset")


def parse_reset(value: str | None, *, now: datetime | None = None) -> float | None:
    """Return the seconds until a quota reset given as epoch seconds or an ISO time."""
    if not value:
        return None
    value = value.strip()
    current = now or datetime.now(UTC)
    try:
        number = float(value)
    except ValueError:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - current).total_seconds())
    # A small number is already a delay (IETF RateLimit-Reset); a large one is a time.
    if number < 10 ** 9:
        return max(0.0, number)
    return max(0.0, number - current.timestamp())


def wait_after_429(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """Return how long a 429 asks to wait: Retry-After first, else a quota reset header."""
    retry_after = parse_retry_after(headers.get("Retry-After"), now=now)
    if retry_after is not None:
        return retry_after
    for name in RESET_HEADERS:
        reset = parse_reset(headers.get(name), now=now)
        if reset is not None:
            return reset
    return None


def network_message(response: httpx.Response) -> str:
    """Extract the network's own error message from a response body, if any."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] or response.reason_phrase
    return _message_from(body)[:300] or response.reason_phrase


def _message_from(body: Any) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, list) and body:
        return _message_from(body[0])
    if isinstance(body, dict):
        for key in _MESSAGE_KEYS:
            if body.get(key):
                return _message_from(body[key])
        if body.get("errors"):
            return _message_from(body["errors"])
    return ""


def map_failure(outcome: httpx.Response | Exception, *, retry_safe: bool) -> ConnectorError:
    """Map a failed response or a transport exception to one connector error kind.

    `retry_safe` says whether repeating the request cannot duplicate a side effect; it
    decides whether a timeout after sending means "retry" or "reconcile first".
    """
    if isinstance(outcome, httpx.Response):
        error = _map_response(outcome, retry_safe=retry_safe)
        error.response = outcome
        return error
    return _map_exception(outcome, retry_safe=retry_safe)


def _map_response(response: httpx.Response, *, retry_safe: bool) -> ConnectorError:
    status = response.status_code
    message = network_message(response)
    if status == 429:
        retry_after = wait_after_429(response.headers)
        return RateLimitedError(
            message or "Rate limited",
            retry_after=DEFAULT_RETRY_AFTER if retry_after is None else retry_after,
        )
    if status == 401:
        return AuthExpiredError(message, status=status, code="auth_expired")
    if status in (502, 504) and not retry_safe:
        # A gateway gave up waiting for the origin: the origin may still have acted.
        return UnknownOutcomeError(message, status=status, code="gateway_timeout")
    if status >= 500 or status == 408:
        return RetryableError(message, status=status, code="server_error")
    return PermanentError(message, status=status, code="rejected")


def _map_exception(exc: Exception, *, retry_safe: bool) -> ConnectorError:
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        # Nothing left this machine: always safe to try again.
        return RetryableError(f"Could not connect: {exc}", code="connect_error")
    if isinstance(exc, httpx.TransportError):
        # The request was (maybe partly) sent and the answer was lost.
        if retry_safe:
            return RetryableError(f"No answer from the network: {exc}", code="no_answer")
        return UnknownOutcomeError(
            f"The request may have gone through, no answer received: {exc}",
            code="unknown_outcome",
        )
    return ConnectorError(f"Unexpected error: {exc!r}", code="unexpected")


def _is_blocked(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_public_url(url: str, *, resolver: Resolver = socket.getaddrinfo) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedAddressError(f"Only http(s) URLs with a host are allowed: {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = resolver(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise RetryableError(f"Cannot resolve {parts.hostname}: {exc}", code="dns") from exc
    if not infos:
        raise RetryableError(f"Cannot resolve {parts.hostname}", code="dns")
    for info in infos:
        # Strip an IPv6 zone id ("fe80::1%eth0") before parsing.
        host = str(info[4][0]).split("%", 1)[0]
        if _is_blocked(ipaddress.ip_address(host)):
            raise BlockedAddressError(
                f"{parts.hostname} resolves to a non-public address ({host})",
                code="blocked_address",
            )


class HttpClient:
    """Wrap one httpx.Client: timeouts, User-Agent, safe retries, private-address guard."""

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        retry_after_cap: float = 60.0,
        allow_private: bool = False,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = socket.getaddrinfo,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ):
        timeout = httpx.Timeout(read_timeout, connect=connect_timeout)
        self._client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            # Redirects are followed by hand so that every hop passes the address guard.
            follow_redirects=False,
        )
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        self.allow_private = allow_private
        self._resolver = resolver
        self._sleep = sleep
        self._jitter = jitter

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def backoff(self, attempt: int) -> float:
        """Return the delay before retry number `attempt` (0-based): exponential, jittered."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2.0**attempt))
        # "Equal jitter": never less than half the ceiling, so retries still spread out.
        return ceiling / 2 + self._jitter() * ceiling / 2

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        retry_safe: bool | None = None,
        follow_redirects: bool = False,
    ) -> httpx.Response:
        """Send a request and return its 2xx/3xx response, or raise a ConnectorError kind.

        `idempotency_key` is sent as the Idempotency-Key header. `retry_safe` defaults to
        "idempotent method or key given"; pass False when the network ignores the key.
        `follow_redirects` (GET/HEAD only) re-checks the address guard at every hop.
        """
        method = method.upper()
        if retry_safe is None:
            retry_safe = method in IDEMPOTENT_METHODS or idempotency_key is not None
        all_headers = dict(headers or {})
        if idempotency_key is not None:
            all_headers["Idempotency-Key"] = idempotency_key
        if not self.allow_private:
            check_public_url(url, resolver=self._resolver)
        attempt = 0
        redirects = 0
        while True:
            try:
                response = self._client.request(
                    method, url, params=params, json=json, content=content, headers=all_headers
                )
            except httpx.HTTPError as exc:
                error = map_failure(exc, retry_safe=retry_safe)
            else:
                if response.status_code < 400:
                    next_url = self._redirect_target(response, method, follow_redirects)
                    if next_url is None:
                        return response
                    redirects += 1
                    if redirects > MAX_REDIRECTS:
                        raise PermanentError(f"Too many redirects from {url}", code="redirects")
                    url = next_url
                    if not self.allow_private:
                        check_public_url(url, resolver=self._resolver)
                    continue
                error = map_failure(response, retry_safe=retry_safe)
            delay = self._retry_delay(error, attempt, retry_safe=retry_safe)
            if delay is None:
                raise error
            logger.info("retrying %s %s in %.2fs after: %s", method, url, delay, error)
            self._sleep(delay)
            attempt += 1

    @staticmethod
    def _redirect_target(
        response: httpx.Response, method: str, follow_redirects: bool
    ) -> str | None:
        if not (follow_redirects and response.is_redirect and method in ("GET", "HEAD")):
            return None
        location = response.headers.get("Location")
        return str(response.url.join(location)) if location else None

    def _retry_delay(
        self, error: ConnectorError, attempt: int, *, retry_safe: bool
    ) -> float | None:
        if not retry_safe or attempt >= self.max_retries or not isinstance(error, RetryableError):
            return None
        if isinstance(error, RateLimitedError):
            # Waiting longer than the cap would block a worker: let the caller reschedule.
            if error.retry_after > self.retry_after_cap:
                return None
            return error.retry_after
        return self.backoff(attempt)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """Send a GET (retried on transient failures)."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """Send a POST (retried only with an idempotency key or retry_safe=True)."""
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        """Send a DELETE (retried on transient failures)."""
        return self.request("DELETE", url, **kwargs)
