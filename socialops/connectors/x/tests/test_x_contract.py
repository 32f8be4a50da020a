"""Contract tests: the exact requests sent to X API v2, and its documented answers replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.base import (
    ChannelAuth,
    Connector,
    InboxPage,
    MediaRef,
    PublishRequest,
)
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.registry import build_connector
from socialops.connectors.x import connector as x_module
from socialops.connectors.x.connector import XConnector
from socialops.connectors.x.tests import payloads as p

USER_TWEETS = f"/2/users/{p.ME['id']}/tweets"
MENTIONS = f"/2/users/{p.ME['id']}/mentions"


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("104.244.42.1", port))]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url="https://api.x.com", assert_all_called=False) as router:
        router.get("/2/users/me").respond(200, json={"data": p.ME})
        yield router


@pytest.fixture
def connector() -> Iterator[XConnector]:
    # A fresh token per test: quotas and the journal are remembered per account.
    auth = ChannelAuth(p.ME["id"], "maisonarlette",
                       {"access_token": f"token-{time.monotonic_ns()}"})
    with HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None) as http:
        made = XConnector(auth, http)
        made.media_poll_interval = 0.0
        yield made


def _sent(route: respx.Route) -> httpx.Request:
    return route.calls.last.request


def _multipart(request: httpx.Request) -> dict[str, bytes]:
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    parts = {}
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts[str(part.get_param("name", header="content-disposition"))] = payload
    return parts


def test_registry_and_verify(api: respx.MockRouter, connector: XConnector) -> None:
    with HttpClient() as http:
        built = build_connector("x", ChannelAuth("1", "a", {"access_token": "secret"}), http)
        assert isinstance(built, XConnector) and isinstance(built, Connector)
        assert "secret" not in repr(built)
    info = connector.verify()
    request = _sent(api.routes[0])
    assert str(request.url) == "https://api.x.com/2/users/me?user.fields=public_metrics"
    assert request.headers["Authorization"].startswith("Bearer token-")
    assert (info.remote_id, info.handle, info.display_name, info.followers) == (
        "2244994945", "maisonarlette", "Maison Arlette", 5139)


def test_publish_text_with_link_sends_no_idempotency_key(api: respx.MockRouter,
                                                         connector: XConnector) -> None:
    route = api.post("/2/tweets").respond(201, json=p.created("1445880548472328192", "Soldes"))
    result = connector.publish(PublishRequest(text="Soldes d'hiver", placement="feed",
                                              idempotency_key="so-v-1",
                                              link="https://arlette.example/soldes"))
    request = _sent(route)
    assert json.loads(request.content) == {
        "text": "Soldes d'hiver\n\nhttps://arlette.example/soldes"}
    assert "Idempotency-Key" not in request.headers
    assert request.headers["Content-Type"] == "application/json"
    assert result.remote_id == "1445880548472328192"
    assert result.url == "https://x.com/i/web/status/1445880548472328192"
    assert result.published_at.tzinfo is not None


def test_reply_and_images_with_alt_text(api: respx.MockRouter, connector: XConnector) -> None:
    upload = api.post("/2/media/upload").respond(200, json=p.media(
        "1880028106020515840", size=1024, image={"image_type": "image/png", "w": 64, "h": 48}))
    alt = api.post("/2/media/metadata").respond(200, json={"data": {
        "id": "1880028106020515840",
        "associated_metadata": {"alt_text": {"text": "Vitrine rouge"}}}})
    post = api.post("/2/tweets").respond(201, json=p.created("2", "Vitrine"))
    connector.publish(PublishRequest(
        text="Vitrine", placement="comment", idempotency_key="so-v-2", reply_to="1999",
        media=[MediaRef(mime="image/png", data=b"\x89PNG-data", alt_text="Vitrine rouge")]))
    assert _multipart(_sent(upload)) == {"media_category": b"tweet_image",
                                         "media": b"\x89PNG-data"}
    assert json.loads(_sent(alt).content) == {
        "id": "1880028106020515840", "metadata": {"alt_text": {"text": "Vitrine rouge"}}}
    assert json.loads(_sent(post).content) == {
        "text": "Vitrine", "media": {"media_ids": ["1880028106020515840"]},
        "reply": {"in_reply_to_tweet_id": "1999"}}


def test_video_is_uploaded_in_chunks_and_waited_for(api: respx.MockRouter,
                                                    connector: XConnector) -> None:
    init = api.post("/2/media/upload/initialize").respond(200, json=p.media("77", "13"))
    append = api.post("/2/media/upload/77/append").respond(200, json={})
    api.post("/2/media/upload/77/finalize").respond(200, json=p.media(
        "77", "13", processing_info={"state": "pending", "check_after_secs": 1}))
    status = api.get("/2/media/upload").mock(side_effect=[
        httpx.Response(200, json=p.media("77", "13", processing_info={
            "state": "in_progress", "check_after_secs": 1, "progress_percent": 40})),
        httpx.Response(200, json=p.media("77", "13", processing_info={
            "state": "succeeded", "progress_percent": 100})),
    ])
    api.post("/2/tweets").respond(201, json=p.created("3", "Défilé"))
    video = b"v" * (x_module.VIDEO_CHUNK + 10)
    connector.publish(PublishRequest(text="Défilé", placement="feed", idempotency_key="so-v-3",
                                     media=[MediaRef(mime="video/mp4", data=video)]))
    assert json.loads(_sent(init).content) == {
        "media_type": "video/mp4", "total_bytes": len(video), "media_category": "tweet_video"}
    segments = [_multipart(call.request) for call in append.calls]
    assert [s["segment_index"] for s in segments] == [b"0", b"1"]
    assert b"".join(s["media"] for s in segments) == video
    assert dict(_sent(status).url.params) == {"command": "STATUS", "media_id": "77"}
    assert status.call_count == 2


def test_delete_and_an_already_deleted_post(api: respx.MockRouter,
                                            connector: XConnector) -> None:
    route = api.delete("/2/tweets/42").mock(side_effect=[
        httpx.Response(200, json={"data": {"deleted": True}}),
        httpx.Response(404, json=p.problem(404, "Not Found Error", "Could not find post.")),
    ])
    connector.delete("42")
    connector.delete("42")
    assert route.call_count == 2


def test_inbox_reads_every_page_back_to_the_cursor_oldest_first(
        api: respx.MockRouter, connector: XConnector) -> None:
    api.get("/2/dm_events").respond(403, json=p.problem(403, "Forbidden", "Forbidden"))
    newest = p.tweet("1003", "@maisonarlette Merci &amp; bravo https://t.co/abc",
                     urls=[("https://t.co/abc", "https://arlette.example/a")],
                     created_at="2026-11-22T09:20:00.000Z")
    reply = p.tweet("1002", "@maisonarlette le bleu !", replied_to="900",
                    in_reply_to_user_id=p.ME["id"], conversation_id="900",
                    created_at="2026-11-22T09:10:00.000Z")
    oldest = p.tweet("1001", "cc @maisonarlette", replied_to="555",
                     in_reply_to_user_id="999", conversation_id="555",
                     created_at="2026-11-22T09:00:00.000Z")
    route = api.get(MENTIONS).mock(side_effect=[
        httpx.Response(200, json=p.page([newest, reply], next_token="7140dibdnow9c7btw")),
        httpx.Response(200, json=p.page([oldest])),
    ])
    page = connector.fetch_inbox("1000", 100)
    first, second = (call.request.url.params for call in route.calls)
    assert dict(first) == {"max_results": "100", "since_id": "1000",
                           "tweet.fields": x_module.TWEET_FIELDS, "expansions": "author_id",
                           "user.fields": "username,name"}
    assert second["pagination_token"] == "7140dibdnow9c7btw"
    assert page.cursor == "mentions=1003"  # this access tier has no DMs: none are read
    assert [(i.remote_id, i.kind) for i in page.items] == [
        ("1001", "mention"), ("1002", "reply"), ("1003", "mention")]
    assert page.items[1].post_remote_id == page.items[1].thread_key == "900"
    assert page.items[2].text == "@maisonarlette Merci & bravo https://arlette.example/a"
    assert (page.items[0].author_handle, page.items[0].author_name) == ("camille_b", "Camille")
    api.get(MENTIONS).respond(200, json=p.page([]))
    assert connector.fetch_inbox(page.cursor, 100) == InboxPage(items=[],
                                                                cursor="mentions=1003")


def _dm_event(event_id: str, sender: dict[str, Any], text: str, at: str) -> dict[str, Any]:
    return {"id": event_id, "event_type": "MessageCreate", "text": text, "created_at": at,
            "sender_id": sender["id"], "dm_conversation_id": f"{p.FAN['id']}-{p.ME['id']}"}


def test_dms_are_read_after_their_own_cursor_and_answered_in_the_conversation(
        api: respx.MockRouter, connector: XConnector) -> None:
    api.get(MENTIONS).respond(200, json=p.page([]))
    conversation = f"{p.FAN['id']}-{p.ME['id']}"
    events = api.get("/2/dm_events").respond(200, json={
        "data": [
            _dm_event("1582838223934660613", p.ME, "Bonjour !", "2026-11-22T09:31:00.000Z"),
            _dm_event("1582838223934660612", p.FAN, "Ma commande ?", "2026-11-22T09:30:00.000Z"),
            _dm_event("1582838223934660600", p.FAN, "déjà lu", "2026-11-22T08:00:00.000Z"),
        ],
        "includes": {"users": [p.FAN, p.ME]},
        "meta": {"result_count": 3, "next_token": "older"}})
    page = connector.fetch_inbox("mentions=1003&dms=1582838223934660600", 100)
    assert dict(_sent(events).url.params) == {
        "event_types": "MessageCreate", "max_results": "100",
        "dm_event.fields": "id,text,created_at,sender_id,dm_conversation_id",
        "expansions": "sender_id", "user.fields": "username,name"}
    assert events.call_count == 1  # the page reached the cursor: no older page is read
    [item] = page.items
    assert (item.kind, item.text, item.author_handle) == ("dm", "Ma commande ?", "camille_b")
    assert item.remote_id == f"dm:{conversation}:1582838223934660612"
    assert item.thread_key == f"dm:{conversation}"
    assert page.cursor == "mentions=1003&dms=1582838223934660613"

    send = api.post(f"/2/dm_conversations/{conversation}/messages").respond(201, json={
        "data": {"dm_conversation_id": conversation, "dm_event_id": "1582838223934660700"}})
    answer = connector.reply(item.remote_id, "Elle part demain.", "inbox-reply-1")
    assert json.loads(_sent(send).content) == {"text": "Elle part demain."}
    assert answer.remote_id == f"dm:{conversation}:1582838223934660700"


def test_metrics_follow_the_documented_fields(api: respx.MockRouter,
                                              connector: XConnector) -> None:
    route = api.get("/2/tweets").respond(200, json={
        "data": [p.tweet("5", "a", public_metrics={
            "retweet_count": 4, "reply_count": 2, "like_count": 30, "quote_count": 1,
            "bookmark_count": 3, "impression_count": 900},
            non_public_metrics={"impression_count": 900, "url_link_clicks": 12,
                                "user_profile_clicks": 5},
            attachments={"media_keys": ["7_5"]})],
        "includes": {"media": [{"media_key": "7_5", "type": "video",
                                "public_metrics": {"view_count": 640}}]}})
    [metrics] = connector.fetch_post_metrics(["5"])
    assert dict(_sent(route).url.params) == {
        "ids": "5", "tweet.fields": "public_metrics,non_public_metrics",
        "expansions": "attachments.media_keys", "media.fields": "public_metrics"}
    assert (metrics.impressions, metrics.reactions, metrics.comments, metrics.shares,
            metrics.saves, metrics.clicks, metrics.video_views) == (900, 30, 2, 5, 3, 12, 640)


def test_recent_search_pages_with_next_token(api: respx.MockRouter,
                                             connector: XConnector) -> None:
    route = api.get("/2/tweets/search/recent").respond(200, json=p.page(
        [p.tweet("9", "maison arlette ❤")], next_token="b26v89c19zqg8o3fo"))
    page = connector.search("maison arlette", "a1", 5)
    params = _sent(route).url.params
    assert (params["query"], params["max_results"], params["next_token"]) == (
        "maison arlette", "10", "a1")
    assert page.cursor == "b26v89c19zqg8o3fo" and page.items[0].kind == "mention"


def test_expired_token(api: respx.MockRouter, connector: XConnector) -> None:
    api.post("/2/tweets").respond(401, json=p.problem(401, "Unauthorized", "Unauthorized"))
    with pytest.raises(AuthExpiredError):
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k"))


def _epoch(delta: timedelta) -> str:
    return str(int((datetime.now(UTC) + delta).timestamp()))


def test_a_spent_24_hour_allowance_refuses_the_next_post_locally(
        api: respx.MockRouter, connector: XConnector) -> None:
    route = api.post("/2/tweets").respond(201, json=p.created("8", "a"), headers={
        "x-rate-limit-limit": "200", "x-rate-limit-remaining": "199",
        "x-rate-limit-reset": _epoch(timedelta(minutes=15)),
        "x-user-limit-24hour-limit": "17", "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": _epoch(timedelta(hours=20))})
    connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k1"))
    with pytest.raises(RateLimitedError) as caught:
        connector.publish(PublishRequest(text="b", placement="feed", idempotency_key="k2"))
    assert route.call_count == 1
    assert 19.9 * 3600 < caught.value.retry_after <= 20 * 3600


def test_a_429_waits_for_the_window_reset(api: respx.MockRouter,
                                          connector: XConnector) -> None:
    reset = _epoch(timedelta(minutes=12))
    api.get("/2/dm_events").respond(200, json={"meta": {"result_count": 0}})
    api.get(MENTIONS).mock(side_effect=[
        httpx.Response(200, json=p.page([]), headers={
            "x-rate-limit-limit": "10", "x-rate-limit-remaining": "1",
            "x-rate-limit-reset": reset}),
        httpx.Response(429, json=p.problem(429, "Too Many Requests", "Too Many Requests"),
                       headers={"x-rate-limit-limit": "10", "x-rate-limit-remaining": "0",
                                "x-rate-limit-reset": reset}),
    ])
    connector.fetch_inbox("1", 10)
    with HttpClient(resolver=_public_dns, max_retries=0) as once:
        connector.http = once
        with pytest.raises(RateLimitedError) as caught:
            connector.fetch_inbox("1", 10)
    assert 11 * 60 < caught.value.retry_after <= 12 * 60


def test_server_errors_and_lost_answers(api: respx.MockRouter, connector: XConnector) -> None:
    post = api.post("/2/tweets")
    post.respond(503, json=p.problem(503, "Service Unavailable", "Service Unavailable"))
    with pytest.raises(RetryableError) as unavailable:
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k1"))
    assert not isinstance(unavailable.value, UnknownOutcomeError)
    assert post.call_count == 1  # never repeated: X has no key to deduplicate
    post.mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k2"))
    post.respond(504, text="Gateway Timeout")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="a", placement="feed", idempotency_key="k3"))


def test_reconciliation_rule_same_text_since_it_was_sent(
        api: respx.MockRouter, connector: XConnector, monkeypatch: pytest.MonkeyPatch) -> None:
    api.post("/2/tweets").mock(side_effect=httpx.ReadTimeout("timed out"))
    request = PublishRequest(text="Nouveautés", placement="feed", idempotency_key="so-v-9",
                             link="https://arlette.example/n")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(request)
    now = datetime.now(UTC)
    ours = p.tweet("31", "Nouveautés\n\nhttps://t.co/x1 https://t.co/m1",
                   author=p.ME, created_at=now.isoformat().replace("+00:00", "Z"),
                   urls=[("https://t.co/x1", "https://arlette.example/n"),
                         ("https://t.co/m1", "https://x.com/maisonarlette/status/31/photo/1")])
    timeline = api.get(USER_TWEETS).respond(200, json=p.page([ours], users=[p.ME]))
    found = connector.find_published("so-v-9")
    assert found is not None and found.remote_id == "31"
    params = _sent(timeline).url.params
    assert (params["max_results"], params["exclude"], params["tweet.fields"]) == (
        "100", "retweets", "created_at,entities")
    sent_since = datetime.fromisoformat(params["start_time"].replace("Z", "+00:00"))
    assert now - timedelta(minutes=3) < sent_since < now
    # Another process remembers nothing: it matches only when given the request.
    monkeypatch.setattr(x_module, "_journal", x_module.SentJournal())
    calls = timeline.call_count
    assert connector.find_published("so-v-9") is None
    assert timeline.call_count == calls
    assert connector.find_published("so-v-9", request=request) == found


def test_a_resend_refused_as_duplicate_is_the_earlier_post(
        api: respx.MockRouter, connector: XConnector) -> None:
    api.post("/2/tweets").respond(403, json=p.problem(
        403, "Forbidden", "You are not allowed to create a Tweet with duplicate content."))
    earlier = p.tweet("44", "Bonjour &lt;3", author=p.ME)
    api.get(USER_TWEETS).respond(200, json=p.page([earlier], users=[p.ME]))
    result = connector.publish(PublishRequest(text="Bonjour <3", placement="feed",
                                              idempotency_key="so-v-10"))
    assert result.remote_id == "44"
    assert connector.find_published("so-v-10") == result
    api.get(USER_TWEETS).respond(200, json=p.page([]))
    with pytest.raises(PermanentError, match="duplicate"):
        connector.publish(PublishRequest(text="Autre", placement="feed",
                                         idempotency_key="so-v-11"))
