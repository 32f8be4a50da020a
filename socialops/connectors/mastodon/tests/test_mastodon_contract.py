"""Contract tests: the exact requests sent to Mastodon, and its documented answers replayed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.base import ChannelAuth, MediaRef, PublishRequest
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import USER_AGENT, HttpClient
from socialops.connectors.mastodon.connector import MastodonConnector
from socialops.connectors.mastodon.tests import payloads as p

TOKEN = "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
ME = p.account()


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("93.184.216.34", port))]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=p.INSTANCE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def connector() -> Iterator[MastodonConnector]:
    # A fresh account per test: quotas and the journal are remembered per account.
    token = f"{TOKEN}-{datetime.now(UTC).timestamp()}"
    auth = ChannelAuth(ME["id"], "maisonarlette",
                       {"access_token": token, "instance": "mastodon.example"})
    with HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None) as http:
        made = MastodonConnector(auth, http)
        made.media_poll_interval = 0.0
        yield made


def _sent(route: respx.Route) -> httpx.Request:
    return route.calls.last.request


def _token(request: httpx.Request) -> str:
    return request.headers["Authorization"].removeprefix("Bearer ")


def _multipart(request: httpx.Request) -> dict[str, tuple[str | None, str, bytes]]:
    """Return each part of a multipart body: name -> (filename, content type, bytes)."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts[str(name)] = (part.get_filename(), part.get_content_type(), payload)
    return parts


def test_verify_sends_the_token_to_the_instance(api: respx.MockRouter,
                                                connector: MastodonConnector) -> None:
    route = api.get("/api/v1/accounts/verify_credentials").respond(200, json=ME)
    info = connector.verify()
    request = _sent(route)
    assert str(request.url) == "https://mastodon.example/api/v1/accounts/verify_credentials"
    assert _token(request).startswith(TOKEN)
    assert request.headers["User-Agent"] == USER_AGENT
    assert (info.remote_id, info.handle, info.display_name, info.followers) == (
        "14715", "maisonarlette@mastodon.example", "Maison Arlette", 1520)


def test_publish_sends_text_link_and_idempotency_key(api: respx.MockRouter,
                                                     connector: MastodonConnector) -> None:
    created = p.status("109372843234", "<p>Soldes</p>")
    route = api.post("/api/v1/statuses").respond(200, json=created)
    result = connector.publish(PublishRequest(text="Soldes d'hiver", placement="feed",
                                              idempotency_key="so-v-42",
                                              link="https://arlette.example/soldes"))
    request = _sent(route)
    assert request.method == "POST"
    assert request.headers["Idempotency-Key"] == "so-v-42"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "status": "Soldes d'hiver\n\nhttps://arlette.example/soldes", "visibility": "public"}
    assert route.call_count == 1
    assert result.remote_id == "109372843234"
    assert result.url == "https://mastodon.example/@maisonarlette/109372843234"
    assert result.published_at == datetime(2026, 11, 22, 9, 15, tzinfo=UTC)


def test_images_are_uploaded_with_alt_text_and_attached(api: respx.MockRouter,
                                                        connector: MastodonConnector) -> None:
    # A large file is processed asynchronously: 202 with a null url, then 206, then 200.
    upload = api.post("/api/v2/media").respond(202, json=p.media("22348641", url=None))
    poll = api.get("/api/v1/media/22348641").mock(side_effect=[
        httpx.Response(206, json=p.media("22348641", url=None)),
        httpx.Response(200, json=p.media("22348641", description="Vitrine")),
    ])
    post = api.post("/api/v1/statuses").respond(200, json=p.status("1", "<p>Vitrine</p>"))
    connector.publish(PublishRequest(
        text="Vitrine", placement="feed", idempotency_key="so-v-43",
        media=[MediaRef(mime="image/png", data=b"\x89PNG-bytes",
                        alt_text="Vitrine rouge éclairée")]))
    parts = _multipart(_sent(upload))
    assert parts["file"] == ("upload.png", "image/png", b"\x89PNG-bytes")
    assert parts["description"][2] == "Vitrine rouge éclairée".encode()
    assert _sent(upload).headers["Authorization"].startswith("Bearer ")
    assert poll.call_count == 2
    assert json.loads(_sent(post).content)["media_ids"] == ["22348641"]


def test_a_dm_is_answered_in_private_mentioning_everyone(api: respx.MockRouter,
                                                         connector: MastodonConnector) -> None:
    other = p.account("2001", "lea@social.example", "Léa")
    dm = p.status("555", "<p>commande abîmée</p>", by=p.FAN, visibility="direct",
                  mentions=[p.mention_of(ME), p.mention_of(other)])
    api.get("/api/v1/statuses/555").respond(200, json=dm)
    api.get("/api/v1/accounts/verify_credentials").respond(200, json=ME)
    post = api.post("/api/v1/statuses").respond(200, json=p.status("556", "<p>ok</p>"))
    connector.reply("555", "Nous vous écrivons.", "so-m-9")
    assert json.loads(_sent(post).content) == {
        "status": "@camille@social.example @lea@social.example Nous vous écrivons.",
        "visibility": "direct", "in_reply_to_id": "555"}
    assert _sent(post).headers["Idempotency-Key"] == "so-m-9"


def test_delete_and_an_already_deleted_status(api: respx.MockRouter,
                                              connector: MastodonConnector) -> None:
    gone = api.delete("/api/v1/statuses/777").mock(side_effect=[
        httpx.Response(200, json=p.status("777", "<p>x</p>")),
        httpx.Response(404, json={"error": "Record not found"}),
    ])
    connector.delete("777")
    connector.delete("777")
    assert gone.call_count == 2
    api.delete("/api/v1/statuses/778").respond(403, json={"error": "This action is not allowed"})
    with pytest.raises(PermanentError, match="not allowed"):
        connector.delete("778")


def test_inbox_reads_mentions_after_the_cursor_oldest_first(
        api: respx.MockRouter, connector: MastodonConnector) -> None:
    api.get("/api/v1/accounts/verify_credentials").respond(200, json=ME)
    reply = p.status("901", p.HTML_MENTION, by=p.FAN, in_reply_to_id="800",
                     in_reply_to_account_id=ME["id"], created_at="2026-11-22T10:00:00.000Z")
    dm = p.status("902", "<p>@maisonarlette bonjour</p>", by=p.FAN, visibility="direct",
                  created_at="2026-11-22T10:05:00.000Z")
    route = api.get("/api/v1/notifications").respond(
        200, json=[p.notification("34976", dm), p.notification("34975", reply)])
    page = connector.fetch_inbox("34970", 100)
    request = _sent(route)
    assert request.url.params.get_list("types[]") == ["mention"]
    assert (request.url.params["min_id"], request.url.params["limit"]) == ("34970", "40")
    assert page.cursor == "34976"
    first, second = page.items
    assert (first.kind, first.remote_id, first.post_remote_id) == ("reply", "901", "800")
    assert first.text == "@maisonarlette le manteau <b>bleu</b> !"
    assert (first.author_handle, first.author_name) == ("camille@social.example", "Camille")
    assert (second.kind, second.thread_key) == ("dm", "dm:109302")
    api.get("/api/v1/notifications").respond(200, json=[])
    assert connector.fetch_inbox("34976", 100).cursor == "34976"


def test_metrics_in_batches_with_a_fallback_for_older_instances(
        api: respx.MockRouter, connector: MastodonConnector) -> None:
    batch = api.get("/api/v1/statuses").respond(200, json=[
        p.status("1", "<p>a</p>", favourites=12, reblogs=3, replies=2)])
    [metrics] = connector.fetch_post_metrics(["1"])
    assert _sent(batch).url.params.get_list("id[]") == ["1"]
    assert (metrics.reactions, metrics.shares, metrics.comments, metrics.impressions) == (
        12, 3, 2, None)
    api.get("/api/v1/statuses").respond(404, json={"error": "Record not found"})
    api.get("/api/v1/statuses/2").respond(200, json=p.status("2", "<p>b</p>", favourites=5))
    api.get("/api/v1/statuses/3").respond(404, json={"error": "Record not found"})
    assert [(m.remote_id, m.reactions) for m in connector.fetch_post_metrics(["2", "3"])] == [
        ("2", 5)]


def test_search_reads_a_hashtag_timeline_or_full_text(api: respx.MockRouter,
                                                      connector: MastodonConnector) -> None:
    found = [p.status("70", "<p>#arlette</p>", by=p.FAN), p.status("69", "<p>x</p>", by=p.FAN)]
    tag = api.get("/api/v1/timelines/tag/arlette").respond(200, json=found)
    page = connector.search("#arlette", "71", 2)
    assert dict(_sent(tag).url.params) == {"limit": "2", "max_id": "71"}
    assert page.cursor == "69" and [i.kind for i in page.items] == ["mention", "mention"]
    text = api.get("/api/v2/search").respond(
        200, json={"accounts": [], "statuses": found, "hashtags": []})
    page = connector.search("maison arlette", "2", 2)
    assert dict(_sent(text).url.params) == {"q": "maison arlette", "type": "statuses",
                                            "limit": "2", "offset": "2", "resolve": "false"}
    assert page.cursor == "4"


def test_an_expired_token_and_a_rejected_status(api: respx.MockRouter,
                                                connector: MastodonConnector) -> None:
    api.get("/api/v1/accounts/verify_credentials").respond(
        401, json={"error": "The access token is invalid"})
    with pytest.raises(AuthExpiredError, match="access token is invalid"):
        connector.verify()
    api.post("/api/v1/statuses").respond(
        422, json={"error": "Validation failed: Text character limit of 500 exceeded"})
    with pytest.raises(PermanentError) as rejected:
        connector.publish(PublishRequest(text="x" * 501, placement="feed", idempotency_key="k"))
    assert rejected.value.status == 422 and "500" in rejected.value.message


def _limit_headers(remaining: int, reset: datetime) -> dict[str, str]:
    return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": reset.isoformat(timespec="microseconds")}


def test_a_429_waits_until_the_reported_reset(api: respx.MockRouter,
                                              connector: MastodonConnector) -> None:
    reset = datetime.now(UTC) + timedelta(seconds=240)
    api.get("/api/v1/accounts/verify_credentials").respond(
        200, json=ME, headers=_limit_headers(3, reset))
    connector.verify()
    # Mastodon's 429 carries X-RateLimit-* but no Retry-After.
    throttled = api.post("/api/v1/statuses").respond(
        429, json={"error": "Too many requests"}, headers=_limit_headers(0, reset))
    with pytest.raises(RateLimitedError) as caught:
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k1"))
    assert 230 < caught.value.retry_after <= 240
    assert throttled.call_count == 1


def test_a_spent_quota_is_not_spent_again(api: respx.MockRouter,
                                          connector: MastodonConnector) -> None:
    reset = datetime.now(UTC) + timedelta(seconds=90)
    api.get("/api/v1/accounts/verify_credentials").respond(
        200, json=ME, headers=_limit_headers(0, reset))
    connector.verify()
    notes = api.get("/api/v1/notifications").respond(200, json=[])
    with pytest.raises(RateLimitedError) as caught:
        connector.fetch_inbox(None, 10)
    assert notes.call_count == 0
    assert 80 < caught.value.retry_after <= 90


def test_server_errors_timeouts_and_gateways(api: respx.MockRouter,
                                             connector: MastodonConnector) -> None:
    flaky = api.get("/api/v1/notifications").mock(side_effect=[
        httpx.Response(503, json={"error": "unavailable"}), httpx.Response(200, json=[])])
    api.get("/api/v1/accounts/verify_credentials").respond(200, json=ME)
    assert connector.fetch_inbox(None, 10).items == []  # a read is retried
    assert flaky.call_count == 2
    post = api.post("/api/v1/statuses")
    post.respond(500, json={"error": "An unexpected error occurred"})
    with pytest.raises(RetryableError) as server:
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k2"))
    assert not isinstance(server.value, UnknownOutcomeError)
    assert post.call_count == 1  # a create is never repeated inside the client
    post.respond(502, text="Bad Gateway")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k3"))
    post.mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k4"))


def test_reconciliation_matches_the_text_sent_after_it_was_sent(
        api: respx.MockRouter, connector: MastodonConnector) -> None:
    api.get("/api/v1/accounts/verify_credentials").respond(200, json=ME)
    api.post("/api/v1/statuses").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="Nouveautés\nà découvrir", placement="feed",
                                         idempotency_key="so-v-77"))
    now = datetime.now(UTC)
    old = (now - timedelta(days=3)).isoformat()
    recent = [
        p.status("12", "<p>Nouveautés<br />à découvrir</p>", created_at=now.isoformat()),
        p.status("11", "<p>Nouveautés<br />à découvrir</p>", created_at=old),
    ]
    timeline = api.get("/api/v1/accounts/14715/statuses").respond(200, json=recent)
    found = connector.find_published("so-v-77")
    assert found is not None and found.remote_id == "12"
    assert dict(_sent(timeline).url.params) == {"limit": "40", "exclude_reblogs": "true"}
    api.get("/api/v1/accounts/14715/statuses").respond(200, json=recent[1:])
    assert connector.find_published("so-v-77") is None  # the 3-day-old one is not ours


def test_private_instances_are_refused() -> None:
    auth = ChannelAuth("1", "x", {"access_token": "t", "instance": "http://10.0.0.7"})
    with HttpClient() as http, pytest.raises(PermanentError, match="non-public"):
        MastodonConnector(auth, http).verify()
