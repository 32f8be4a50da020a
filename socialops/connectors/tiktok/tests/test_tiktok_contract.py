"""Contract tests: the exact requests sent to TikTok's v2 API, its documented answers replayed."""

from __future__ import annotations

import json
import struct
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import respx

from socialops.connectors.base import ChannelAuth, Connector, MediaRef, PublishRequest
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
from socialops.connectors.tiktok import connector as tt_module
from socialops.connectors.tiktok.connector import TikTokConnector
from socialops.connectors.tiktok.tests import payloads as p
from socialops.connectors.tiktok.upload import mp4_duration, plan_chunks

CREATOR = "/v2/post/publish/creator_info/query/"
VIDEO_INIT = "/v2/post/publish/video/init/"
STATUS = "/v2/post/publish/status/fetch/"


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("23.52.40.10", port))]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url="https://open.tiktokapis.com", assert_all_called=False) as router:
        router.get("/v2/user/info/").respond(200, json=p.USER)
        yield router


def _connector(http: HttpClient, **options: str) -> TikTokConnector:
    # A fresh token per connector: the journal is remembered per account.
    auth = ChannelAuth(p.OPEN_ID, "maisonarlette",
                       {"access_token": f"act.{time.monotonic_ns()}", **options})
    made = TikTokConnector(auth, http)
    made.status_poll_interval = 0.0
    made.chunk_bytes, made.whole_up_to = 4, 8
    return made


@pytest.fixture
def http() -> Iterator[HttpClient]:
    with HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None) as client:
        yield client


@pytest.fixture
def connector(http: HttpClient) -> TikTokConnector:
    return _connector(http)


def _body(route: respx.Route, index: int = -1) -> Any:
    return json.loads(route.calls[index].request.content)


def _mp4(seconds: int) -> bytes:
    """Return the start of an MP4 whose movie header declares `seconds` (timescale 1000)."""
    mvhd = b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, seconds * 1000)
    return struct.pack(">I", 8 + len(mvhd)) + b"mvhd" + mvhd + b"\x00" * 16


def test_registry_and_verify(api: respx.MockRouter, connector: TikTokConnector) -> None:
    with HttpClient() as client:
        built = build_connector("tiktok", ChannelAuth("1", "a", {"access_token": "s3cret"}),
                                client)
        assert isinstance(built, TikTokConnector) and isinstance(built, Connector)
        assert "s3cret" not in repr(built)
    info = connector.verify()
    request = api.routes[0].calls.last.request
    assert request.url.params["fields"] == (
        "open_id,union_id,avatar_url,display_name,username,follower_count")
    assert request.headers["Authorization"].startswith("Bearer act.")
    assert (info.remote_id, info.handle, info.display_name, info.followers) == (
        p.OPEN_ID, "maisonarlette", "Maison Arlette", 76021)


def test_features_claim_only_what_the_api_does() -> None:
    assert TikTokConnector.capabilities.features == {Feature.PUBLISH, Feature.METRICS}


def test_file_upload_in_chunks_then_waits_for_the_post(api: respx.MockRouter,
                                                       connector: TikTokConnector) -> None:
    creator = api.post(CREATOR).respond(200, json=p.creator_info())
    init = api.post(VIDEO_INIT).respond(200, json=p.VIDEO_INIT)
    chunks = api.put(p.UPLOAD_URL).mock(side_effect=[httpx.Response(206),
                                                     httpx.Response(201)])
    status = api.post(STATUS).mock(side_effect=[
        httpx.Response(200, json=p.status("PROCESSING_UPLOAD", uploaded_bytes=10)),
        httpx.Response(200, json=p.status("PUBLISH_COMPLETE",
                                          publicaly_available_post_id=[7440233200551234567])),
    ])
    video = b"0123456789"
    result = connector.publish(PublishRequest(
        text="Nouvelle collection #mode", placement="short", idempotency_key="so-t-1",
        media=[MediaRef(mime="video/mp4", data=video)]))
    assert creator.calls.last.request.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert _body(init) == {
        "post_info": {"title": "Nouvelle collection #mode", "privacy_level": "SELF_ONLY",
                      "disable_comment": False, "disable_duet": False,
                      "disable_stitch": True},  # the creator has switched stitches off
        "source_info": {"source": "FILE_UPLOAD", "video_size": 10, "chunk_size": 4,
                        "total_chunk_count": 2}}
    sent = [call.request for call in chunks.calls]
    assert [r.headers["Content-Range"] for r in sent] == ["bytes 0-3/10", "bytes 4-9/10"]
    assert [r.content for r in sent] == [b"0123", b"456789"]
    assert {r.headers["Content-Type"] for r in sent} == {"video/mp4"}
    assert "Authorization" not in sent[0].headers  # the upload URL carries its own token
    assert _body(status) == {"publish_id": p.PUBLISH_ID} and status.call_count == 2
    assert result.remote_id == "7440233200551234567"
    assert result.url == "https://www.tiktok.com/@maisonarlette/video/7440233200551234567"
    assert connector.find_published("so-t-1") == result


def test_pull_from_url_with_a_chosen_privacy_level(api: respx.MockRouter,
                                                   http: HttpClient) -> None:
    connector = _connector(http, privacy_level="PUBLIC_TO_EVERYONE", disable_comment="true")
    api.post(CREATOR).respond(200, json=p.creator_info())
    init = api.post(VIDEO_INIT).respond(200, json=p.PULL_INIT)
    api.post(STATUS).respond(200, json=p.status("PUBLISH_COMPLETE",
                                                publicaly_available_post_id=[744]))
    connector.publish(PublishRequest(
        text="Défilé", placement="short", idempotency_key="so-t-2",
        media=[MediaRef(mime="video/mp4", url="https://media.arlette.example/defile.mp4")]))
    assert _body(init) == {
        "post_info": {"title": "Défilé", "privacy_level": "PUBLIC_TO_EVERYONE",
                      "disable_comment": True, "disable_duet": False, "disable_stitch": True},
        "source_info": {"source": "PULL_FROM_URL",
                        "video_url": "https://media.arlette.example/defile.mp4"}}


def test_a_private_post_is_named_by_its_publish_id(api: respx.MockRouter,
                                                   connector: TikTokConnector) -> None:
    api.post(CREATOR).respond(200, json=p.creator_info())
    api.post(VIDEO_INIT).respond(200, json=p.VIDEO_INIT)
    api.put(p.UPLOAD_URL).respond(201)
    api.post(STATUS).respond(200, json=p.status("PUBLISH_COMPLETE"))
    result = connector.publish(PublishRequest(
        text="Essai", placement="short", idempotency_key="so-t-3",
        media=[MediaRef(mime="video/mp4", data=b"tiny")]))
    assert (result.remote_id, result.url) == (p.PUBLISH_ID, "https://www.tiktok.com/@maisonarlette")


def test_photo_post_is_pulled_from_urls(api: respx.MockRouter,
                                        connector: TikTokConnector) -> None:
    api.post(CREATOR).respond(200, json=p.creator_info())
    init = api.post("/v2/post/publish/content/init/").respond(200, json=p.PHOTO_INIT)
    api.post(STATUS).respond(200, json=p.status("PUBLISH_COMPLETE",
                                                publicaly_available_post_id=[745]))
    photos = [MediaRef(mime="image/jpeg", url=f"https://media.arlette.example/{n}.jpg")
              for n in (1, 2)]
    connector.publish(PublishRequest(text="Vitrine\nLes nouveautés de la semaine",
                                     placement="short", idempotency_key="so-t-4", media=photos))
    assert _body(init) == {
        "post_info": {"title": "Vitrine", "description": "Vitrine\nLes nouveautés de la semaine",
                      "privacy_level": "SELF_ONLY", "disable_comment": False},
        "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0,
                        "photo_images": ["https://media.arlette.example/1.jpg",
                                         "https://media.arlette.example/2.jpg"]},
        "post_mode": "DIRECT_POST", "media_type": "PHOTO"}


def test_what_the_creator_may_not_post_is_refused_before_sending(
        api: respx.MockRouter, http: HttpClient) -> None:
    init = api.post(VIDEO_INIT).respond(200, json=p.VIDEO_INIT)
    api.post(CREATOR).respond(200, json=p.creator_info(["SELF_ONLY"]))
    public = _connector(http, privacy_level="PUBLIC_TO_EVERYONE")
    with pytest.raises(PermanentError, match="SELF_ONLY") as refused:
        public.publish(PublishRequest(text="x", placement="short", idempotency_key="k1",
                                      media=[MediaRef(mime="video/mp4", data=b"v")]))
    assert refused.value.code == "privacy_level"
    with pytest.raises(PermanentError, match="400 s") as long_video:
        _connector(http).publish(PublishRequest(
            text="x", placement="short", idempotency_key="k2",
            media=[MediaRef(mime="video/mp4", data=_mp4(400))]))
    assert long_video.value.code == "duration"
    with pytest.raises(PermanentError, match="verified URL"):
        _connector(http).publish(PublishRequest(
            text="x", placement="short", idempotency_key="k3",
            media=[MediaRef(mime="image/jpeg", data=b"jpeg")]))
    assert init.call_count == 0


def test_a_failed_publication_is_permanent(api: respx.MockRouter,
                                           connector: TikTokConnector) -> None:
    api.post(CREATOR).respond(200, json=p.creator_info())
    api.post(VIDEO_INIT).respond(200, json=p.VIDEO_INIT)
    api.put(p.UPLOAD_URL).respond(201)
    api.post(STATUS).respond(200, json=p.status("FAILED", fail_reason="frame_rate_check_failed"))
    with pytest.raises(PermanentError, match="frame_rate_check_failed") as failed:
        connector.publish(PublishRequest(text="x", placement="short", idempotency_key="k4",
                                         media=[MediaRef(mime="video/mp4", data=b"v")]))
    assert failed.value.code == "frame_rate_check_failed"


@pytest.mark.parametrize(("status", "code", "kind", "wait"), [
    (401, "access_token_invalid", AuthExpiredError, None),
    (401, "scope_not_authorized", AuthExpiredError, None),
    (429, "rate_limit_exceeded", RateLimitedError, 60.0),
    (403, "spam_risk_too_many_posts", RateLimitedError, 3600.0),
    (403, "spam_risk_user_banned_from_posting", PermanentError, None),
    (403, "unaudited_client_can_only_post_to_private_accounts", PermanentError, None),
    (200, "privacy_level_option_mismatch", PermanentError, None),
])
def test_tiktok_error_codes(api: respx.MockRouter, connector: TikTokConnector, status: int,
                            code: str, kind: type[Exception], wait: float | None) -> None:
    api.post(CREATOR).respond(200, json=p.creator_info())
    api.post(VIDEO_INIT).respond(status, json=p.error(code, "refused"))
    with pytest.raises(kind) as raised:
        connector.publish(PublishRequest(text="x", placement="short", idempotency_key="k5",
                                         media=[MediaRef(mime="video/mp4", data=b"v")]))
    assert code in str(raised.value)
    if wait is not None:
        assert isinstance(raised.value, RateLimitedError) and raised.value.retry_after == wait


def test_a_429_waits_as_long_as_retry_after_says(api: respx.MockRouter,
                                                 connector: TikTokConnector) -> None:
    api.post(CREATOR).respond(429, headers={"Retry-After": "120"},
                              json=p.error("rate_limit_exceeded", "Too many requests"))
    with pytest.raises(RateLimitedError) as raised:
        connector.creator_info()
    assert raised.value.retry_after == 120.0


def test_server_errors_are_retryable(api: respx.MockRouter, connector: TikTokConnector) -> None:
    route = api.post(CREATOR).respond(500, json=p.error("internal_error", "Something broke"))
    with pytest.raises(RetryableError, match="internal_error"):
        connector.creator_info()
    assert route.call_count == 4  # retried: asking creator info changes nothing


def test_a_lost_pull_start_is_unknown_and_reconciled_by_caption(
        api: respx.MockRouter, connector: TikTokConnector) -> None:
    api.post(CREATOR).respond(200, json=p.creator_info())
    init = api.post(VIDEO_INIT).mock(side_effect=httpx.ReadTimeout("lost"))
    request = PublishRequest(text="Soldes d'hiver", placement="short", idempotency_key="so-t-6",
                             media=[MediaRef(mime="video/mp4", url="https://m.example/s.mp4")])
    with pytest.raises(UnknownOutcomeError):
        connector.publish(request)
    assert init.call_count == 1  # never repeated blindly
    now = int(datetime.now(UTC).timestamp())
    listing = api.post("/v2/video/list/").respond(200, json=p.video_list(
        p.video("7440000000000000002", "Soldes d'hiver", now),
        p.video("7440000000000000001", "Soldes d'hiver", now - 86_400)))
    found = connector.find_published("so-t-6", request)
    assert found is not None and found.remote_id == "7440000000000000002"
    assert listing.calls.last.request.url.params["fields"] == (
        "id,title,video_description,create_time,share_url")
    assert _body(listing) == {"max_count": 20}
    other = _connector(connector.http)  # another process: only the request is known
    assert other.find_published("so-t-6", request) is not None
    assert other.find_published("so-t-6", PublishRequest(
        text="Autre chose", placement="short", idempotency_key="so-t-6")) is None


def test_a_lost_file_upload_start_is_safe_to_retry(api: respx.MockRouter,
                                                   connector: TikTokConnector) -> None:
    api.post(CREATOR).respond(200, json=p.creator_info())
    api.post(VIDEO_INIT).mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(RetryableError) as raised:
        connector.publish(PublishRequest(text="x", placement="short", idempotency_key="k7",
                                         media=[MediaRef(mime="video/mp4", data=b"v")]))
    assert not isinstance(raised.value, UnknownOutcomeError)


def test_still_processing_is_unknown_then_reconciled_by_publish_id(
        api: respx.MockRouter, connector: TikTokConnector,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tt_module, "STATUS_POLLS", 2)
    api.post(CREATOR).respond(200, json=p.creator_info())
    api.post(VIDEO_INIT).respond(200, json=p.VIDEO_INIT)
    api.put(p.UPLOAD_URL).respond(201)
    status = api.post(STATUS).respond(200, json=p.status("PROCESSING_DOWNLOAD"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(PublishRequest(text="x", placement="short", idempotency_key="k8",
                                         media=[MediaRef(mime="video/mp4", data=b"v")]))
    with pytest.raises(RetryableError, match="still processing"):
        connector.find_published("k8")
    status.respond(200, json=p.status("PUBLISH_COMPLETE", publicaly_available_post_id=[99]))
    found = connector.find_published("k8")
    assert found is not None and found.remote_id == "99"
    assert _body(status) == {"publish_id": p.PUBLISH_ID}


def test_unsupported_operations_say_so(connector: TikTokConnector) -> None:
    for call in (lambda: connector.delete("1"), lambda: connector.reply("1", "merci", "k"),
                 lambda: connector.fetch_inbox(None, 10),
                 lambda: connector.search("arlette", None, 10)):
        with pytest.raises(PermanentError) as raised:
            call()
        assert raised.value.code == "unsupported"


def test_post_and_account_metrics(api: respx.MockRouter, connector: TikTokConnector) -> None:
    query = api.post("/v2/video/query/").respond(200, json=p.envelope({"videos": [
        {"id": "7440233200551234567", "like_count": 512, "comment_count": 31,
         "share_count": 12, "view_count": 20417}]}))
    metrics = connector.fetch_post_metrics(["7440233200551234567", p.PUBLISH_ID])
    assert query.calls.last.request.url.params["fields"] == (
        "id,like_count,comment_count,share_count,view_count")
    assert _body(query) == {"filters": {"video_ids": ["7440233200551234567"]}}
    assert metrics[0].reactions == 512 and metrics[0].video_views == 20417
    assert metrics[0].impressions is None and metrics[0].reach is None
    today = datetime.now(UTC).date()
    assert [m.followers for m in connector.fetch_account_metrics(today, today)] == [76021]
    assert connector.fetch_account_metrics(date(2020, 1, 1), date(2020, 1, 2)) == []


def test_the_transfer_plan_follows_the_media_transfer_guide() -> None:
    mb = 1024 * 1024
    assert plan_chunks(3 * mb).ranges == ((0, 3 * mb),)
    plan = plan_chunks(200 * mb)
    assert (plan.chunk_size, len(plan.ranges)) == (32 * mb, 6)
    assert plan.ranges[-1] == (160 * mb, 200 * mb)  # the last chunk takes the trailing bytes
    assert mp4_duration(_mp4(42)) == 42.0 and mp4_duration(b"no header") is None
