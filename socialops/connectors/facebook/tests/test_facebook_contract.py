"""Contract tests: the exact Graph API requests for a Facebook Page, Meta's answers replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.parser import BytesParser
from email.policy import HTTP
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
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.facebook import graph
from socialops.connectors.facebook.connector import FacebookConnector
from socialops.connectors.facebook.tests import payloads as p
from socialops.connectors.http import HttpClient
from socialops.connectors.registry import build_connector, capabilities_for

V = f"/{graph.API_VERSION}"
PAGE = f"{V}/{p.PAGE_ID}"


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("157.240.22.35", port))]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    graph.forget_throttles()
    with respx.mock(base_url="https://graph.facebook.com", assert_all_called=False) as router:
        yield router
    graph.forget_throttles()


@pytest.fixture
def token() -> str:
    # A fresh token per test: throttles and the journal are remembered per token.
    return f"EAAGm0PX4ZCpsBA-{time.monotonic_ns()}"


@pytest.fixture
def connector(token: str) -> Iterator[FacebookConnector]:
    auth = ChannelAuth(p.PAGE_ID, "maisonarlette", {"access_token": token,
                                                     "appsecret_proof": "c0ffee"})
    with HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None) as http:
        yield FacebookConnector(auth, http)


def _sent(route: respx.Route) -> httpx.Request:
    return route.calls.last.request


def _body(route: respx.Route) -> Any:
    return json.loads(_sent(route).content)


def test_registry_declares_version_and_builds_the_connector(token: str) -> None:
    caps = capabilities_for("facebook")
    assert (caps.api_version, caps.api_version_retires) == ("v26.0", date(2028, 7, 29))
    with HttpClient() as http:
        built = build_connector("facebook", ChannelAuth("1", "a", {"access_token": "secret"}),
                                http)
        assert isinstance(built, FacebookConnector) and isinstance(built, Connector)
        assert isinstance(built, Hider)
        assert "secret" not in repr(built)


def test_verify_sends_the_token_as_a_header_and_the_appsecret_proof(
        api: respx.MockRouter, connector: FacebookConnector, token: str) -> None:
    route = api.get(PAGE).respond(200, json=p.PAGE)
    info = connector.verify()
    request = _sent(route)
    assert dict(request.url.params) == {"fields": "id,name,username,followers_count",
                                        "appsecret_proof": "c0ffee"}
    assert request.headers["Authorization"] == f"Bearer {token}"
    assert (info.remote_id, info.handle, info.display_name, info.followers) == (
        p.PAGE_ID, "maisonarlette", "Maison Arlette", 12840)


def test_publish_text_with_link(api: respx.MockRouter, connector: FacebookConnector) -> None:
    route = api.post(f"{PAGE}/feed").respond(200, json={"id": p.POST_ID})
    result = connector.publish(PublishRequest(text="Soldes d'hiver", placement="feed",
                                              idempotency_key="so-v-1",
                                              link="https://arlette.example/soldes"))
    assert _body(route) == {"message": "Soldes d'hiver", "link": "https://arlette.example/soldes"}
    assert "Idempotency-Key" not in _sent(route).headers
    assert (result.remote_id, result.url) == (p.POST_ID, f"https://www.facebook.com/{p.POST_ID}")
    assert result.published_at.tzinfo is not None


def test_publish_one_photo_by_url_with_alt_text(api: respx.MockRouter,
                                                connector: FacebookConnector) -> None:
    route = api.post(f"{PAGE}/photos").respond(200, json={"id": "122100000000000001",
                                                          "post_id": p.POST_ID})
    result = connector.publish(PublishRequest(
        text="Vitrine", placement="feed", idempotency_key="so-v-2",
        media=[MediaRef(mime="image/jpeg", url="https://cdn.arlette.example/v.jpg",
                        alt_text="Vitrine rouge")]))
    assert _body(route) == {"published": True, "message": "Vitrine",
                            "alt_text_custom": "Vitrine rouge",
                            "url": "https://cdn.arlette.example/v.jpg"}
    assert result.remote_id == p.POST_ID


def test_publish_several_photos_attaches_unpublished_uploads(
        api: respx.MockRouter, connector: FacebookConnector) -> None:
    photos = api.post(f"{PAGE}/photos").mock(side_effect=[
        httpx.Response(200, json={"id": "901"}), httpx.Response(200, json={"id": "902"})])
    post = api.post(f"{PAGE}/feed").respond(200, json={"id": p.POST_ID})
    connector.publish(PublishRequest(
        text="Deux vues", placement="feed", idempotency_key="so-v-3",
        media=[MediaRef(mime="image/jpeg", url="https://cdn.arlette.example/1.jpg"),
               MediaRef(mime="image/png", data=b"\x89PNG-data")]))
    assert json.loads(photos.calls[0].request.content) == {
        "published": False, "url": "https://cdn.arlette.example/1.jpg"}
    upload = photos.calls[1].request
    head = f"Content-Type: {upload.headers['Content-Type']}\r\n\r\n".encode()
    parts = {str(part.get_param("name", header="content-disposition")):
             part.get_payload(decode=True)
             for part in BytesParser(policy=HTTP).parsebytes(head + upload.content).iter_parts()}
    assert parts == {"published": b"false", "source": b"\x89PNG-data"}
    assert _body(post) == {"message": "Deux vues",
                           "attached_media": [{"media_fbid": "901"}, {"media_fbid": "902"}]}


def test_publish_video_goes_to_the_video_host(api: respx.MockRouter,
                                              connector: FacebookConnector) -> None:
    with respx.mock(base_url="https://graph-video.facebook.com") as video_api:
        route = video_api.post(f"{PAGE}/videos").respond(200, json={"id": "1234567890"})
        result = connector.publish(PublishRequest(
            text="Défilé", placement="feed", idempotency_key="so-v-4", title="Défilé 2027",
            media=[MediaRef(mime="video/mp4", url="https://cdn.arlette.example/d.mp4")]))
    assert _body(route) == {"description": "Défilé", "title": "Défilé 2027",
                            "file_url": "https://cdn.arlette.example/d.mp4"}
    assert result.url == f"https://www.facebook.com/{p.PAGE_ID}/videos/1234567890/"


def test_reel_is_started_uploaded_from_its_url_then_finished(
        api: respx.MockRouter, connector: FacebookConnector, token: str) -> None:
    reels = api.post(f"{PAGE}/video_reels").mock(side_effect=[
        httpx.Response(200, json={"video_id": "1234567890", "upload_url":
                                  "https://rupload.facebook.com/video-upload/v26.0/1234567890"}),
        httpx.Response(200, json={"success": True})])
    with respx.mock(base_url="https://rupload.facebook.com") as rupload:
        upload = rupload.post(f"/video-upload/{graph.API_VERSION}/1234567890").respond(
            200, json={"success": True})
        result = connector.publish(PublishRequest(
            text="Les coulisses", placement="reel", idempotency_key="so-v-5",
            media=[MediaRef(mime="video/mp4", url="https://cdn.arlette.example/r.mp4")]))
    assert _body(reels) == {"upload_phase": "finish", "video_id": "1234567890",
                            "video_state": "PUBLISHED", "description": "Les coulisses"}
    assert json.loads(reels.calls[0].request.content) == {"upload_phase": "start"}
    sent = _sent(upload)
    assert sent.headers["Authorization"] == f"OAuth {token}"
    assert sent.headers["file_url"] == "https://cdn.arlette.example/r.mp4"
    assert result.url == "https://www.facebook.com/reel/1234567890"


def test_photo_story_attaches_an_unpublished_photo(api: respx.MockRouter,
                                                   connector: FacebookConnector) -> None:
    photo = api.post(f"{PAGE}/photos").respond(200, json={"id": "903"})
    story = api.post(f"{PAGE}/photo_stories").respond(200, json={
        "success": True, "post_id": f"{p.PAGE_ID}_555"})
    result = connector.publish(PublishRequest(
        text="", placement="story", idempotency_key="so-v-6",
        media=[MediaRef(mime="image/jpeg", url="https://cdn.arlette.example/s.jpg")]))
    assert _body(photo) == {"published": False, "url": "https://cdn.arlette.example/s.jpg"}
    assert _body(story) == {"photo_id": "903"}
    assert result.remote_id == f"{p.PAGE_ID}_555"


def test_reply_to_a_comment_and_hide_it(api: respx.MockRouter,
                                        connector: FacebookConnector) -> None:
    comment_id = "122104567890123456_1029384756"
    reply = api.post(f"{V}/{comment_id}/comments").respond(200, json={
        "id": "122104567890123456_1029384999"})
    hide = api.post(f"{V}/{comment_id}").respond(200, json={"success": True})
    result = connector.reply(comment_id, "Merci Camille !", "so-r-1")
    assert _body(reply) == {"message": "Merci Camille !"}
    assert result.remote_id == "122104567890123456_1029384999"
    connector.hide(comment_id)
    assert _body(hide) == {"is_hidden": True}
    connector.hide(comment_id, hidden=False)
    assert _body(hide) == {"is_hidden": False}


def test_dm_answer_goes_privately_through_the_send_api(api: respx.MockRouter,
                                                       connector: FacebookConnector) -> None:
    mid = "m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    who = api.get(f"{V}/{mid}").respond(200, json={"from": {"id": p.PSID, "name": "Camille"},
                                                   "id": mid})
    send = api.post(f"{PAGE}/messages").respond(200, json={"recipient_id": p.PSID,
                                                           "message_id": "m_reply123"})
    result = connector.reply(mid, "Bonjour, nous livrons en Belgique.", "so-r-2")
    assert dict(_sent(who).url.params)["fields"] == "from"
    assert _body(send) == {"recipient": {"id": p.PSID}, "messaging_type": "RESPONSE",
                           "message": {"text": "Bonjour, nous livrons en Belgique."}}
    assert result.remote_id == "m_reply123"


def test_answer_outside_the_24_hour_window_is_permanent(api: respx.MockRouter,
                                                        connector: FacebookConnector) -> None:
    api.get(f"{V}/m_old").respond(200, json={"from": {"id": p.PSID}})
    api.post(f"{PAGE}/messages").respond(400, json=p.error(
        10, "(#10) This message is sent outside of allowed window.", subcode=2018278))
    with pytest.raises(PermanentError) as refused:
        connector.reply("m_old", "Trop tard ?", "so-r-3")
    assert refused.value.code == "outside_window"


def test_expired_token_is_auth_expired(api: respx.MockRouter,
                                       connector: FacebookConnector) -> None:
    api.get(PAGE).respond(400, json=p.error(
        190, "Error validating access token: Session has expired on Friday, 20-Nov-26.",
        subcode=463))
    with pytest.raises(AuthExpiredError) as expired:
        connector.verify()
    assert "fbtrace_id AbCdEfGh123" in expired.value.message


def test_throttling_waits_what_the_usage_header_says_then_refuses_locally(
        api: respx.MockRouter, connector: FacebookConnector) -> None:
    route = api.get(PAGE).respond(400, json=p.error(
        80001, "There have been too many calls to this Page account."), headers=p.buc_usage(19))
    with pytest.raises(RateLimitedError) as throttled:
        connector.verify()
    assert throttled.value.retry_after == 19 * 60
    assert throttled.value.code == "graph_80001"
    with pytest.raises(RateLimitedError):
        connector.verify()
    assert route.call_count == 1  # the second call never left


def test_usage_header_on_a_success_stops_the_next_call(api: respx.MockRouter,
                                                      connector: FacebookConnector) -> None:
    route = api.get(PAGE).respond(200, json=p.PAGE, headers=p.buc_usage(0, calls=42))
    connector.verify()
    connector.verify()  # 42 % used, nothing to regain: go on
    assert route.call_count == 2
    route.respond(200, json=p.PAGE, headers=p.buc_usage(5))
    connector.verify()
    with pytest.raises(RateLimitedError) as refused:
        connector.verify()
    assert 290 <= refused.value.retry_after <= 300 and route.call_count == 3


def test_app_level_throttle_without_business_header(api: respx.MockRouter,
                                                    connector: FacebookConnector) -> None:
    api.get(PAGE).respond(403, json=p.error(4, "(#4) Application request limit reached"),
                          headers={"X-App-Usage": json.dumps(
                              {"call_count": 100, "total_cputime": 30, "total_time": 41})})
    with pytest.raises(RateLimitedError) as throttled:
        connector.verify()
    assert throttled.value.retry_after == graph.PLATFORM_WINDOW_S


def test_transient_errors_are_retried_then_retryable(api: respx.MockRouter,
                                                     connector: FacebookConnector) -> None:
    route = api.get(PAGE).respond(500, json=p.error(
        2, "An unexpected error has occurred. Please retry your request later.", transient=True))
    with pytest.raises(RetryableError):
        connector.verify()
    assert route.call_count == 4  # the first try and HttpClient's three retries


def test_bad_parameter_is_permanent(api: respx.MockRouter, connector: FacebookConnector) -> None:
    api.post(f"{PAGE}/feed").respond(400, json=p.error(
        100, "(#100) Invalid parameter", kind="OAuthException"))
    with pytest.raises(PermanentError) as refused:
        connector.publish(PublishRequest(text="x", placement="feed", idempotency_key="k"))
    assert refused.value.code == "graph_100"


def test_lost_answer_is_unknown_then_reconciled_by_message(api: respx.MockRouter,
                                                           connector: FacebookConnector) -> None:
    post = api.post(f"{PAGE}/feed").mock(side_effect=httpx.ReadTimeout("timed out"))
    request = PublishRequest(text="Nouvelle collection", placement="feed",
                             idempotency_key="so-v-9")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(request)
    assert post.call_count == 1  # never retried inside the request
    sent_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
    posts = api.get(f"{PAGE}/posts").respond(200, json={"data": [
        {"id": f"{p.PAGE_ID}_2", "message": "Autre chose", "created_time": sent_at},
        {"id": f"{p.PAGE_ID}_3", "message": "Nouvelle collection", "created_time": sent_at}],
        "paging": {"cursors": {"before": "a", "after": "b"}}})
    found = connector.find_published("so-v-9")
    assert found is not None and found.remote_id == f"{p.PAGE_ID}_3"
    assert dict(_sent(posts).url.params)["fields"] == "id,message,created_time"


def test_reconciliation_from_another_process_and_nothing_found(
        api: respx.MockRouter, connector: FacebookConnector) -> None:
    api.get(f"{PAGE}/posts").respond(200, json={"data": [
        {"id": f"{p.PAGE_ID}_7", "message": "Ancien", "created_time": "2020-01-01T00:00:00+0000"}
    ]})
    videos = api.get(f"{PAGE}/videos").respond(200, json={"data": []})
    assert connector.find_published("unknown-key") is None  # nothing known: no request
    assert videos.call_count == 0
    request = PublishRequest(text="Ancien", placement="feed", idempotency_key="other")
    assert connector.find_published("other", request) is None  # too old to be ours
    assert videos.call_count == 1


def test_inbox_reads_comments_tags_and_messages_oldest_first(
        api: respx.MockRouter, connector: FacebookConnector) -> None:
    page_author = {"name": "Maison Arlette", "id": p.PAGE_ID}
    feed = api.get(f"{PAGE}/feed").respond(200, json=p.feed([(p.POST_ID, [
        p.comment("122104567890123456_3", "Merci !", author=page_author,
                  created="2026-11-22T09:17:00+0000", parent="122104567890123456_2"),
        p.comment("122104567890123456_2", "Et en 38 ?", created="2026-11-22T09:16:00+0000",
                  parent="122104567890123456_1"),
        p.comment("122104567890123456_1", "Superbe", created="2026-11-22T09:15:00+0000"),
    ])]))
    api.get(f"{PAGE}/tagged").respond(200, json={"data": [{
        "id": "998877_665544", "message": "Chez @Maison Arlette aujourd'hui",
        "from": {"name": "Léa", "id": "44556677"}, "created_time": "2026-11-22T08:00:00+0000",
        "permalink_url": "https://www.facebook.com/998877/posts/665544"}]})
    conversations = api.get(f"{PAGE}/conversations").respond(200, json=p.conversations([
        p.message("m_2", "Bonne journée", page_author, "2026-11-22T09:21:00+0000"),
        p.message("m_1", "Vous livrez en Belgique ?", {"name": "Camille", "id": p.PSID},
                  "2026-11-22T09:20:00+0000")]))
    page = connector.fetch_inbox(None, 100)
    assert [(i.remote_id, i.kind) for i in page.items] == [
        ("998877_665544", "mention"), ("122104567890123456_1", "comment"),
        ("122104567890123456_2", "reply"), ("m_1", "dm")]
    first, reply, dm = page.items[1], page.items[2], page.items[3]
    assert (first.thread_key, first.parent_remote_id, first.post_remote_id) == (
        f"post:{p.POST_ID}", p.POST_ID, p.POST_ID)
    assert reply.parent_remote_id == "122104567890123456_1"
    assert (dm.thread_key, dm.author_handle, dm.author_name) == (f"dm:{p.PSID}", p.PSID,
                                                                 "Camille")
    assert dict(_sent(feed).url.params)["fields"] == (
        "id,comments.filter(stream).order(reverse_chronological).limit(100)"
        "{id,message,created_time,from,parent{id},permalink_url}")
    assert dict(_sent(conversations).url.params)["platform"] == "messenger"
    # The next poll starts from the newest second seen per source, inclusively.
    again = connector.fetch_inbox(page.cursor, 100)
    assert [i.remote_id for i in again.items] == ["998877_665544", "122104567890123456_2", "m_1"]
    assert again.cursor == page.cursor


def test_post_and_video_metrics(api: respx.MockRouter, connector: FacebookConnector) -> None:
    api.get(f"{V}/{p.POST_ID}").respond(200, json={
        "shares": {"count": 4}, "comments": {"data": [], "summary": {"total_count": 12}},
        "reactions": {"data": [], "summary": {"total_count": 87}}, "id": p.POST_ID})
    insights = api.get(f"{V}/{p.POST_ID}/insights").respond(200, json=p.insights({
        "post_media_view": [(2400, "")], "post_total_media_view_unique": [(1900, "")],
        "post_clicks": [(35, "")]}, period="lifetime"))
    api.get(f"{V}/1234567890").respond(200, json={
        "comments": {"summary": {"total_count": 3}}, "reactions": {"summary": {"total_count": 9}}})
    api.get(f"{V}/1234567890/video_insights").respond(200, json=p.insights({
        "total_video_views": [(510, "")], "total_video_impressions": [(800, "")],
        "total_video_impressions_unique": [(700, "")]}, period="lifetime"))
    post, video = connector.fetch_post_metrics([p.POST_ID, "1234567890"])
    assert dict(_sent(insights).url.params)["metric"] == (
        "post_media_view,post_total_media_view_unique,post_clicks")
    assert (post.impressions, post.reach, post.reactions, post.comments, post.shares,
            post.clicks, post.saves) == (2400, 1900, 87, 12, 4, 35, None)
    assert (video.video_views, video.impressions, video.reach, video.comments) == (
        510, 800, 700, 3)


def test_account_metrics_per_day(api: respx.MockRouter, connector: FacebookConnector) -> None:
    route = api.get(f"{PAGE}/insights").respond(200, json=p.insights({
        "page_follows": [(12800, "2026-11-20T08:00:00+0000"), (12840, "2026-11-21T08:00:00+0000")],
        "page_daily_follows_unique": [(30, "2026-11-20T08:00:00+0000"),
                                      (52, "2026-11-21T08:00:00+0000")],
        "page_daily_unfollows_unique": [(10, "2026-11-20T08:00:00+0000"),
                                        (12, "2026-11-21T08:00:00+0000")],
        "page_media_view": [(5000, "2026-11-20T08:00:00+0000"),
                            (6100, "2026-11-21T08:00:00+0000")],
    }))
    days = connector.fetch_account_metrics(date(2026, 11, 19), date(2026, 11, 20))
    params = dict(_sent(route).url.params)
    assert params["period"] == "day" and params["metric"].startswith("page_follows,")
    assert (params["since"], params["until"]) == (
        str(int(datetime(2026, 11, 19, tzinfo=UTC).timestamp())),
        str(int(datetime(2026, 11, 21, tzinfo=UTC).timestamp())))
    assert [(d.day, d.followers, d.follower_change, d.impressions, d.reach) for d in days] == [
        (date(2026, 11, 19), 12800, 20, 5000, None), (date(2026, 11, 20), 12840, 40, 6100, None)]


def test_search_is_unsupported_and_deleting_a_gone_post_is_fine(
        api: respx.MockRouter, connector: FacebookConnector) -> None:
    with pytest.raises(PermanentError) as refused:
        connector.search("arlette", None, 10)
    assert refused.value.code == "unsupported"
    route = api.delete(f"{V}/{p.POST_ID}").respond(400, json=p.error(
        100, "(#100) Object does not exist", kind="GraphMethodException", subcode=33))
    connector.delete(p.POST_ID)
    assert route.call_count == 1
    api.delete(f"{V}/{p.POST_ID}").respond(400, json=p.error(100, "(#100) Invalid parameter"))
    with pytest.raises(PermanentError):
        connector.delete(p.POST_ID)
