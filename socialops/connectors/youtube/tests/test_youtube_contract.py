"""Contract tests: the exact requests sent to the YouTube Data API v3, its answers replayed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
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
from socialops.connectors.capabilities import Feature
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.registry import build_connector
from socialops.connectors.youtube import connector as yt_module
from socialops.connectors.youtube.connector import YouTubeConnector
from socialops.connectors.youtube.quota import INSERTS, UNITS, QuotaLedger, next_reset
from socialops.connectors.youtube.tests import payloads as p
from socialops.connectors.youtube.upload import QUANTUM

UPLOAD_PATH = "/upload/youtube/v3/videos"


def _just_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("142.250.74.106", port))]


@pytest.fixture(autouse=True)
def fresh_ledger(monkeypatch: pytest.MonkeyPatch) -> QuotaLedger:
    ledger = QuotaLedger()
    monkeypatch.setattr(yt_module, "ledger", ledger)
    return ledger


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url="https://www.googleapis.com", assert_all_called=False) as router:
        router.get("/youtube/v3/channels").respond(200, json=p.CHANNELS)
        yield router


@pytest.fixture
def http() -> Iterator[HttpClient]:
    with HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None) as client:
        yield client


def _connector(http: HttpClient, **options: str) -> YouTubeConnector:
    # A fresh token per connector: the journal is remembered per account.
    auth = ChannelAuth(p.CHANNEL_ID, "maisonarlettetv",
                       {"access_token": f"ya29.{time.monotonic_ns()}", **options})
    made = YouTubeConnector(auth, http)
    made.chunk_bytes = QUANTUM
    return made


@pytest.fixture
def connector(http: HttpClient) -> YouTubeConnector:
    return _connector(http)


def _session(api: respx.MockRouter) -> respx.Route:
    return api.post(UPLOAD_PATH).respond(200, headers={"Location": p.SESSION})


def _chunks(api: respx.MockRouter) -> respx.Route:
    return api.route(method="PUT", path=UPLOAD_PATH)


def _incomplete(last_byte: int | None) -> httpx.Response:
    headers = {} if last_byte is None else {"Range": f"bytes=0-{last_byte}"}
    return httpx.Response(308, headers=headers)


def _ranges(route: respx.Route) -> list[str]:
    return [call.request.headers["Content-Range"] for call in route.calls]


VIDEO = bytes(range(256)) * 2400  # 614,400 bytes: two whole chunks of 256 KiB and a tail
REQUEST = PublishRequest(text="Les coulisses du défilé\nTournage à Lyon", placement="feed",
                         idempotency_key="so-y-1", title="Défilé printemps",
                         media=[MediaRef(mime="video/mp4", data=VIDEO)])


def test_registry_and_verify(api: respx.MockRouter, connector: YouTubeConnector) -> None:
    with HttpClient() as client:
        built = build_connector("youtube", ChannelAuth("1", "a", {"access_token": "s3cret"}),
                                client)
        assert isinstance(built, YouTubeConnector) and isinstance(built, Connector)
        assert isinstance(built, Hider) and "s3cret" not in repr(built)
    assert Feature.HIDE in YouTubeConnector.capabilities.features
    info = connector.verify()
    request = api.routes[0].calls.last.request
    assert dict(request.url.params) == {"part": "snippet,contentDetails,statistics",
                                        "mine": "true"}
    assert request.headers["Authorization"].startswith("Bearer ya29.")
    assert (info.remote_id, info.handle, info.display_name, info.followers) == (
        p.CHANNEL_ID, "maisonarlettetv", "Maison Arlette TV", 23040)


def test_resumable_upload_sends_metadata_then_chunks(api: respx.MockRouter,
                                                     http: HttpClient) -> None:
    connector = _connector(http, privacy_status="unlisted", made_for_kids="false")
    session = _session(api)
    chunks = _chunks(api).mock(side_effect=[_incomplete(262_143), _incomplete(524_287),
                                            httpx.Response(200, json=p.video())])
    thumbnail = api.post("/upload/youtube/v3/thumbnails/set").respond(200, json={
        "kind": "youtube#thumbnailSetResponse", "items": []})
    request = PublishRequest(**{**REQUEST.__dict__, "media": [
        *REQUEST.media, MediaRef(mime="image/jpeg", data=b"\xff\xd8jpeg")]})
    result = connector.publish(request)
    opened = session.calls.last.request
    assert dict(opened.url.params) == {"uploadType": "resumable", "part": "snippet,status"}
    assert opened.headers["X-Upload-Content-Length"] == "614400"
    assert opened.headers["X-Upload-Content-Type"] == "video/mp4"
    assert opened.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert json.loads(opened.content) == {
        "snippet": {"title": "Défilé printemps",
                    "description": "Les coulisses du défilé\nTournage à Lyon",
                    "categoryId": "22"},
        "status": {"privacyStatus": "unlisted", "selfDeclaredMadeForKids": False}}
    assert _ranges(chunks) == ["bytes 0-262143/614400", "bytes 262144-524287/614400",
                               "bytes 524288-614399/614400"]
    assert b"".join(call.request.content for call in chunks.calls) == VIDEO
    assert str(chunks.calls[0].request.url) == p.SESSION
    sent_thumbnail = thumbnail.calls.last.request
    assert dict(sent_thumbnail.url.params) == {"videoId": p.VIDEO_ID, "uploadType": "media"}
    assert sent_thumbnail.headers["Content-Type"] == "image/jpeg"
    assert sent_thumbnail.content == b"\xff\xd8jpeg"
    assert (result.remote_id, result.url) == (p.VIDEO_ID,
                                              "https://www.youtube.com/watch?v=Ks-_Mh1QhMc")
    assert result.published_at == datetime(2026, 11, 22, 9, 20, tzinfo=UTC)


def test_an_interrupted_upload_resumes_where_youtube_says(api: respx.MockRouter,
                                                         connector: YouTubeConnector) -> None:
    _session(api)
    chunks = _chunks(api).mock(side_effect=[
        _incomplete(262_143),
        httpx.ReadTimeout("connection dropped"),  # the second chunk is cut off...
        _incomplete(393_215),  # ...the session says half of it arrived
        httpx.Response(201, json=p.video()),
    ])
    result = connector.publish(REQUEST)
    assert _ranges(chunks) == ["bytes 0-262143/614400", "bytes 262144-524287/614400",
                               "bytes */614400", "bytes 393216-614399/614400"]
    assert chunks.calls[2].request.content == b""
    assert chunks.calls[3].request.content == VIDEO[393_216:]
    assert result.remote_id == p.VIDEO_ID


def test_a_lost_final_answer_is_recovered_from_the_session(
        api: respx.MockRouter, connector: YouTubeConnector) -> None:
    _session(api)
    chunks = _chunks(api).mock(side_effect=[
        _incomplete(262_143), _incomplete(524_287), httpx.ReadTimeout("lost"),
        httpx.Response(200, json=p.video())])
    assert connector.publish(REQUEST).remote_id == p.VIDEO_ID
    assert _ranges(chunks)[-1] == "bytes */614400"


def test_a_lost_final_answer_is_unknown_then_reconciled(api: respx.MockRouter,
                                                        http: HttpClient) -> None:
    connector = _connector(http)
    connector.chunk_bytes = 4 * QUANTUM  # one chunk: its answer is the last one
    _session(api)
    chunks = _chunks(api).mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(REQUEST)
    assert chunks.call_count == 4  # the chunk once, then three questions to the session
    items = api.get("/youtube/v3/playlistItems").respond(200, json=p.playlist(
        p.playlist_item("newVideo123", "Défilé printemps", _just_now()),
        p.playlist_item("oldVideo456", "Défilé printemps", "2025-01-01T10:00:00Z")))
    found = connector.find_published("so-y-1")
    assert found is not None and found.remote_id == "newVideo123"
    assert dict(items.calls.last.request.url.params) == {
        "part": "snippet", "playlistId": p.UPLOADS, "maxResults": "50"}
    # Another process knows only what was sent; without a title, the first line is one.
    other = _connector(http)
    assert other.find_published("so-y-1", REQUEST) == found
    untitled = PublishRequest(text="Défilé printemps\nEn coulisses", placement="feed",
                              idempotency_key="so-y-2")
    assert other.find_published("so-y-2", untitled) is not None
    assert other.find_published("so-y-3", PublishRequest(
        text="Autre vidéo", placement="feed", idempotency_key="so-y-3")) is None


def test_an_interruption_before_the_end_publishes_nothing(api: respx.MockRouter,
                                                          connector: YouTubeConnector) -> None:
    _session(api)
    _chunks(api).mock(side_effect=[_incomplete(262_143), *[httpx.ReadTimeout("down")] * 4])
    with pytest.raises(RetryableError) as raised:
        connector.publish(REQUEST)
    assert not isinstance(raised.value, UnknownOutcomeError)


def test_titles_are_checked_before_anything_is_sent(api: respx.MockRouter,
                                                    connector: YouTubeConnector) -> None:
    session = _session(api)
    for title in ("x" * 101, "Soldes <ce soir>", "  "):
        with pytest.raises(PermanentError):
            connector.publish(PublishRequest(**{**REQUEST.__dict__, "title": title}))
    with pytest.raises(PermanentError, match="one video"):
        connector.publish(PublishRequest(text="x", placement="feed", idempotency_key="k",
                                         title="t"))
    assert session.call_count == 0
    long_line = "Un très long titre " * 8
    fallback = yt_module.title_of(PublishRequest(text=long_line, placement="feed",
                                                 idempotency_key="k"))
    assert len(fallback) <= 100 and fallback.endswith("…")


def test_quota_is_counted_and_refused_locally(api: respx.MockRouter, http: HttpClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = QuotaLedger(daily={UNITS: 2, INSERTS: 100, "search.list": 100})
    monkeypatch.setattr(yt_module, "ledger", ledger)
    channels = api.routes[0]
    connector = _connector(http)
    connector.verify()
    connector.verify()
    with pytest.raises(RateLimitedError) as refused:
        connector.verify()
    assert channels.call_count == 2  # the third call never left
    assert refused.value.code == "quota_exceeded"
    assert 0 < refused.value.retry_after <= 25 * 3600
    assert ledger.spent(UNITS) == 2


def test_quota_exceeded_waits_until_midnight_pacific(api: respx.MockRouter,
                                                     connector: YouTubeConnector,
                                                     fresh_ledger: QuotaLedger) -> None:
    route = api.get("/youtube/v3/videos").respond(403, json=p.QUOTA_EXCEEDED)
    with pytest.raises(RateLimitedError) as raised:
        connector.fetch_post_metrics([p.VIDEO_ID])
    expected = (next_reset(datetime.now(UTC)) - datetime.now(UTC)).total_seconds()
    assert abs(raised.value.retry_after - expected) < 60
    with pytest.raises(RateLimitedError):
        connector.fetch_post_metrics([p.VIDEO_ID])
    assert route.call_count == 1  # refused locally until the reset
    # The upload bucket is a separate one: still open.
    fresh_ledger.charge("videos.insert")


def test_next_reset_is_midnight_pacific() -> None:
    summer = datetime(2026, 7, 1, 6, 59, tzinfo=UTC)  # 23:59 PDT
    assert next_reset(summer) == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    winter = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # 01:00 PST
    assert next_reset(winter) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "body", "headers", "kind", "wait"), [
    (403, p.error(403, "rateLimitExceeded", "Too fast", "usageLimits"), {},
     RateLimitedError, 60.0),
    (403, p.error(403, "userRateLimitExceeded", "Too fast", "usageLimits"),
     {"Retry-After": "30"}, RateLimitedError, 30.0),
    (429, p.error(429, "rateLimitExceeded", "Too many"), {"Retry-After": "90"},
     RateLimitedError, 90.0),
    (401, p.error(401, "authError", "Invalid Credentials", "global"), {}, AuthExpiredError,
     None),
    (403, p.error(403, "forbidden", "Forbidden", "youtube.video"), {}, PermanentError, None),
])
def test_google_errors(api: respx.MockRouter, connector: YouTubeConnector, status: int,
                       body: dict[str, Any], headers: dict[str, str], kind: type[Exception],
                       wait: float | None) -> None:
    api.get("/youtube/v3/videos").respond(status, json=body, headers=headers)
    with pytest.raises(kind) as raised:
        connector.fetch_post_metrics([p.VIDEO_ID])
    if wait is not None:
        assert isinstance(raised.value, RateLimitedError) and raised.value.retry_after == wait


def test_upload_cap_and_server_errors(api: respx.MockRouter,
                                      connector: YouTubeConnector) -> None:
    api.post(UPLOAD_PATH).respond(400, json=p.error(
        400, "uploadLimitExceeded", "The user has exceeded the number of videos they may "
        "upload.", "youtube.video"))
    with pytest.raises(RateLimitedError) as capped:
        connector.publish(REQUEST)
    assert capped.value.code == "upload_limit"
    route = api.get("/youtube/v3/videos").respond(503, json=p.error(503, "backendError",
                                                                    "Backend Error", "global"))
    with pytest.raises(RetryableError):
        connector.fetch_post_metrics([p.VIDEO_ID])
    assert route.call_count == 4  # a read is retried


def test_delete_and_an_already_deleted_video(api: respx.MockRouter,
                                             connector: YouTubeConnector) -> None:
    route = api.delete("/youtube/v3/videos").mock(side_effect=[
        httpx.Response(204), httpx.Response(404, json=p.error(
            404, "videoNotFound", "Video not found", "youtube.video"))])
    connector.delete(p.VIDEO_ID)
    connector.delete(p.VIDEO_ID)
    assert dict(route.calls.last.request.url.params) == {"id": p.VIDEO_ID}


def test_reply_and_hide(api: respx.MockRouter, connector: YouTubeConnector,
                        fresh_ledger: QuotaLedger) -> None:
    insert = api.post("/youtube/v3/comments").respond(200, json=p.comment(
        "UgzTop.Reply1", "Merci Camille !", _just_now(), author="Maison Arlette TV",
        author_channel=p.CHANNEL_ID, parent="UgzTop"))
    result = connector.reply("UgzTop", "Merci Camille !", "so-r-1")
    request = insert.calls.last.request
    assert dict(request.url.params) == {"part": "snippet"}
    assert json.loads(request.content) == {"snippet": {"parentId": "UgzTop",
                                                       "textOriginal": "Merci Camille !"}}
    assert result.remote_id == "UgzTop.Reply1"
    assert result.url == "https://www.youtube.com/watch?v=Ks-_Mh1QhMc&lc=UgzTop.Reply1"
    moderate = api.post("/youtube/v3/comments/setModerationStatus").respond(204)
    connector.hide("UgzSpam")
    connector.hide("UgzSpam", hidden=False)
    assert [dict(c.request.url.params) for c in moderate.calls] == [
        {"id": "UgzSpam", "moderationStatus": "heldForReview"},
        {"id": "UgzSpam", "moderationStatus": "published"}]
    assert fresh_ledger.spent(UNITS) == 150  # 50 units per write


def test_inbox_reads_comment_threads_oldest_first_with_a_cursor(
        api: respx.MockRouter, connector: YouTubeConnector) -> None:
    top_new = p.comment("UgzB", "Superbe !", "2026-11-22T09:30:00Z")
    ours = p.comment("UgzA.r2", "Merci !", "2026-11-22T09:25:00Z", author="Maison Arlette TV",
                     author_channel=p.CHANNEL_ID, parent="UgzA")
    fan = p.comment("UgzA.r1", "Quelle taille ?", "2026-11-22T09:21:00Z", parent="UgzA",
                    author="Lea M", author_channel="UCfan0000000000000000002")
    top_old = p.comment("UgzA", "Où l'acheter ?", "2026-11-22T09:15:00Z")
    route = api.get("/youtube/v3/commentThreads").mock(side_effect=[
        httpx.Response(200, json=p.threads(p.thread(top_new), p.thread(top_old, fan, ours))),
        httpx.Response(200, json=p.threads(
            p.thread(p.comment("UgzC", "Bravo", "2026-11-22T10:00:00Z")),
            p.thread(top_new), next_page="page2")),
    ])
    page = connector.fetch_inbox(None, 50)
    assert dict(route.calls.last.request.url.params) == {
        "part": "snippet,replies", "allThreadsRelatedToChannelId": p.CHANNEL_ID,
        "order": "time", "textFormat": "plainText", "maxResults": "50"}
    assert [(i.remote_id, i.kind) for i in page.items] == [
        ("UgzA", "comment"), ("UgzA.r1", "reply"), ("UgzB", "comment")]  # not our own answer
    reply = page.items[1]
    assert (reply.parent_remote_id, reply.thread_key, reply.post_remote_id) == (
        "UgzA", "UgzA", p.VIDEO_ID)
    assert reply.author_handle == "LeaM" and reply.text == "Quelle taille ?"
    assert page.cursor == "2026-11-22T09:30:00Z|UgzB"
    later = connector.fetch_inbox(page.cursor, 50)
    assert [i.remote_id for i in later.items] == ["UgzC"]
    assert route.call_count == 2  # the page reached back to the cursor: no second page
    assert later.cursor == "2026-11-22T10:00:00Z|UgzC"


def test_search_reads_videos_in_its_own_bucket(api: respx.MockRouter,
                                               connector: YouTubeConnector,
                                               fresh_ledger: QuotaLedger) -> None:
    route = api.get("/youtube/v3/search").respond(200, json={
        "kind": "youtube#searchListResponse", "nextPageToken": "CAUQAA",
        "items": [{"kind": "youtube#searchResult",
                   "id": {"kind": "youtube#video", "videoId": "abcDEF12345"},
                   "snippet": {"publishedAt": "2026-11-21T18:00:00Z", "channelId": "UCother",
                               "title": "Haul Maison Arlette", "description": "Mes achats",
                               "channelTitle": "Julie Style"}}]})
    page = connector.search("maison arlette", None, 10)
    assert dict(route.calls.last.request.url.params) == {
        "part": "snippet", "q": "maison arlette", "type": "video", "order": "date",
        "maxResults": "10"}
    assert page.cursor == "CAUQAA"
    item = page.items[0]
    assert (item.remote_id, item.author_name, item.text) == (
        "abcDEF12345", "Julie Style", "Haul Maison Arlette\nMes achats")
    assert fresh_ledger.spent("search.list") == 1 and fresh_ledger.spent(UNITS) == 0


def test_post_and_account_metrics(api: respx.MockRouter, connector: YouTubeConnector) -> None:
    route = api.get("/youtube/v3/videos").respond(200, json={
        "kind": "youtube#videoListResponse", "items": [{
            "kind": "youtube#video", "id": p.VIDEO_ID,
            "statistics": {"viewCount": "48210", "likeCount": "1530", "favoriteCount": "0",
                           "commentCount": "87"}}]})
    [metrics] = connector.fetch_post_metrics([p.VIDEO_ID])
    assert dict(route.calls.last.request.url.params) == {"part": "statistics",
                                                         "id": p.VIDEO_ID}
    assert (metrics.video_views, metrics.reactions, metrics.comments) == (48210, 1530, 87)
    assert metrics.shares is None and metrics.impressions is None
    today = datetime.now(UTC).date()
    assert [m.followers for m in connector.fetch_account_metrics(today, today)] == [23040]
    assert connector.fetch_account_metrics(date(2020, 1, 1), date(2020, 1, 2)) == []


def test_a_link_goes_at_the_end_of_the_description(http: HttpClient) -> None:
    resource = _connector(http, privacy_status="private", made_for_kids="true")._resource(
        PublishRequest(text="Nouvelle vidéo", placement="short", idempotency_key="k",
                       link="https://arlette.example/printemps"))
    assert resource["snippet"]["description"] == (
        "Nouvelle vidéo\n\nhttps://arlette.example/printemps")
    assert resource["snippet"]["title"] == "Nouvelle vidéo"
    assert resource["status"] == {"privacyStatus": "private", "selfDeclaredMadeForKids": True}
    with pytest.raises(PermanentError, match="privacy"):
        _connector(http, privacy_status="friends")._resource(REQUEST)
