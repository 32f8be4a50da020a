"""Contract tests: the exact requests sent to LinkedIn's versioned REST API, answers replayed.

Answers follow the Marketing API documentation (learn.microsoft.com/linkedin): Posts,
Images, Videos, Comments (socialActions), share and follower statistics.
"""

from __future__ import annotations

import json
import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import respx

from socialops.connectors.base import ChannelAuth, Connector, MediaRef, PublishRequest
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.linkedin import connector as li_module
from socialops.connectors.linkedin.connector import API_VERSION, LinkedInConnector
from socialops.connectors.linkedin.little_text import escape, unescape
from socialops.connectors.registry import build_connector

ORG = "urn:li:organization:2414183"
ORG_PATH = "urn%3Ali%3Aorganization%3A2414183"
SHARE = "urn:li:share:6844785523593134080"
UPLOADS = "https://www.linkedin.com/dms-uploads"


def _dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("13.107.42.14", port))]


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url="https://api.linkedin.com", assert_all_called=False) as router:
        yield router


@pytest.fixture
def connector() -> Iterator[LinkedInConnector]:
    auth = ChannelAuth(ORG, "maison-arlette", {"access_token": f"AQV-{clock.monotonic_ns()}",
                                               "organization": "2414183"})
    with HttpClient(resolver=_dns, backoff_base=0.0, sleep=lambda _s: None) as http:
        yield LinkedInConnector(auth, http)


def _sent(route: respx.Route) -> httpx.Request:
    return route.calls.last.request


def _body(route: respx.Route) -> Any:
    return json.loads(_sent(route).content)


def test_little_text_escapes_reserved_characters_but_not_links_or_hashtags() -> None:
    text = "Soldes (-30 %) chez @arlette_paris #mode https://arlette.example/a_b(1)"
    escaped = escape(text)
    assert escaped == ("Soldes \\(-30 %\\) chez \\@arlette\\_paris #mode "
                       "https://arlette.example/a_b(1)")
    assert unescape(escaped) == text


def test_every_call_names_the_api_version(api: respx.MockRouter,
                                          connector: LinkedInConnector) -> None:
    page = api.get("/rest/organizations/2414183").respond(200, json={
        "id": 2414183, "localizedName": "Maison Arlette", "vanityName": "maison-arlette"})
    sizes = api.get(f"/rest/networkSizes/{ORG_PATH}").respond(200, json={"firstDegreeSize": 8021})
    info = connector.verify()
    request = _sent(page)
    assert request.headers["LinkedIn-Version"] == API_VERSION
    assert request.headers["X-Restli-Protocol-Version"] == "2.0.0"
    assert request.headers["Authorization"].startswith("Bearer AQV-")
    assert dict(_sent(sizes).url.params) == {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}
    assert (info.remote_id, info.handle, info.display_name, info.followers) == (
        ORG, "maison-arlette", "Maison Arlette", 8021)
    with HttpClient() as http:
        built = build_connector("linkedin", ChannelAuth(ORG, "a", {"access_token": "s"}), http)
        assert isinstance(built, LinkedInConnector) and isinstance(built, Connector)


def test_publish_text_with_an_article_link(api: respx.MockRouter,
                                           connector: LinkedInConnector) -> None:
    route = api.post("/rest/posts").respond(201, headers={"x-restli-id": SHARE})
    result = connector.publish(PublishRequest(
        text="Nouvelle collection (automne) #mode", placement="feed", idempotency_key="so-1",
        link="https://arlette.example/automne", title="La collection d'automne"))
    assert _body(route) == {
        "author": ORG, "commentary": "Nouvelle collection \\(automne\\) #mode",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                         "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        "content": {"article": {"source": "https://arlette.example/automne",
                                "title": "La collection d'automne"}}}
    assert "Idempotency-Key" not in _sent(route).headers
    assert result.remote_id == SHARE
    assert result.url == f"https://www.linkedin.com/feed/update/{SHARE}/"


def test_two_images_are_uploaded_then_posted_as_multi_image(
        api: respx.MockRouter, connector: LinkedInConnector) -> None:
    init = api.post("/rest/images", params={"action": "initializeUpload"}).mock(side_effect=[
        httpx.Response(200, json={"value": {"uploadUrlExpiresAt": 1650567510704,
                                            "uploadUrl": f"{UPLOADS}/img1",
                                            "image": "urn:li:image:C4E10AQ1"}}),
        httpx.Response(200, json={"value": {"uploadUrlExpiresAt": 1650567510704,
                                            "uploadUrl": f"{UPLOADS}/img2",
                                            "image": "urn:li:image:C4E10AQ2"}}),
    ])
    first = api.put(url=f"{UPLOADS}/img1").respond(201)
    api.put(url=f"{UPLOADS}/img2").respond(201)
    post = api.post("/rest/posts").respond(201, headers={"x-restli-id": SHARE})
    connector.publish(PublishRequest(text="Vitrines", placement="feed", idempotency_key="so-2",
                                     media=[MediaRef("image/png", data=b"one", alt_text="Rue"),
                                            MediaRef("image/png", data=b"two", alt_text="Cour")]))
    assert json.loads(init.calls[0].request.content) == {
        "initializeUploadRequest": {"owner": ORG}}
    assert first.calls.last.request.content == b"one"
    assert first.calls.last.request.headers["Authorization"].startswith("Bearer ")
    assert _body(post)["content"] == {"multiImage": {"images": [
        {"id": "urn:li:image:C4E10AQ1", "altText": "Rue"},
        {"id": "urn:li:image:C4E10AQ2", "altText": "Cour"}]}}


def test_a_video_is_uploaded_in_parts_and_finalized(api: respx.MockRouter,
                                                    connector: LinkedInConnector) -> None:
    video = b"0123456789"
    api.post("/rest/videos", params={"action": "initializeUpload"}).respond(200, json={"value": {
        "uploadUrlsExpireAt": 1650567510704, "video": "urn:li:video:C5F10AQ",
        "uploadInstructions": [
            {"uploadUrl": f"{UPLOADS}/v1", "lastByte": 5, "firstByte": 0},
            {"uploadUrl": f"{UPLOADS}/v2", "lastByte": 9, "firstByte": 6}],
        "uploadToken": ""}})
    part1 = api.put(url=f"{UPLOADS}/v1").respond(200, headers={"etag": "/AQH-1"})
    api.put(url=f"{UPLOADS}/v2").respond(200, headers={"etag": "/AQH-2"})
    final = api.post("/rest/videos", params={"action": "finalizeUpload"}).respond(200)
    post = api.post("/rest/posts").respond(201, headers={"x-restli-id": SHARE})
    connector.publish(PublishRequest(text="Défilé", placement="feed", idempotency_key="so-3",
                                     title="Défilé 2027",
                                     media=[MediaRef("video/mp4", data=video)]))
    assert part1.calls.last.request.content == b"012345"
    assert _body(final) == {"finalizeUploadRequest": {
        "video": "urn:li:video:C5F10AQ", "uploadToken": "",
        "uploadedPartIds": ["/AQH-1", "/AQH-2"]}}
    assert _body(post)["content"] == {"media": {"id": "urn:li:video:C5F10AQ",
                                                "title": "Défilé 2027"}}


def test_a_comment_is_answered_in_its_thread(api: respx.MockRouter,
                                             connector: LinkedInConnector) -> None:
    comment = "urn:li:comment:(urn:li:activity:6844785523593134080,6845020115473489920)"
    encoded = quote(comment, safe="")
    route = api.post(f"/rest/socialActions/{encoded}/comments").respond(201, json={
        "actor": ORG, "commentUrn": "urn:li:comment:(urn:li:activity:6844785523593134080,7)",
        "created": {"actor": ORG, "time": 1763800000000}, "id": "7",
        "message": {"text": "Merci \\!"}, "object": "urn:li:activity:6844785523593134080"})
    result = connector.reply(comment, "Merci (vraiment) !", "inbox-reply-1")
    assert _body(route) == {
        "actor": ORG, "message": {"text": "Merci \\(vraiment\\) !"},
        "object": "urn:li:activity:6844785523593134080", "parentComment": comment}
    assert result.remote_id == "urn:li:comment:(urn:li:activity:6844785523593134080,7)"
    assert result.published_at == datetime.fromtimestamp(1763800000, UTC)


def test_delete_a_post_twice(api: respx.MockRouter, connector: LinkedInConnector) -> None:
    route = api.delete(f"/rest/posts/{SHARE.replace(':', '%3A')}").mock(side_effect=[
        httpx.Response(204), httpx.Response(404, json={"status": 404, "message": "Not found"})])
    connector.delete(SHARE)
    connector.delete(SHARE)
    assert route.call_count == 2


def _comment(comment_id: str, actor: str, text: str, at_ms: int,
             parent: str | None = None) -> dict[str, Any]:
    found = {"actor": actor, "id": comment_id,
             "commentUrn": f"urn:li:comment:(urn:li:activity:1,{comment_id})",
             "created": {"actor": actor, "time": at_ms}, "message": {"text": text},
             "object": "urn:li:activity:1"}
    if parent:
        found["parentComment"] = parent
    return found


def test_inbox_reads_new_comments_of_recent_posts(api: respx.MockRouter,
                                                  connector: LinkedInConnector) -> None:
    posts = api.get("/rest/posts").respond(200, json={"elements": [
        {"id": SHARE, "author": ORG, "commentary": "Soldes", "createdAt": 1763700000000}],
        "paging": {"start": 0, "count": 10}})
    comments = api.get(f"/rest/socialActions/{SHARE.replace(':', '%3A')}/comments").respond(
        200, json={"elements": [
            _comment("3", ORG, "Merci à vous", 1763800300000),
            _comment("2", "urn:li:person:Xy", "Et en \\(bleu\\) ?", 1763800200000,
                     parent="urn:li:comment:(urn:li:activity:1,1)"),
            _comment("1", "urn:li:person:Ab", "Superbe", 1763800100000),
            _comment("0", "urn:li:person:Ab", "déjà vu", 1763700000000)]})
    page = connector.fetch_inbox("1763750000000", 100)
    assert dict(_sent(posts).url.params) == {"q": "author", "author": ORG, "count": "10",
                                             "sortBy": "LAST_MODIFIED"}
    assert dict(_sent(comments).url.params) == {"count": "100"}
    assert [(i.kind, i.text) for i in page.items] == [("comment", "Superbe"),
                                                      ("reply", "Et en (bleu) ?")]
    assert page.items[0].parent_remote_id == page.items[0].post_remote_id == SHARE
    assert page.cursor == "1763800300000"


def test_post_and_page_statistics(api: respx.MockRouter, connector: LinkedInConnector) -> None:
    stats = api.get("/rest/organizationalEntityShareStatistics").respond(200, json={"elements": [
        {"organizationalEntity": ORG, "share": SHARE, "totalShareStatistics": {
            "uniqueImpressionsCount": 310, "shareCount": 4, "engagement": 0.05,
            "clickCount": 22, "likeCount": 17, "impressionCount": 640, "commentCount": 3}}]})
    [metrics] = connector.fetch_post_metrics([SHARE])
    assert str(_sent(stats).url) == (
        "https://api.linkedin.com/rest/organizationalEntityShareStatistics?q=organizationalEntity"
        f"&organizationalEntity={ORG_PATH}&shares=List(urn%3Ali%3Ashare%3A6844785523593134080)")
    assert (metrics.remote_id, metrics.impressions, metrics.reach, metrics.reactions,
            metrics.comments, metrics.shares, metrics.clicks, metrics.saves) == (
        SHARE, 640, 310, 17, 3, 4, 22, None)


def test_daily_page_metrics(api: respx.MockRouter, connector: LinkedInConnector) -> None:
    day = datetime.now(UTC).date() - timedelta(days=1)
    start = int(datetime.combine(day, time(), UTC).timestamp() * 1000)
    span = {"start": start, "end": start + 86_400_000}
    shares = api.get("/rest/organizationalEntityShareStatistics").respond(200, json={
        "elements": [{"timeRange": span, "organizationalEntity": ORG, "totalShareStatistics": {
            "uniqueImpressionsCount": 90, "shareCount": 1, "clickCount": 5, "likeCount": 7,
            "impressionCount": 150, "commentCount": 2}}]})
    api.get("/rest/organizationalEntityFollowerStatistics").respond(200, json={"elements": [
        {"timeRange": span, "organizationalEntity": ORG,
         "followerGains": {"organicFollowerGain": 6, "paidFollowerGain": 1}}]})
    api.get(f"/rest/networkSizes/{ORG_PATH}").respond(200, json={"firstDegreeSize": 8021})
    yesterday, today = connector.fetch_account_metrics(day, day + timedelta(days=5))
    assert str(_sent(shares).url).endswith(
        f"&timeIntervals=(timeRange:(start:{start},end:{start + 2 * 86_400_000}),"
        "timeGranularityType:DAY)")
    assert (yesterday.day, yesterday.impressions, yesterday.reach, yesterday.link_clicks,
            yesterday.engagements, yesterday.follower_change, yesterday.followers) == (
        day, 150, 90, 5, 10, 7, None)
    assert (today.day, today.followers) == (datetime.now(UTC).date(), 8021)


def test_errors_quotas_and_lost_answers(api: respx.MockRouter,
                                        connector: LinkedInConnector) -> None:
    post = api.post("/rest/posts")
    post.respond(401, json={"status": 401, "serviceErrorCode": 65600,
                            "code": "REVOKED_ACCESS_TOKEN",
                            "message": "The token used in the request has been revoked"})
    request = PublishRequest(text="a", placement="feed", idempotency_key="k")
    with pytest.raises(AuthExpiredError, match="revoked"):
        connector.publish(request)
    post.respond(422, json={"status": 422, "message": "/commentary :: length 3001 > 3000"})
    with pytest.raises(PermanentError):
        connector.publish(request)
    post.respond(429, json={"status": 429, "message": "Resource level throttle limit"})
    with pytest.raises(RateLimitedError) as throttled:
        connector.publish(request)
    midnight = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(), UTC)
    assert abs(throttled.value.retry_after - (midnight - datetime.now(UTC)).total_seconds()) < 5
    post.respond(500, json={"status": 500, "message": "Internal Server Error"})
    with pytest.raises(RetryableError):
        connector.publish(request)
    calls = post.call_count
    post.mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(UnknownOutcomeError):
        connector.publish(request)
    assert post.call_count == calls + 1
    with pytest.raises(PermanentError, match="no post search"):
        connector.search("arlette", None, 10)


def test_reconciliation_matches_the_commentary_since_it_was_sent(
        api: respx.MockRouter, connector: LinkedInConnector,
        monkeypatch: pytest.MonkeyPatch) -> None:
    api.post("/rest/posts").mock(side_effect=httpx.ReadTimeout("timed out"))
    request = PublishRequest(text="Ouverture (dimanche)", placement="feed",
                             idempotency_key="so-9")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(request)
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    api.get("/rest/posts").respond(200, json={"elements": [
        {"id": SHARE, "commentary": "Ouverture \\(dimanche\\)", "createdAt": now_ms},
        {"id": "urn:li:share:1", "commentary": "Ouverture \\(dimanche\\)",
         "createdAt": now_ms - 86_400_000}]})
    found = connector.find_published("so-9")
    assert found is not None and found.remote_id == SHARE
    monkeypatch.setattr(li_module, "_journal", li_module.SentJournal())
    assert connector.find_published("so-9") is None
    assert connector.find_published("so-9", request=request) == found
