"""The X connector: the documented API v2 through our one HTTP client.

Credentials: `access_token`, an OAuth 2.0 user token (authorization code with PKCE)
with the scopes tweet.read, tweet.write, users.read, media.write and offline.access.
X takes no idempotency key: a create whose answer is lost is an unknown outcome,
reconciled by the rule in `find_published` before anything is sent again.
"""

from __future__ import annotations

import hashlib
import html
import re
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

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
from socialops.connectors.errors import AuthExpiredError, PermanentError, RetryableError
from socialops.connectors.http import HttpClient
from socialops.connectors.quotas import (
    QuotaHeaders,
    RateBudget,
    SentJournal,
    parse_epoch_reset,
)
from socialops.connectors.x import direct_messages as dm
from socialops.connectors.x.capabilities import CAPABILITIES

API = "https://api.x.com"
PAGE_MAX = 100
INBOX_PAGES = 10  # pages of 100 mentions read back to the cursor, at most
RECONCILE_WINDOW = timedelta(hours=1)  # how far back a post may be ours when only the text is known
VIDEO_CHUNK = 4 * 1024 * 1024
MEDIA_POLL_ATTEMPTS = 60
TWEET_FIELDS = "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,lang,author_id"
_MEDIA_LINK = re.compile(r"https://(?:x|twitter)\.com/\S+/status/\d+/(?:photo|video)/\d+")
_SPACES = re.compile(r"\s+")

# Every answer reports the endpoint's 15-minute window; creates also report the
# account's 24-hour allowance, which is lower on the cheaper access tiers.
_budget = RateBudget([
    QuotaHeaders("15-minute", "x-rate-limit-remaining", "x-rate-limit-reset"),
    QuotaHeaders("24-hour", "x-user-limit-24hour-remaining", "x-user-limit-24hour-reset"),
], parse_epoch_reset)
_journal = SentJournal()


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise RetryableError(f"X answered with non-JSON: {exc}", code="bad_payload") from exc
    if not isinstance(data, dict):
        raise RetryableError("X answered with an unexpected JSON shape", code="bad_payload")
    return data


def compose_text(req: PublishRequest) -> str:
    """Return the post text: X has no link field, so the link is appended."""
    if req.link and req.link not in req.text:
        return f"{req.text}\n\n{req.link}" if req.text else req.link
    return req.text


def plain_text(tweet: dict[str, Any]) -> str:
    """Return a post's text as typed: t.co links expanded, X's HTML escapes undone."""
    text = str(tweet.get("text") or "")
    for link in (tweet.get("entities") or {}).get("urls") or []:
        if link.get("url") and link.get("expanded_url"):
            text = text.replace(link["url"], link["expanded_url"])
    return html.unescape(text)


def comparable(text: str) -> str:
    """Reduce a text to what identifies it: no attached-media links, collapsed spaces."""
    return _SPACES.sub(" ", _MEDIA_LINK.sub("", text)).strip()


def post_url(tweet_id: str) -> str:
    """Return the public address of a post (X redirects it to the author's path)."""
    return f"https://x.com/i/web/status/{tweet_id}"


class XConnector:
    """Act on one X account."""

    capabilities: Capabilities = CAPABILITIES
    media_poll_interval = 1.0  # seconds between checks of a video X is processing

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        token = auth.credentials.get("access_token", "")
        if not token:
            raise AuthExpiredError("X credentials need an 'access_token'", code="missing_token")
        self.auth = auth
        self.http = http
        self.base_url = (base_url or API).rstrip("/")
        if capabilities is not None:
            self.capabilities = capabilities
        self._headers = {"Authorization": f"Bearer {token}"}
        # Quotas and the journal belong to the account, not to one token string.
        self._scope = (self.base_url, hashlib.sha256(token.encode()).hexdigest()[:16])
        self._me: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"XConnector(handle={self.auth.handle!r})"

    # -- plumbing --------------------------------------------------------------

    def _send(self, method: str, path: str, *, bucket: str,
              headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """Send one request, refusing it early when its quota is known to be spent."""
        _budget.check(self._scope, bucket)
        try:
            response = self.http.request(method, f"{self.base_url}{path}",
                                         headers={**self._headers, **(headers or {})}, **kwargs)
        except RetryableError as exc:
            raise _budget.explain(self._scope, bucket, exc) from exc
        _budget.note(self._scope, bucket, response.headers)
        return response

    def _get(self, path: str, bucket: str, params: dict[str, Any]) -> dict[str, Any]:
        return _json(self._send("GET", path, bucket=bucket, params=params))

    def _user(self) -> dict[str, Any]:
        if self._me is None:
            self._me = self._get("/2/users/me", "users:me",
                                 {"user.fields": "public_metrics"})["data"]
        return self._me

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Check the token and return the account it belongs to."""
        self._me = None
        user = self._user()
        return AccountInfo(remote_id=str(user["id"]), handle=str(user["username"]),
                           display_name=str(user.get("name") or user["username"]),
                           followers=(user.get("public_metrics") or {}).get("followers_count"))

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return today's follower count when today is asked for; X keeps no history here."""
        today = _now().date()
        if not since <= today <= until:
            return []
        return [AccountMetrics(day=today, followers=self.verify().followers)]

    # -- media -----------------------------------------------------------------

    def upload_media(self, ref: MediaRef) -> str:
        """Upload one file (simple for images, chunked for video); return its media id."""
        data = ref.data
        if data is None:
            assert ref.url is not None
            data = self.http.get(ref.url, follow_redirects=True).content
        if ref.mime.startswith("video/"):
            media_id = self._upload_chunked(data, ref.mime)
        else:
            category = "tweet_gif" if ref.mime == "image/gif" else "tweet_image"
            media = self._multipart("/2/media/upload", {"media_category": category},
                                    ("media", "media", data, ref.mime))
            media_id = str(media["id"])
            self._wait_until_processed(media)
        if ref.alt_text:
            self._send("POST", "/2/media/metadata", bucket="media", retry_safe=True,
                       json={"id": media_id, "metadata": {"alt_text": {"text": ref.alt_text}}})
        return media_id

    def _multipart(self, path: str, fields: dict[str, str],
                   file: tuple[str, str, bytes, str]) -> dict[str, Any]:
        name, filename, data, mime = file
        encoded = httpx.Request("POST", self.base_url, data=fields,
                                files={name: (filename, data, mime)})
        body = encoded.read()
        # A lost answer leaves at worst an unused upload, which X discards after a day.
        response = self._send("POST", path, bucket="media", content=body, retry_safe=True,
                              headers={"Content-Type": encoded.headers["Content-Type"]})
        media: dict[str, Any] = _json(response).get("data") or {}
        return media

    def _upload_chunked(self, data: bytes, mime: str) -> str:
        started = _json(self._send("POST", "/2/media/upload/initialize", bucket="media",
                                   retry_safe=True, json={
                                       "media_type": mime, "total_bytes": len(data),
                                       "media_category": "tweet_video"}))["data"]
        media_id = str(started["id"])
        path = f"/2/media/upload/{quote(media_id, safe='')}"
        for index, start in enumerate(range(0, len(data), VIDEO_CHUNK)):
            self._multipart(f"{path}/append", {"segment_index": str(index)},
                            ("media", "chunk", data[start:start + VIDEO_CHUNK],
                             "application/octet-stream"))
        finished = _json(self._send("POST", f"{path}/finalize", bucket="media",
                                    retry_safe=True))["data"]
        self._wait_until_processed(finished)
        return media_id

    def _wait_until_processed(self, media: dict[str, Any]) -> None:
        """Poll X's STATUS command while it reports the media pending or in progress."""
        info = media.get("processing_info")
        for _attempt in range(MEDIA_POLL_ATTEMPTS):
            state = (info or {}).get("state")
            if state in (None, "succeeded"):
                return
            if state == "failed":
                error = (info or {}).get("error") or {}
                raise PermanentError(f"X could not process the media: {error.get('message')}",
                                     code="media_failed")
            time.sleep(min(float((info or {}).get("check_after_secs") or 1),
                           self.media_poll_interval))
            status = self._get("/2/media/upload", "media",
                               {"command": "STATUS", "media_id": media["id"]})
            info = (status.get("data") or {}).get("processing_info")
        raise RetryableError(f"X is still processing media {media['id']}",
                             code="media_processing")

    # -- publishing ------------------------------------------------------------

    def publish(self, req: PublishRequest) -> PublishResult:
        """Create a post (media first); a lost answer raises UnknownOutcomeError."""
        if req.placement == "dm":
            raise PermanentError("An X direct message answers a conversation; it cannot be "
                                 "published as a post", code="placement")
        body: dict[str, Any] = {"text": compose_text(req)}
        if req.media:
            body["media"] = {"media_ids": [self.upload_media(ref) for ref in req.media]}
        if req.reply_to:
            body["reply"] = {"in_reply_to_tweet_id": req.reply_to}
        _journal.sending(self._scope, req.idempotency_key, body["text"], _now())
        try:
            response = self._send("POST", "/2/tweets", bucket="tweets:create", json=body,
                                  retry_safe=False)
        except PermanentError as exc:
            # X refuses a text it has just posted: our earlier try went through.
            if exc.status == 403 and "duplicate" in exc.message.lower():
                found = self._match_recent(body["text"], _now() - RECONCILE_WINDOW)
                if found is not None:
                    _journal.sent(self._scope, req.idempotency_key, found)
                    return found
            raise
        data = _json(response)["data"]
        result = PublishResult(remote_id=str(data["id"]), url=post_url(str(data["id"])),
                               published_at=_now())
        _journal.sent(self._scope, req.idempotency_key, result)
        return result

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the post sent with this key, by the rule X's missing key imposes.

        The rule: the same text (links expanded, media links ignored) posted by the
        account since the key was first sent, or within the last hour when only
        `request` is known. With neither the process's memory nor `request`, nothing
        can be matched and None is returned.
        """
        entry = _journal.get(self._scope, idempotency_key)
        if entry is not None and entry.result is not None:
            return entry.result
        if entry is not None:
            return self._match_recent(entry.text, entry.sent_at - SentJournal.CLOCK_SKEW)
        if request is not None:
            return self._match_recent(compose_text(request), _now() - RECONCILE_WINDOW)
        return None

    def _match_recent(self, text: str, since: datetime) -> PublishResult | None:
        me = quote(str(self._user()["id"]), safe="")
        page = self._get(f"/2/users/{me}/tweets", "users:tweets", {
            "max_results": PAGE_MAX, "start_time": _stamp(since), "exclude": "retweets",
            "tweet.fields": "created_at,entities"})
        wanted = comparable(text)
        for tweet in page.get("data") or []:
            if comparable(plain_text(tweet)) == wanted:
                return PublishResult(remote_id=str(tweet["id"]), url=post_url(str(tweet["id"])),
                                     published_at=_parse_time(tweet["created_at"]))
        return None

    def delete(self, remote_id: str) -> None:
        """Delete a post; one already gone counts as deleted."""
        try:
            self._send("DELETE", f"/2/tweets/{quote(remote_id, safe='')}",
                       bucket="tweets:delete")
        except PermanentError as exc:
            if exc.status != 404:
                raise

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a post in its thread, or a DM in its conversation."""
        conversation = dm.conversation_of(parent_remote_id)
        if conversation is not None:
            return self._send_dm(conversation, text, idempotency_key)
        return self.publish(PublishRequest(text=text, placement="comment",
                                           idempotency_key=idempotency_key,
                                           reply_to=parent_remote_id))

    def _send_dm(self, conversation: str, text: str, idempotency_key: str) -> PublishResult:
        _journal.sending(self._scope, idempotency_key, text, _now())
        response = self._send(
            "POST", f"/2/dm_conversations/{quote(conversation, safe='')}/messages",
            bucket="dm:create", json={"text": text}, retry_safe=False)
        data = _json(response)["data"]
        result = PublishResult(remote_id=dm.dm_id(conversation, str(data["dm_event_id"])),
                               url=f"https://x.com/messages/{conversation}",
                               published_at=_now())
        _journal.sent(self._scope, idempotency_key, result)
        return result

    # -- inbox and listening ---------------------------------------------------

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return the mentions, replies and DMs that came after `cursor`, oldest first."""
        me = str(self._user()["id"])
        after_mention, after_dm = dm.split_cursor(cursor)
        mentions, newest_mention = self._mentions(me, after_mention, limit)
        messages, newest_dm = self._direct_messages(me, after_dm, limit)
        items = sorted(mentions + messages, key=lambda i: i.created_at)
        return InboxPage(items=items, cursor=dm.join_cursor(newest_mention, newest_dm))

    def _mentions(self, me: str, after: str | None,
                  limit: int) -> tuple[list[InboundItem], str | None]:
        """Read mentions after a post id; every page back to it, so a burst is not skipped."""
        params: dict[str, Any] = {"max_results": min(PAGE_MAX, max(5, limit)),
                                  "tweet.fields": TWEET_FIELDS, "expansions": "author_id",
                                  "user.fields": "username,name"}
        if after:
            params["since_id"] = after
        tweets: list[dict[str, Any]] = []
        users: dict[str, dict[str, Any]] = {}
        newest: str | None = None
        for number in range(INBOX_PAGES if after else 1):
            page = self._get(f"/2/users/{quote(me, safe='')}/mentions", "users:mentions", params)
            meta = page.get("meta") or {}
            if number == 0:
                newest = meta.get("newest_id")
            tweets.extend(page.get("data") or [])
            users.update({u["id"]: u for u in (page.get("includes") or {}).get("users") or []})
            if not meta.get("next_token"):
                break
            params["pagination_token"] = meta["next_token"]
        return [self._inbound(t, users, me) for t in tweets], newest or after

    def _direct_messages(self, me: str, after: str | None,
                         limit: int) -> tuple[list[InboundItem], str | None]:
        """Read DMs received after an event id; an access tier without DMs gives none."""
        params: dict[str, Any] = {"event_types": "MessageCreate",
                                  "max_results": min(PAGE_MAX, max(1, limit)),
                                  "dm_event.fields": dm.DM_FIELDS, "expansions": "sender_id",
                                  "user.fields": "username,name"}
        events: list[dict[str, Any]] = []
        users: dict[str, dict[str, Any]] = {}
        for _number in range(INBOX_PAGES if after else 1):
            try:
                page = self._get("/2/dm_events", "dm_events", params)
            except PermanentError as exc:
                if exc.status == 403:  # the app's access tier or scopes exclude DMs
                    return [], after
                raise
            fresh = [e for e in page.get("data") or [] if dm.newer(str(e["id"]), after)]
            events.extend(fresh)
            users.update({u["id"]: u for u in (page.get("includes") or {}).get("users") or []})
            next_token = (page.get("meta") or {}).get("next_token")
            if not next_token or len(fresh) < len(page.get("data") or []):
                break
            params["pagination_token"] = next_token
        newest = after
        for event in events:
            if dm.newer(str(event["id"]), newest):
                newest = str(event["id"])
        received = [e for e in events if str(e.get("sender_id")) != me]
        return [dm.dm_item(e, users) for e in received], newest

    @staticmethod
    def _inbound(tweet: dict[str, Any], users: dict[str, dict[str, Any]],
                 me: str) -> InboundItem:
        author = users.get(str(tweet.get("author_id")), {})
        parent = next((r["id"] for r in tweet.get("referenced_tweets") or []
                       if r.get("type") == "replied_to"), None)
        to_me = parent is not None and str(tweet.get("in_reply_to_user_id")) == me
        thread = str(tweet.get("conversation_id") or tweet["id"])
        return InboundItem(
            remote_id=str(tweet["id"]), kind="reply" if to_me else "mention",
            author_handle=str(author.get("username") or tweet.get("author_id") or ""),
            author_name=str(author.get("name") or author.get("username") or ""),
            text=plain_text(tweet), created_at=_parse_time(tweet["created_at"]),
            thread_key=thread, parent_remote_id=str(parent) if parent else None,
            post_remote_id=thread if to_me else None, language=tweet.get("lang"),
            raw={"url": post_url(str(tweet["id"]))},
        )

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Return posts of the last 7 days matching `query`, newest first (recent search)."""
        params: dict[str, Any] = {"query": query, "max_results": min(PAGE_MAX, max(10, limit)),
                                  "tweet.fields": TWEET_FIELDS, "expansions": "author_id",
                                  "user.fields": "username,name"}
        if cursor:
            params["next_token"] = cursor
        page = self._get("/2/tweets/search/recent", "tweets:search", params)
        users = {u["id"]: u for u in (page.get("includes") or {}).get("users") or []}
        items = []
        for tweet in page.get("data") or []:
            item = self._inbound(tweet, users, "")
            items.append(InboundItem(
                remote_id=item.remote_id, kind="mention", author_handle=item.author_handle,
                author_name=item.author_name, text=item.text, created_at=item.created_at,
                thread_key=item.remote_id, language=item.language, raw=item.raw))
        return InboxPage(items=items, cursor=(page.get("meta") or {}).get("next_token"))

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return each post's counters; impressions and clicks need the post's own author."""
        metrics: list[PostMetrics] = []
        for start in range(0, len(remote_ids), PAGE_MAX):
            batch = remote_ids[start:start + PAGE_MAX]
            page = self._get("/2/tweets", "tweets:lookup", {
                "ids": ",".join(batch),
                "tweet.fields": "public_metrics,non_public_metrics",
                "expansions": "attachments.media_keys", "media.fields": "public_metrics"})
            media = {m["media_key"]: m for m in (page.get("includes") or {}).get("media") or []}
            metrics.extend(self._metrics(t, media) for t in page.get("data") or [])
        return metrics

    @staticmethod
    def _metrics(tweet: dict[str, Any], media: dict[str, dict[str, Any]]) -> PostMetrics:
        public = tweet.get("public_metrics") or {}
        private = tweet.get("non_public_metrics") or {}
        views = [(media.get(key) or {}).get("public_metrics", {}).get("view_count")
                 for key in (tweet.get("attachments") or {}).get("media_keys") or []]
        counted = [v for v in views if v is not None]
        shares = None
        if "retweet_count" in public:
            shares = public["retweet_count"] + public.get("quote_count", 0)
        return PostMetrics(
            remote_id=str(tweet["id"]), impressions=private.get("impression_count"),
            reactions=public.get("like_count"), comments=public.get("reply_count"),
            shares=shares, saves=public.get("bookmark_count"),
            clicks=private.get("url_link_clicks"),
            video_views=sum(counted) if counted else None,
        )
