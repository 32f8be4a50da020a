"""Contract tests: the exact Instagram Graph API requests, Meta's documented answers replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.base import (
    ChannelAuth,
    Connector,
    Hider,
    MediaRef,
    PublishRequest,
)
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    UnknownOutcomeError,
)
from socialops.connectors.facebook import graph
from socialops.connectors.http import HttpClient
from socialops.connectors.instagram.connector import InstagramConnector
from socialops.connectors.instagram.tests import payloads as p
from socialops.connectors.registry import build_connector, capabilities_for

V = f"/{graph.API_VERSION}"
IG = f"{V}/{p.IG_ID}"
JPEG = "https://cdn.arlette.example/vitrine.jpg"
MP4 = "https://cdn.arlette.example/defile.mp4"


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("157.240.22.35", port))]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    graph.forget_throttles()
    with respx.mock(base_url="https://graph.facebook.com", assert_all_called=False) as router:
        yield router
    graph.forget_throttles()


@pytest.fixture
def connector() -> Iterator[InstagramConnector]:
    auth = ChannelAuth(p.IG_ID, "maisonarlette", {
        "access_token": f"EAAGpage-{time.monotonic_ns()}", "page_id": p.PAGE_ID})
    with HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None) as http:
        made = InstagramConnector(auth, http)
        made.status_poll_interval = 0.0
        yield made


def _body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _publishing(api: respx.MockRouter, *, used: int = 3) -> tuple[respx.Route, respx.Route]:
    api.get(f"{IG}/content_publishing_limit").respond(200, json=p.limit(used))
    publish = api.post(f"{IG}/media_publish").respond(200, json={"id": p.MEDIA_ID})
    api.get(f"{V}/{p.MEDIA_ID}").respond(200, json={
        "permalink": "https://www.instagram.com/p/DAbCdEfGhIj/", "id": p.MEDIA_ID})
    status = api.get(path__regex=rf"^{V}/1788\d+$").respond(
        200, json=p.status("FINISHED"))
    return publish, status


def test_registry_and_verify(api: respx.MockRouter, connector: InstagramConnector) -> None:
    caps = capabilities_for("instagram")
    assert (caps.api_version, caps.api_version_retires) == ("v26.0", date(2028, 7, 29))
    with HttpClient() as http:
        built = build_connector("instagram", ChannelAuth("1", "a", {"access_token": "secret"}),
                                http)
        assert isinstance(built, Connector) and isinstance(built, Hider)
        assert "secret" not in repr(built)
    route = api.get(IG).respond(200, json=p.USER)
    info = connector.verify()
    assert dict(route.calls.last.request.url.params) == {
        "fields": "id,username,name,followers_count"}
    assert (info.remote_id, info.handle, info.followers) == (p.IG_ID, "maisonarlette", 30211)


def test_publish_image_checks_the_quota_then_container_status_publish(
        api: respx.MockRouter, connector: InstagramConnector) -> None:
    container = api.post(f"{IG}/media").respond(200, json={"id": "17889615814797912"})
    publish, status = _publishing(api)
    result = connector.publish(PublishRequest(
        text="Vitrine d'hiver #arlette", placement="feed", idempotency_key="ig-1",
        media=[MediaRef(mime="image/jpeg", url=JPEG, alt_text="Vitrine rouge")]))
    assert _body(container) == {"image_url": JPEG, "alt_text": "Vitrine rouge",
                                "caption": "Vitrine d'hiver #arlette"}
    assert dict(status.calls.last.request.url.params) == {"fields": "status_code,status"}
    assert _body(publish) == {"creation_id": "17889615814797912"}
    assert (result.remote_id, result.url) == (p.MEDIA_ID,
                                              "https://www.instagram.com/p/DAbCdEfGhIj/")


def test_carousel_reel_and_story_containers(api: respx.MockRouter,
                                            connector: InstagramConnector) -> None:
    container = api.post(f"{IG}/media").mock(side_effect=[
        httpx.Response(200, json={"id": f"178800000000000{n}"}) for n in range(6)])
    _publishing(api)
    connector.publish(PublishRequest(
        text="Deux vues", placement="feed", idempotency_key="ig-2",
        media=[MediaRef(mime="image/jpeg", url=JPEG), MediaRef(mime="video/mp4", url=MP4)]))
    assert [_body(container, i) for i in range(3)] == [
        {"image_url": JPEG, "is_carousel_item": True},
        {"media_type": "VIDEO", "video_url": MP4, "is_carousel_item": True},
        {"media_type": "CAROUSEL", "children": "1788000000000000,1788000000000001",
         "caption": "Deux vues"}]
    connector.publish(PublishRequest(text="Le défilé", placement="reel", idempotency_key="ig-3",
                                     media=[MediaRef(mime="video/mp4", url=MP4)]))
    assert _body(container, 3) == {"media_type": "REELS", "video_url": MP4,
                                   "caption": "Le défilé"}
    connector.publish(PublishRequest(text="", placement="story", idempotency_key="ig-4",
                                     media=[MediaRef(mime="image/jpeg", url=JPEG)]))
    assert _body(container, 4) == {"image_url": JPEG, "media_type": "STORIES"}


def test_processing_is_waited_for_and_errors_are_permanent(
        api: respx.MockRouter, connector: InstagramConnector) -> None:
    api.post(f"{IG}/media").respond(200, json={"id": "17889615814797912"})
    container = api.get(f"{V}/17889615814797912").mock(side_effect=[
        httpx.Response(200, json=p.status("IN_PROGRESS")),
        httpx.Response(200, json=p.status("FINISHED"))])
    publish, _status = _publishing(api)  # matched after the container's own route
    request = PublishRequest(text="Défilé", placement="reel", idempotency_key="ig-5",
                             media=[MediaRef(mime="video/mp4", url=MP4)])
    connector.publish(request)
    assert publish.call_count == 1 and container.call_count == 2
    container.side_effect = None
    container.respond(200, json=p.status(
        "ERROR", "Error: Media upload has failed with error code 2207026"))
    with pytest.raises(PermanentError, match="2207026") as failed:
        connector.publish(request)
    assert failed.value.code == "media_error"
    container.respond(200, json=p.status("EXPIRED"))
    with pytest.raises(PermanentError) as expired:
        connector.publish(request)
    assert expired.value.code == "container_expired"
    assert publish.call_count == 1


def test_used_quota_is_refused_locally_until_the_window_frees(
        api: respx.MockRouter, connector: InstagramConnector) -> None:
    now = datetime.now(UTC)
    api.get(f"{IG}/content_publishing_limit").respond(200, json=p.limit(100))
    api.get(f"{IG}/media").respond(200, json={"data": [
        {"id": "3", "timestamp": _stamp(now - timedelta(hours=1))},
        {"id": "2", "timestamp": _stamp(now - timedelta(hours=20))},
        {"id": "1", "timestamp": _stamp(now - timedelta(hours=30))}]})
    container = api.post(f"{IG}/media")
    with pytest.raises(RateLimitedError) as refused:
        connector.publish(PublishRequest(text="x", placement="feed", idempotency_key="ig-6",
                                         media=[MediaRef(mime="image/jpeg", url=JPEG)]))
    assert refused.value.code == "content_publishing_limit"
    assert 4 * 3600 - 60 <= refused.value.retry_after <= 4 * 3600
    assert container.call_count == 0


def test_media_without_a_public_url_is_refused_before_any_request(
        api: respx.MockRouter, connector: InstagramConnector) -> None:
    limit = api.get(f"{IG}/content_publishing_limit").respond(200, json=p.limit(0))
    container = api.post(f"{IG}/media")
    with pytest.raises(PermanentError) as refused:
        connector.publish(PublishRequest(text="x", placement="feed", idempotency_key="ig-7",
                                         media=[MediaRef(mime="image/jpeg", data=b"jpeg")]))
    assert refused.value.code == "media_url_required"
    assert container.call_count == 0 and limit.call_count == 1


def test_lost_publish_answer_is_unknown_then_reconciled_by_caption(
        api: respx.MockRouter, connector: InstagramConnector) -> None:
    api.post(f"{IG}/media").respond(200, json={"id": "17889615814797912"})
    _publish, _status = _publishing(api)
    publish = api.post(f"{IG}/media_publish").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="Soldes", placement="feed", idempotency_key="ig-8",
                                         media=[MediaRef(mime="image/jpeg", url=JPEG)]))
    assert publish.call_count == 1
    api.get(f"{IG}/media").respond(200, json={"data": [
        {"id": "17895695668004551", "caption": "Soldes", "timestamp": _stamp(datetime.now(UTC)),
         "permalink": "https://www.instagram.com/p/X/"}]})
    found = connector.find_published("ig-8")
    assert found is not None and found.remote_id == "17895695668004551"


def test_replies_mentions_dms_and_hiding(api: respx.MockRouter,
                                         connector: InstagramConnector) -> None:
    api.get(f"{V}/17858893269000002").respond(200, json={"id": "17858893269000002",
                                                         "parent_id": "17858893269000001"})
    replies = api.post(f"{V}/17858893269000001/replies").respond(200, json={"id": "1786"})
    connector.reply("17858893269000002", "Merci !", "ig-r-1")
    assert _body(replies) == {"message": "Merci !"}
    mentions = api.post(f"{IG}/mentions").respond(200, json={"id": "1787"})
    connector.reply(f"mention:{p.MEDIA_ID}/17870913679156914", "Merci pour la mention",
                    "ig-r-2")
    assert _body(mentions) == {"media_id": p.MEDIA_ID, "comment_id": "17870913679156914",
                               "message": "Merci pour la mention"}
    mid = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1"
    api.get(f"{V}/{mid}").respond(200, json={"from": {"username": "camille", "id": p.IGSID}})
    send = api.post(f"{V}/{p.PAGE_ID}/messages").respond(200, json={
        "recipient_id": p.IGSID, "message_id": "aWdfZAG1freply"})
    connector.reply(mid, "Bonjour Camille", "ig-r-3")
    assert _body(send) == {"recipient": {"id": p.IGSID}, "messaging_type": "RESPONSE",
                           "message": {"text": "Bonjour Camille"}}
    hide = api.post(f"{V}/17858893269000002").respond(200, json={"success": True})
    connector.hide("17858893269000002")
    assert _body(hide) == {"hide": True}


def test_inbox_comments_replies_tags_and_messages(api: respx.MockRouter,
                                                  connector: InstagramConnector) -> None:
    media = api.get(f"{IG}/media").respond(200, json={"data": [{
        "id": p.MEDIA_ID, "permalink": "https://www.instagram.com/p/DAbC/",
        "comments": {"data": [p.comment(
            "17858893269000001", "Sublime", "camille", "2026-11-22T09:15:00+0000", replies=[
                p.comment("17858893269000002", "Et en rouge ?", "camille",
                          "2026-11-22T09:16:00+0000"),
                p.comment("17858893269000003", "Merci !", "maisonarlette",
                          "2026-11-22T09:17:00+0000")])]}}]})
    api.get(f"{IG}/tags").respond(200, json={"data": [{
        "id": "17900000000000001", "caption": "Ma robe @maisonarlette", "username": "lea",
        "timestamp": "2026-11-22T08:00:00+0000", "permalink": "https://www.instagram.com/p/Z/"}]})
    conversations = api.get(f"{V}/{p.PAGE_ID}/conversations").respond(200, json={"data": [{
        "id": "aWdfZAG06", "updated_time": "2026-11-22T09:30:00+0000", "messages": {"data": [{
            "id": "aWdfZAG1fmsg1", "created_time": "2026-11-22T09:30:00+0000",
            "from": {"username": "camille", "id": p.IGSID}, "message": "Livrez-vous ?"}]}}]})
    page = connector.fetch_inbox(None, 100)
    assert [(i.remote_id, i.kind, i.parent_remote_id) for i in page.items] == [
        ("mention:17900000000000001", "mention", None),
        ("17858893269000001", "comment", p.MEDIA_ID),
        ("17858893269000002", "reply", "17858893269000001"),
        ("aWdfZAG1fmsg1", "dm", None)]
    assert page.items[1].thread_key == f"media:{p.MEDIA_ID}"
    assert page.items[3].thread_key == f"dm:{p.IGSID}"
    assert dict(conversations.calls.last.request.url.params)["platform"] == "instagram"
    assert "replies{" in dict(media.calls.last.request.url.params)["fields"]


def test_mention_announced_by_webhook_is_read(api: respx.MockRouter,
                                              connector: InstagramConnector) -> None:
    route = api.get(IG).respond(200, json={"mentioned_comment": {
        "id": "17870913679156914", "text": "@maisonarlette superbe", "username": "lea",
        "timestamp": "2026-11-22T09:40:00+0000",
        "media": {"id": "17900000000000009", "permalink": "https://www.instagram.com/p/Q/"}},
        "id": p.IG_ID})
    item = connector.mention("17900000000000009", "17870913679156914")
    assert dict(route.calls.last.request.url.params)["fields"] == (
        "mentioned_comment.comment_id(17870913679156914)"
        "{id,text,username,timestamp,media{id,permalink}}")
    assert (item.remote_id, item.kind, item.text, item.author_handle) == (
        "mention:17900000000000009/17870913679156914", "mention", "@maisonarlette superbe", "lea")


def test_metrics_and_errors(api: respx.MockRouter, connector: InstagramConnector) -> None:
    api.get(f"{V}/{p.MEDIA_ID}/insights").respond(200, json=p.insights({
        "views": 5400, "reach": 3100, "likes": 420, "comments": 18, "shares": 9, "saved": 44}))
    (metrics,) = connector.fetch_post_metrics([p.MEDIA_ID])
    assert (metrics.impressions, metrics.reach, metrics.reactions, metrics.comments,
            metrics.shares, metrics.saves, metrics.clicks) == (5400, 3100, 420, 18, 9, 44, None)
    api.get(IG).respond(400, json=p.error(190, "Error validating access token"))
    with pytest.raises(AuthExpiredError):
        connector.verify()
    with pytest.raises(PermanentError) as refused:
        connector.search("#arlette", None, 10)
    assert refused.value.code == "unsupported"


def test_account_metrics_one_call_per_day(api: respx.MockRouter,
                                          connector: InstagramConnector) -> None:
    day = datetime.now(UTC).date() - timedelta(days=3)
    insights = api.get(f"{IG}/insights").mock(side_effect=lambda request: httpx.Response(
        200, json={"data": [{"name": "follower_count", "period": "day", "values": [
            {"value": 14, "end_time": _stamp(datetime.combine(day + timedelta(days=1),
                                                              datetime.min.time()))}]}]}
        if request.url.params["metric"] == "follower_count" else {"data": [
            {"name": "reach", "period": "day", "total_value": {"value": 800}},
            {"name": "views", "period": "day", "total_value": {"value": 2100}},
            {"name": "profile_views", "period": "day", "total_value": {"value": 35}}]}))
    (metrics,) = connector.fetch_account_metrics(day, day)
    assert (metrics.day, metrics.reach, metrics.impressions, metrics.profile_visits,
            metrics.follower_change, metrics.followers) == (day, 800, 2100, 35, 14, None)
    daily = insights.calls.last.request.url.params
    assert (daily["metric_type"], daily["period"]) == ("total_value", "day")
