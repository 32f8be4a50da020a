"""The TikTok connector: Content Posting API (Direct Post) and Display API v2.

Credentials: `access_token` (user token, 24 hours, refreshed by the token job) and
optional posting options chosen when the channel is connected:
- `privacy_level`: PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR or
  SELF_ONLY (the default: TikTok restricts apps it has not audited to private posts);
- `disable_comment`, `disable_duet`, `disable_stitch`: "true" to switch those off.

Publishing asks creator_info first (the privacy levels and the longest video the
creator may post, what the creator has disabled) and refuses what TikTok would refuse.
TikTok takes no idempotency key; see `find_published` for the reconciliation rule.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from socialops.connectors.base import (
    AccountInfo,
    AccountMetrics,
    Capabilities,
    ChannelAuth,
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
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.quotas import SentJournal
from socialops.connectors.tiktok import api
from socialops.connectors.tiktok.capabilities import (
    CAPABILITIES,
    PHOTO_FORMATS,
    PHOTO_TITLE_LIMIT,
    VIDEO_FORMATS,
)
from socialops.connectors.tiktok.upload import mp4_duration, plan_chunks

PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR",
                  "SELF_ONLY")
DEFAULT_PRIVACY = "SELF_ONLY"
USER_FIELDS = "open_id,union_id,avatar_url,display_name,username,follower_count"
VIDEO_FIELDS = "id,title,video_description,create_time,share_url"
METRIC_FIELDS = "id,like_count,comment_count,share_count,view_count"
QUERY_MAX = 20  # /v2/video/query/: at most 20 video ids per request
LIST_MAX = 20  # /v2/video/list/: max_count up to 20
RECONCILE_WINDOW = timedelta(hours=1)  # how far back a post may be ours when only the text is known
STATUS_POLLS = 24  # with 5 s between them: 2 minutes, well inside the publish lease
DONE = "PUBLISH_COMPLETE"
FAILED = "FAILED"

_journal = SentJournal()
# publish_id of each publication this process started, by (scope, idempotency key),
# bounded like the journal.
_publish_ids: OrderedDict[tuple[Any, str], str] = OrderedDict()


_publish_ids_lock = threading.Lock()


def _remember(key: tuple[Any, str], publish_id: str) -> None:
    with _publish_ids_lock:
        _publish_ids[key] = publish_id
        _publish_ids.move_to_end(key)
        while len(_publish_ids) > SentJournal.SIZE:
            _publish_ids.popitem(last=False)


def _now() -> datetime:
    return datetime.now(UTC)


def _flag(credentials: dict[str, str], key: str) -> bool:
    return credentials.get(key, "").strip().lower() in ("1", "true", "yes")


def video_url(username: str, video_id: str) -> str:
    """Return the public address of a video."""
    return f"https://www.tiktok.com/@{username}/video/{video_id}"


class TikTokConnector:
    """Act on one TikTok account."""

    capabilities: Capabilities = CAPABILITIES
    status_poll_interval = 5.0  # seconds between status checks while TikTok processes
    chunk_bytes: int | None = None  # override the transfer plan's chunk size (tests)
    whole_up_to: int | None = None

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        # Channels whose credentials were typed in before the form named it access_token.
        token = auth.credentials.get("access_token") or auth.credentials.get("token", "")
        if not token:
            raise AuthExpiredError("TikTok credentials need an 'access_token'",
                                   code="missing_token")
        self.auth = auth
        self.http = http
        self.base_url = (base_url or api.API).rstrip("/")
        if capabilities is not None:
            self.capabilities = capabilities
        self._headers = {"Authorization": f"Bearer {token}"}
        self._scope = (self.base_url, hashlib.sha256(token.encode()).hexdigest()[:16])
        self._user: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"TikTokConnector(handle={self.auth.handle!r})"

    # -- plumbing --------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              json: Any = None, retry_safe: bool | None = None) -> dict[str, Any]:
        """Send one API request and return its `data`, mapping TikTok's error codes."""
        headers = dict(self._headers)
        if json is not None:
            headers["Content-Type"] = "application/json; charset=UTF-8"
        try:
            response = self.http.request(method, f"{self.base_url}{path}", params=params,
                                         json=json, headers=headers, retry_safe=retry_safe)
        except ConnectorError as exc:
            raise api.remap(exc) from exc
        return api.check(response)

    def _me(self) -> dict[str, Any]:
        if self._user is None:
            data = self._call("GET", "/v2/user/info/", params={"fields": USER_FIELDS})
            self._user = data.get("user") or {}
        return self._user

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Check the token and return the account it belongs to (user.info.* scopes)."""
        self._user = None
        user = self._me()
        handle = str(user.get("username") or user.get("display_name") or user["open_id"])
        return AccountInfo(remote_id=str(user["open_id"]), handle=handle,
                           display_name=str(user.get("display_name") or handle),
                           followers=user.get("follower_count"))

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return today's follower count when today is asked for; TikTok keeps no history."""
        today = _now().date()
        if not since <= today <= until:
            return []
        return [AccountMetrics(day=today, followers=self.verify().followers)]

    # -- publishing ------------------------------------------------------------

    def creator_info(self) -> dict[str, Any]:
        """Return what the creator may post now (privacy levels, longest video, switches)."""
        return self._call("POST", "/v2/post/publish/creator_info/query/", json={},
                          retry_safe=True)

    def post_info(self, req: PublishRequest, creator: dict[str, Any]) -> dict[str, Any]:
        """Return `post_info` for this request, refusing what the creator may not post."""
        credentials = self.auth.credentials
        privacy = credentials.get("privacy_level", DEFAULT_PRIVACY)
        allowed = [str(level) for level in creator.get("privacy_level_options") or []]
        if privacy not in PRIVACY_LEVELS or privacy not in allowed:
            raise PermanentError(
                f"TikTok lets this account post as {', '.join(allowed) or 'nothing'}; "
                f"the channel asks for {privacy}", code="privacy_level")
        info: dict[str, Any] = {"title": req.text, "privacy_level": privacy,
                                "disable_comment": bool(creator.get("comment_disabled"))
                                or _flag(credentials, "disable_comment")}
        return info

    def publish(self, req: PublishRequest) -> PublishResult:
        """Post a video (file upload or pulled from its URL) or photos, then wait for TikTok."""
        if not req.media:
            raise PermanentError("A TikTok post needs a video or photos", code="media_required")
        mimes = {ref.mime.lower() for ref in req.media}
        creator = self.creator_info()
        info = self.post_info(req, creator)
        _journal.sending(self._scope, req.idempotency_key, req.text, _now())
        if mimes <= set(VIDEO_FORMATS) and len(req.media) == 1:
            publish_id = self._start_video(req.media[0], info, creator)
        elif mimes <= set(PHOTO_FORMATS):
            publish_id = self._start_photos(req, info)
        else:
            raise PermanentError("A TikTok post is one video or up to 35 JPEG/WEBP photos",
                                 code="media_mix")
        _remember((self._scope, req.idempotency_key), publish_id)
        result = self._wait_for(publish_id)
        _journal.sent(self._scope, req.idempotency_key, result)
        return result

    def _start_video(self, ref: MediaRef, info: dict[str, Any],
                     creator: dict[str, Any]) -> str:
        credentials = self.auth.credentials
        info = {**info,
                "disable_duet": bool(creator.get("duet_disabled"))
                or _flag(credentials, "disable_duet"),
                "disable_stitch": bool(creator.get("stitch_disabled"))
                or _flag(credentials, "disable_stitch")}
        if ref.url is not None:
            # TikTok fetches the file itself: the URL's domain must be verified for the app.
            return self._init_video(info, {"source": "PULL_FROM_URL", "video_url": ref.url},
                                    may_post=True)[0]
        assert ref.data is not None
        self._check_duration(ref.data, creator)
        plan = plan_chunks(len(ref.data), *self._chunking())
        publish_id, upload_url = self._init_video(info, {
            "source": "FILE_UPLOAD", "video_size": len(ref.data),
            "chunk_size": plan.chunk_size, "total_chunk_count": len(plan.ranges)},
            may_post=False)
        for start, end in plan.ranges:
            self._put_chunk(upload_url, ref, start, end)
        return publish_id

    def _chunking(self) -> tuple[int, ...]:
        if self.chunk_bytes is None or self.whole_up_to is None:
            return ()
        return (self.chunk_bytes, self.whole_up_to)

    @staticmethod
    def _check_duration(data: bytes, creator: dict[str, Any]) -> None:
        limit = creator.get("max_video_post_duration_sec")
        duration = mp4_duration(data)
        if limit and duration is not None and duration > float(limit):
            raise PermanentError(
                f"The video lasts {duration:.0f} s; this TikTok account may post up to "
                f"{limit} s", code="duration")

    def _init_video(self, info: dict[str, Any], source: dict[str, Any],
                    *, may_post: bool) -> tuple[str, str]:
        body = {"post_info": info, "source_info": source}
        try:
            data = self._call("POST", "/v2/post/publish/video/init/", json=body,
                              retry_safe=False)
        except UnknownOutcomeError as exc:
            if may_post:
                raise
            # A file upload publishes nothing until TikTok has our bytes: a lost answer
            # here leaves at most an unused upload slot, so sending again is safe.
            raise RetryableError(f"TikTok did not answer the upload start: {exc.message}",
                                 code="no_answer") from exc
        return str(data["publish_id"]), str(data.get("upload_url") or "")

    def _put_chunk(self, upload_url: str, ref: MediaRef, start: int, end: int) -> None:
        assert ref.data is not None
        total = len(ref.data)
        try:
            # PUT of a byte range is idempotent: the client may repeat it on a 5xx.
            self.http.request("PUT", upload_url, content=ref.data[start:end], headers={
                "Content-Type": ref.mime, "Content-Range": f"bytes {start}-{end - 1}/{total}"})
        except ConnectorError as exc:
            raise api.remap(exc) from exc

    def _start_photos(self, req: PublishRequest, info: dict[str, Any]) -> str:
        urls = [ref.url for ref in req.media]
        if any(url is None for url in urls):
            raise PermanentError("TikTok photo posts are pulled from a verified URL; "
                                 "these photos have no URL", code="photo_source")
        title = req.text.partition("\n")[0][:PHOTO_TITLE_LIMIT]
        body = {
            "post_info": {**info, "title": title,
                          "description": req.text},
            "source_info": {"source": "PULL_FROM_URL", "photo_cover_index": 0,
                            "photo_images": urls},
            "post_mode": "DIRECT_POST", "media_type": "PHOTO",
        }
        data = self._call("POST", "/v2/post/publish/content/init/", json=body, retry_safe=False)
        return str(data["publish_id"])

    def fetch_status(self, publish_id: str) -> dict[str, Any]:
        """Return TikTok's status of a publication (status, fail_reason, post ids)."""
        return self._call("POST", "/v2/post/publish/status/fetch/",
                          json={"publish_id": publish_id}, retry_safe=True)

    def _wait_for(self, publish_id: str) -> PublishResult:
        """Poll the status until TikTok publishes or fails; still processing is unknown."""
        for attempt in range(STATUS_POLLS):
            result = self._outcome(publish_id, self.fetch_status(publish_id))
            if result is not None:
                return result
            if attempt + 1 < STATUS_POLLS:
                time.sleep(self.status_poll_interval)
        raise UnknownOutcomeError(f"TikTok is still processing {publish_id}; "
                                  "reconcile before sending again", code="processing")

    def _outcome(self, publish_id: str, status: dict[str, Any]) -> PublishResult | None:
        state = str(status.get("status") or "")
        if state == FAILED:
            raise PermanentError(f"TikTok could not publish: {status.get('fail_reason')}",
                                 code=str(status.get("fail_reason") or "failed")[:40])
        if state != DONE:
            return None  # PROCESSING_UPLOAD, PROCESSING_DOWNLOAD: TikTok is still at it
        # The field is spelt this way in TikTok's API. A private (SELF_ONLY) post gets
        # no public id: the publish_id then names it.
        ids = status.get("publicaly_available_post_id") or []
        username = str(self._me().get("username") or self.auth.handle)
        if ids:
            post_id = str(ids[0])
            return PublishResult(remote_id=post_id, url=video_url(username, post_id),
                                 published_at=_now())
        return PublishResult(remote_id=publish_id, url=f"https://www.tiktok.com/@{username}",
                             published_at=_now())

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the post sent with this key, by the rule TikTok's missing key imposes.

        The rule: when this process knows the publish_id TikTok gave, ask its status
        (published: that post; failed: None; still processing: RetryableError, ask later).
        Otherwise the account's public videos (/v2/video/list/) created since the key was
        first sent, or within the last hour when only `request` is known, whose caption
        is the text sent. A private post cannot be listed: for those only the publish_id
        answers (a file upload whose start was lost never published anything).
        """
        entry = _journal.get(self._scope, idempotency_key)
        if entry is not None and entry.result is not None:
            return entry.result
        publish_id = _publish_ids.get((self._scope, idempotency_key))
        if publish_id is not None:
            status = self.fetch_status(publish_id)
            if status.get("status") == FAILED:
                return None
            result = self._outcome(publish_id, status)
            if result is None:
                raise RetryableError(f"TikTok is still processing {publish_id}",
                                     code="processing")
            _journal.sent(self._scope, idempotency_key, result)
            return result
        if entry is not None:
            return self._match_recent(entry.text, entry.sent_at - SentJournal.CLOCK_SKEW)
        if request is not None:
            return self._match_recent(request.text, _now() - RECONCILE_WINDOW)
        return None

    def _match_recent(self, text: str, since: datetime) -> PublishResult | None:
        data = self._call("POST", "/v2/video/list/", params={"fields": VIDEO_FIELDS},
                          json={"max_count": LIST_MAX}, retry_safe=True)
        wanted = text.strip()
        for video in data.get("videos") or []:
            created = datetime.fromtimestamp(int(video.get("create_time") or 0), UTC)
            caption = str(video.get("video_description") or video.get("title") or "").strip()
            if created >= since and caption == wanted:
                return PublishResult(remote_id=str(video["id"]),
                                     url=str(video.get("share_url") or ""), published_at=created)
        return None

    def delete(self, remote_id: str) -> None:
        """Refuse: TikTok's public API cannot delete a post."""
        raise PermanentError("TikTok's API cannot delete posts; delete it in the app",
                             code="unsupported")

    # -- inbox and listening ---------------------------------------------------

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Refuse: TikTok's public APIs do not write comments."""
        raise PermanentError("TikTok's public API cannot answer comments", code="unsupported")

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Refuse: TikTok's public APIs do not read comments or messages."""
        raise PermanentError("TikTok's public API cannot read comments", code="unsupported")

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Refuse: TikTok's Research API is for academic research only."""
        raise PermanentError("TikTok offers no general-access search", code="unsupported")

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return each video's counters (video.list scope); private posts have none."""
        ids = [rid for rid in remote_ids if rid.isdigit()]  # a publish_id is no video id
        metrics: list[PostMetrics] = []
        for start in range(0, len(ids), QUERY_MAX):
            data = self._call("POST", "/v2/video/query/", params={"fields": METRIC_FIELDS},
                              json={"filters": {"video_ids": ids[start:start + QUERY_MAX]}},
                              retry_safe=True)
            metrics.extend(PostMetrics(remote_id=str(v["id"]), reactions=v.get("like_count"),
                                       comments=v.get("comment_count"),
                                       shares=v.get("share_count"),
                                       video_views=v.get("view_count"))
                           for v in data.get("videos") or [])
        return metrics
