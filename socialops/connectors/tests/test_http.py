"""Test the HTTP client: error mapping, safe retries, Retry-After and the address guard."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from socialops.connectors.base import ChannelAuth
from socialops.connectors.errors import (
    AuthExpiredError,
    BlockedAddressError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import (
    USER_AGENT,
    HttpClient,
    map_failure,
    parse_retry_after,
    wait_after_429,
)

REQUEST = httpx.Request("POST", "https://api.example.com/v1/posts")


def response(
    status: int, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers, request=REQUEST)


def test_429_maps_to_rate_limited_with_seconds() -> None:
    error = map_failure(
        response(429, {"error": "slow down"}, {"Retry-After": "17"}), retry_safe=False
    )
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 17
    assert "slow down" in str(error)


def test_a_429_without_retry_after_waits_for_the_quota_reset() -> None:
    now = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    mastodon = httpx.Headers({"X-RateLimit-Reset": "2026-11-22T10:02:00.000Z"})
    assert wait_after_429(mastodon, now=now) == 120
    x = httpx.Headers({"x-rate-limit-reset": str(int(now.timestamp()) + 45)})
    assert wait_after_429(x, now=now) == 45
    both = httpx.Headers({"Retry-After": "5", "x-rate-limit-reset": "0"})
    assert wait_after_429(both, now=now) == 5
    assert wait_after_429(httpx.Headers({"X-RateLimit-Reset": "soon"}), now=now) is None
    error = map_failure(httpx.Response(429, headers={
        "x-rate-limit-reset": str(int(datetime.now(UTC).timestamp()) + 30)}), retry_safe=True)
    assert 25 <= error.retry_after <= 30  # type: ignore[attr-defined]


def test_retry_after_accepts_http_date() -> None:
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(header, now=now) == 90
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now=now) == 0


def test_status_codes_map_to_error_kinds() -> None:
    assert isinstance(map_failure(response(401), retry_safe=True), AuthExpiredError)
    assert isinstance(map_failure(response(500), retry_safe=False), RetryableError)
    assert isinstance(map_failure(response(503), retry_safe=True), RetryableError)
    rejected = map_failure(response(400, {"error": {"message": "Text too long"}}), retry_safe=True)
    assert isinstance(rejected, PermanentError)
    assert rejected.message == "Text too long"
    assert rejected.status == 400
    nested = map_failure(
        response(403, {"errors": [{"message": "Forbidden here"}]}), retry_safe=True
    )
    assert isinstance(nested, PermanentError) and nested.message == "Forbidden here"


def test_gateway_timeout_on_a_create_is_an_unknown_outcome() -> None:
    assert isinstance(map_failure(response(504), retry_safe=False), UnknownOutcomeError)
    assert isinstance(map_failure(response(504), retry_safe=True), RetryableError)


def test_exceptions_map_by_whether_the_request_was_sent() -> None:
    connect = httpx.ConnectError("refused", request=REQUEST)
    read = httpx.ReadTimeout("timed out", request=REQUEST)
    reset = httpx.RemoteProtocolError("peer closed connection", request=REQUEST)
    assert isinstance(map_failure(connect, retry_safe=False), RetryableError)
    assert not isinstance(map_failure(connect, retry_safe=False), UnknownOutcomeError)
    assert isinstance(map_failure(read, retry_safe=False), UnknownOutcomeError)
    assert isinstance(map_failure(reset, retry_safe=False), UnknownOutcomeError)
    assert isinstance(map_failure(read, retry_safe=True), RetryableError)


class Script:
    """Answer requests from a list of responses (or exceptions) and record them."""

    def __init__(self, *answers: httpx.Response | Exception):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(script: Script, sleeps: list[float], **kwargs: Any) -> HttpClient:
    return HttpClient(
        transport=httpx.MockTransport(script),
        allow_private=True,
        sleep=sleeps.append,
        jitter=lambda: 0.5,
        **kwargs,
    )


def test_get_is_retried_with_exponential_backoff() -> None:
    script = Script(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"ok": 1}))
    sleeps: list[float] = []
    result = client(script, sleeps, backoff_base=1.0).get("http://sandbox.test/v1/me")
    assert result.json() == {"ok": 1}
    assert len(script.requests) == 3
    assert sleeps == [0.75, 1.5]  # equal jitter: half the ceiling plus half of it jittered
    assert script.requests[0].headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("socialops/")


def test_get_gives_up_after_max_retries() -> None:
    script = Script(*[httpx.Response(503) for _ in range(3)])
    with pytest.raises(RetryableError):
        client(script, [], max_retries=2).get("http://sandbox.test/v1/me")
    assert len(script.requests) == 3


def test_post_without_key_is_never_retried() -> None:
    script = Script(httpx.Response(503), httpx.Response(201))
    with pytest.raises(RetryableError):
        client(script, []).post("http://sandbox.test/v1/posts", json={})
    assert len(script.requests) == 1


def test_post_read_timeout_without_key_is_unknown_outcome() -> None:
    script = Script(httpx.ReadTimeout("timed out"), httpx.Response(201))
    with pytest.raises(UnknownOutcomeError):
        client(script, []).post("http://sandbox.test/v1/posts", json={})
    assert len(script.requests) == 1


def test_post_with_key_is_retried_and_sends_the_header() -> None:
    script = Script(httpx.ConnectError("refused"), httpx.Response(201, json={"id": "p1"}))
    result = client(script, []).post("http://sandbox.test/v1/posts", json={}, idempotency_key="k1")
    assert result.status_code == 201
    assert [r.headers["Idempotency-Key"] for r in script.requests] == ["k1", "k1"]


def test_key_sent_but_not_honoured_is_not_retried() -> None:
    script = Script(httpx.Response(500), httpx.Response(201))
    with pytest.raises(RetryableError):
        client(script, []).post(
            "http://sandbox.test/v1/posts", json={}, idempotency_key="k1", retry_safe=False
        )
    assert len(script.requests) == 1


def test_429_waits_retry_after_then_gives_up_past_the_cap() -> None:
    sleeps: list[float] = []
    script = Script(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(200))
    assert client(script, sleeps).get("http://sandbox.test/v1/me").status_code == 200
    assert sleeps == [3.0]

    sleeps.clear()
    script = Script(httpx.Response(429, headers={"Retry-After": "900"}))
    with pytest.raises(RateLimitedError) as caught:
        client(script, sleeps, retry_after_cap=60).get("http://sandbox.test/v1/me")
    assert caught.value.retry_after == 900
    assert sleeps == []


def fake_resolver(*addresses: str) -> Any:
    def resolve(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        family = socket.AF_INET6
        return [(family, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.1.10",
        "172.16.0.5",
        "169.254.169.254",
        "::1",
        "fe80::1%eth0",
        "::ffff:127.0.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, not a bind
    ],
)
def test_guard_refuses_non_public_addresses(address: str) -> None:
    script = Script(httpx.Response(200))
    guarded = HttpClient(transport=httpx.MockTransport(script), resolver=fake_resolver(address))
    with pytest.raises(BlockedAddressError):
        guarded.get("https://media.example.com/cat.jpg")
    assert script.requests == []


def test_guard_checks_every_resolved_address() -> None:
    script = Script(httpx.Response(200))
    resolver = fake_resolver("93.184.216.34", "10.0.0.1")
    guarded = HttpClient(transport=httpx.MockTransport(script), resolver=resolver)
    with pytest.raises(BlockedAddressError):
        guarded.get("https://media.example.com/cat.jpg")


def test_guard_allows_public_addresses_and_refuses_other_schemes() -> None:
    script = Script(httpx.Response(200, content=b"jpeg"))
    guarded = HttpClient(
        transport=httpx.MockTransport(script), resolver=fake_resolver("93.184.216.34")
    )
    assert guarded.get("https://media.example.com/cat.jpg").content == b"jpeg"
    with pytest.raises(BlockedAddressError):
        guarded.get("file:///etc/passwd")


def test_allow_private_skips_the_guard() -> None:
    script = Script(httpx.Response(200))
    open_client = HttpClient(
        transport=httpx.MockTransport(script),
        resolver=fake_resolver("127.0.0.1"),
        allow_private=True,
    )
    assert open_client.get("http://127.0.0.1:8765/health").status_code == 200


def test_channel_auth_repr_hides_credentials() -> None:
    auth = ChannelAuth("u1", "acme", {"token": "s3cret-value", "refresh": "other-s3cret"})
    assert "s3cret" not in repr(auth)
    assert "s3cret" not in str(auth)
    assert "token" in repr(auth)


def test_redirects_are_followed_through_the_guard() -> None:
    def resolve(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        address = "10.0.0.7" if host == "internal.example" else "93.184.216.34"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    script = Script(
        httpx.Response(302, headers={"Location": "https://cdn.example.com/cat.jpg"}),
        httpx.Response(200, content=b"jpeg"),
        httpx.Response(302, headers={"Location": "http://internal.example/admin"}),
    )
    guarded = HttpClient(transport=httpx.MockTransport(script), resolver=resolve)
    result = guarded.get("https://media.example.com/cat.jpg", follow_redirects=True)
    assert result.content == b"jpeg"
    assert [str(r.url) for r in script.requests] == [
        "https://media.example.com/cat.jpg",
        "https://cdn.example.com/cat.jpg",
    ]
    with pytest.raises(BlockedAddressError):
        guarded.get("https://media.example.com/other.jpg", follow_redirects=True)
    assert len(script.requests) == 3
