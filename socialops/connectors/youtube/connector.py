"""The YouTube connector: the Data API v3 through our one HTTP client (ADR 0011).

Credentials: `access_token` (a Google OAuth user token, one hour, refreshed by the token
job) and optional upload options chosen when the channel is connected:
`privacy_status` (public, unlisted or private; default public), `made_for_kids`
("true"/"false", default false) and `category_id` (default 22, People & Blogs).

Every call is charged to the process's quota ledger first (see `quota`): once the
project's daily quota is known to be spent, calls are refused locally until midnight
Pacific Time instead of being sent to be refused.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from socialops.connectors.base import (
    AccountInfo,
    AccountMetrics,
    Capabilities,
    ChannelAuth,
    InboundItem,
    InboxPage,
    MediaRef,
    PostMetrics,
    PublishRequest,
    PublishResult,
)
from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.quotas import SentJournal
from socialops.connectors.youtube import api, comments
from socialops.connectors.youtube.capabilities import CAPABILITIES, TITLE_LIMIT
from socialops.connectors.youtube.comments import video_url
from socialops.connectors.youtube.quota import QuotaLedger
from socialops.connectors.youtube.upload import CHUNK, ResumableUpload

API = "https://www.googleapis.com"
PRIVACY = ("public", "unlisted", "private")
PAGE_MAX = 50  # playlistItems.list, videos.list, search.list: maxResults up to 50
THREADS_MAX = 100  # commentThreads.list: maxResults up to 100
INBOX_PAGES = 5
RECONCILE_WINDOW = timedelta(hours=24)  # uploads may take a while to be listed
_FORBIDDEN_IN_TEXT = re.compile(r"[<>]")  # videos.insert: invalidTitle/invalidDescription

ledger = QuotaLedger()
_journal = SentJournal()
log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


def title_of(req: PublishRequest) -> str:
    """Return the video title: the request's, else the text's first line (shortened).

    socialops' composer has no title field yet; the first line of the description is
    what YouTube creators usually put there, and the rule is the same when reconciling.
    """
    if req.title is not None:
        title = req.title.strip()
        if not title:
            raise PermanentError("A YouTube video needs a title", code="title_required")
        if len(title) > TITLE_LIMIT or _FORBIDDEN_IN_TEXT.search(title):
            raise PermanentError(f"A YouTube title has at most {TITLE_LIMIT} characters and "
                                 "no < or >", code="invalid_title")
        return title
    line = _FORBIDDEN_IN_TEXT.sub("", req.text.strip().split("\n", 1)[0]).strip()
    if not line:
        raise PermanentError("A YouTube video needs a title", code="title_required")
    if len(line) > TITLE_LIMIT:
        line = line[:TITLE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return line


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


class YouTubeConnector:
    """Act on one YouTube channel."""

    capabilities: Capabilities = CAPABILITIES
    chunk_bytes = CHUNK

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        # Channels whose credentials were typed in before the form named it access_token.
        token = auth.credentials.get("access_token") or auth.credentials.get("token", "")
        if not token:
            raise AuthExpiredError("YouTube credentials need an 'access_token'",
                                   code="missing_token")
        self.auth = auth
        self.http = http
        self.base_url = (base_url or API).rstrip("/")
        if capabilities is not None:
            self.capabilities = capabilities
        self._headers = {"Authorization": f"Bearer {token}"}
        self._scope = (self.base_url, hashlib.sha256(token.encode()).hexdigest()[:16])
        self._channel: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"YouTubeConnector(handle={self.auth.handle!r})"

    # -- plumbing --------------------------------------------------------------

    def _send(self, method: str, quota_method: str, path: str, *,
              headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """Charge the quota, send one request, and map Google's quota answers."""
        ledger.charge(quota_method)
        try:
            return self.http.request(method, f"{self.base_url}{path}",
                                     headers={**self._headers, **(headers or {})}, **kwargs)
        except ConnectorError as exc:
            raise self._explain(exc, quota_method) from exc

    @staticmethod
    def _explain(exc: ConnectorError, quota_method: str) -> ConnectorError:
        response = exc.response
        if not isinstance(response, httpx.Response):
            return exc
        found = api.reasons(response)
        if any(reason in api.QUOTA_REASONS for reason in found):
            return ledger.exhaust(quota_method)
        for reason in found:
            if reason in api.SLOW_DOWN_REASONS:
                return api.slow_down(exc, response, reason)
            if reason == "uploadLimitExceeded":
                return RateLimitedError(exc.message, retry_after=api.UPLOAD_CAP_WAIT,
                                        status=exc.status, code="upload_limit")
        return exc

    def _get(self, quota_method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return api.json_of(self._send("GET", quota_method, path, params=params))

    def _mine(self) -> dict[str, Any]:
        if self._channel is None:
            page = self._get("channels.list", "/youtube/v3/channels", {
                "part": "snippet,contentDetails,statistics", "mine": "true"})
            items = page.get("items") or []
            if not items:
                raise PermanentError("This Google account has no YouTube channel",
                                     code="no_channel")
            self._channel = items[0]
        return self._channel

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Check the token and return the channel it manages (channels.list mine=true)."""
        self._channel = None
        channel = self._mine()
        snippet = channel.get("snippet") or {}
        stats = channel.get("statistics") or {}
        handle = str(snippet.get("customUrl") or channel["id"]).removeprefix("@")
        followers = None if stats.get("hiddenSubscriberCount") else _count(
            stats.get("subscriberCount"))
        return AccountInfo(remote_id=str(channel["id"]), handle=handle,
                           display_name=str(snippet.get("title") or handle), followers=followers)

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return today's subscriber count; daily history needs YouTube Analytics (not used)."""
        today = _now().date()
        if not since <= today <= until:
            return []
        return [AccountMetrics(day=today, followers=self.verify().followers)]

    # -- publishing ------------------------------------------------------------

    def _resource(self, req: PublishRequest) -> dict[str, Any]:
        credentials = self.auth.credentials
        privacy = credentials.get("privacy_status", "public")
        if privacy not in PRIVACY:
            raise PermanentError(f"Unknown YouTube privacy status {privacy!r}", code="privacy")
        if _FORBIDDEN_IN_TEXT.search(req.text):
            raise PermanentError("A YouTube description may not contain < or >",
                                 code="invalid_description")
        description = req.text
        if req.link and req.link not in description:
            # YouTube has no link field; a link in the description is clickable.
            description = f"{description}\n\n{req.link}" if description else req.link
        return {
            "snippet": {"title": title_of(req), "description": description,
                        "categoryId": credentials.get("category_id", "22")},
            "status": {"privacyStatus": privacy,
                       "selfDeclaredMadeForKids": _flag(credentials.get("made_for_kids"))},
        }

    def publish(self, req: PublishRequest) -> PublishResult:
        """Upload the video (resumable), then its thumbnail when an image goes along."""
        videos = [ref for ref in req.media if ref.mime.startswith("video/")]
        images = [ref for ref in req.media if ref.mime.startswith("image/")]
        if len(videos) != 1:
            raise PermanentError("A YouTube publication is exactly one video",
                                 code="media_required")
        resource = self._resource(req)
        data = self._bytes(videos[0])
        session = self._open_session(resource, videos[0].mime, len(data))
        _journal.sending(self._scope, req.idempotency_key, resource["snippet"]["title"], _now())
        video = ResumableUpload(self.http, session, data, videos[0].mime, self._headers,
                                chunk=self.chunk_bytes).run()
        published = (video.get("snippet") or {}).get("publishedAt")
        result = PublishResult(remote_id=str(video["id"]), url=video_url(str(video["id"])),
                               published_at=_time(published) if published else _now())
        _journal.sent(self._scope, req.idempotency_key, result)
        if images:
            self._set_thumbnail(result.remote_id, images[0])
        return result

    def _bytes(self, ref: MediaRef) -> bytes:
        if ref.data is not None:
            return ref.data
        assert ref.url is not None
        return self.http.get(ref.url, follow_redirects=True).content

    def _open_session(self, resource: dict[str, Any], mime: str, size: int) -> str:
        # Opening a session creates nothing on the channel: safe to repeat.
        response = self._send(
            "POST", "videos.insert", "/upload/youtube/v3/videos",
            params={"uploadType": "resumable", "part": "snippet,status"}, json=resource,
            retry_safe=True, headers={"X-Upload-Content-Length": str(size),
                                      "X-Upload-Content-Type": mime,
                                      "Content-Type": "application/json; charset=UTF-8"})
        location = response.headers.get("Location")
        if not location:
            raise PermanentError("YouTube opened no upload session", code="upload")
        return str(location)

    def _set_thumbnail(self, video_id: str, image: MediaRef) -> None:
        """Set the custom thumbnail; the video is up whatever happens here, so only log."""
        try:
            self._send("POST", "thumbnails.set", "/upload/youtube/v3/thumbnails/set",
                       params={"videoId": video_id, "uploadType": "media"},
                       content=self._bytes(image), headers={"Content-Type": image.mime},
                       retry_safe=True)
        except ConnectorError as exc:
            log.warning("video %s is up but its thumbnail was refused: %s", video_id, exc)

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the video sent with this key, by the rule YouTube's missing key imposes.

        The rule: in the channel's uploads playlist (channels.list contentDetails, then
        playlistItems.list, newest first), a video with the title sent, added since the
        key was first sent, or within the last 24 hours when only `request` is known
        (the title then follows `title_of`). Nothing known: None.
        """
        entry = _journal.get(self._scope, idempotency_key)
        if entry is not None and entry.result is not None:
            return entry.result
        if entry is not None:
            return self._match_upload(entry.text, entry.sent_at - SentJournal.CLOCK_SKEW)
        if request is not None:
            return self._match_upload(title_of(request), _now() - RECONCILE_WINDOW)
        return None

    def _match_upload(self, title: str, since: datetime) -> PublishResult | None:
        uploads = ((self._mine().get("contentDetails") or {}).get("relatedPlaylists")
                   or {}).get("uploads")
        if not uploads:
            return None
        page = self._get("playlistItems.list", "/youtube/v3/playlistItems", {
            "part": "snippet", "playlistId": uploads, "maxResults": PAGE_MAX})
        for item in page.get("items") or []:
            snippet = item.get("snippet") or {}
            added = _time(str(snippet.get("publishedAt")))
            if snippet.get("title") == title and added >= since:
                video_id = str((snippet.get("resourceId") or {}).get("videoId"))
                return PublishResult(remote_id=video_id, url=video_url(video_id),
                                     published_at=added)
        return None

    def delete(self, remote_id: str) -> None:
        """Delete a video; one already gone counts as deleted."""
        try:
            self._send("DELETE", "videos.delete", "/youtube/v3/videos", params={"id": remote_id})
        except PermanentError as exc:
            if exc.status != 404:
                raise

    # -- comments --------------------------------------------------------------

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a comment in its thread (comments.insert with parentId)."""
        _journal.sending(self._scope, idempotency_key, text, _now())
        response = self._send("POST", "comments.insert", "/youtube/v3/comments",
                              params={"part": "snippet"}, retry_safe=False,
                              json={"snippet": {"parentId": parent_remote_id,
                                                "textOriginal": text}})
        comment = api.json_of(response)
        snippet = comment.get("snippet") or {}
        published = snippet.get("publishedAt")
        result = PublishResult(
            remote_id=str(comment["id"]),
            url=f"https://www.youtube.com/channel/{self._channel_id()}/community",
            published_at=_time(published) if published else _now())
        if snippet.get("videoId"):
            result = PublishResult(remote_id=result.remote_id,
                                   url=f"{video_url(snippet['videoId'])}&lc={comment['id']}",
                                   published_at=result.published_at)
        _journal.sent(self._scope, idempotency_key, result)
        return result

    def hide(self, remote_id: str, *, hidden: bool = True) -> None:
        """Hold a comment for review (hidden from viewers), or publish it again."""
        self._send("POST", "comments.setModerationStatus", "/youtube/v3/comments/"
                   "setModerationStatus", retry_safe=True, params={
                       "id": remote_id,
                       "moderationStatus": "heldForReview" if hidden else "published"})

    def _channel_id(self) -> str:
        return self.auth.remote_id or str(self._mine()["id"])

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return comments and replies on the channel's videos after `cursor`, oldest first.

        The cursor is the newest publication time seen and the ids seen at that time.
        Replies come from each thread's `replies` (YouTube includes the latest ones).
        """
        after, seen = comments.split_cursor(cursor)
        me = self._channel_id()
        params: dict[str, Any] = {"part": "snippet,replies", "allThreadsRelatedToChannelId": me,
                                  "order": "time", "textFormat": "plainText",
                                  "maxResults": min(THREADS_MAX, max(1, limit))}
        items: list[InboundItem] = []
        for _number in range(INBOX_PAGES if after else 1):
            page = self._get("commentThreads.list", "/youtube/v3/commentThreads", params)
            threads = page.get("items") or []
            for thread in threads:
                items.extend(comments.thread_items(thread))
            oldest = comments.thread_time(threads[-1]) if threads else None
            if not page.get("nextPageToken") or after is None or (
                    oldest is not None and oldest <= after):
                break
            params["pageToken"] = page["nextPageToken"]
        fresh = sorted((i for i in items if comments.is_new(i, after, seen)
                        and i.raw.get("author_channel") != me), key=lambda i: i.created_at)
        return InboxPage(items=fresh, cursor=comments.join_cursor(items, after, seen))

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Return public videos matching `query`, newest first (search.list, own bucket)."""
        params: dict[str, Any] = {"part": "snippet", "q": query, "type": "video",
                                  "order": "date", "maxResults": min(PAGE_MAX, max(1, limit))}
        if cursor:
            params["pageToken"] = cursor
        page = self._get("search.list", "/youtube/v3/search", params)
        items = []
        for hit in page.get("items") or []:
            video_id = str((hit.get("id") or {}).get("videoId"))
            snippet = hit.get("snippet") or {}
            items.append(InboundItem(
                remote_id=video_id, kind="mention",
                author_handle=str(snippet.get("channelId") or ""),
                author_name=str(snippet.get("channelTitle") or ""),
                text=f"{snippet.get('title', '')}\n{snippet.get('description', '')}".strip(),
                created_at=_time(str(snippet.get("publishedAt"))), thread_key=video_id,
                post_remote_id=video_id, raw={"url": video_url(video_id)}))
        return InboxPage(items=items, cursor=page.get("nextPageToken"))

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return each video's public counters (videos.list part=statistics)."""
        metrics: list[PostMetrics] = []
        for start in range(0, len(remote_ids), PAGE_MAX):
            page = self._get("videos.list", "/youtube/v3/videos", {
                "part": "statistics", "id": ",".join(remote_ids[start:start + PAGE_MAX])})
            for video in page.get("items") or []:
                stats = video.get("statistics") or {}
                metrics.append(PostMetrics(
                    remote_id=str(video["id"]), reactions=_count(stats.get("likeCount")),
                    comments=_count(stats.get("commentCount")),
                    video_views=_count(stats.get("viewCount"))))
        return metrics
