"""The Instagram connector: a professional account linked to a Facebook Page.

Instagram API with Facebook Login, through the Graph API (see
`socialops.connectors.facebook.graph`). Credentials: `access_token` (the Page access
token), `page_id`, `ig_user_id` (or the channel's remote id) and optionally
`appsecret_proof`. The token needs instagram_basic, instagram_content_publish,
instagram_manage_comments, instagram_manage_insights, instagram_manage_messages.

Instagram fetches media itself from a public URL: a publication whose media exist only
as bytes is refused with `media_url_required`.
"""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

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
    ConnectorError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)
from socialops.connectors.facebook import messenger
from socialops.connectors.facebook.connector import join_cursor, split_cursor
from socialops.connectors.facebook.graph import Graph, now, parse_time
from socialops.connectors.http import HttpClient
from socialops.connectors.instagram.capabilities import CAPABILITIES
from socialops.connectors.quotas import SentJournal

RECENT_MEDIA = 10  # media whose new comments the inbox reads
RECONCILE_MEDIA = 25
RECONCILE_WINDOW = timedelta(hours=1)
# Content publishing guide: check a container's status_code about once a minute for no
# more than five minutes; we check more often at first for images.
STATUS_CHECKS = 60
PUBLISHING_WINDOW = timedelta(hours=24)  # content_publishing_limit: rolling 24 hours
FOLLOWER_HISTORY_DAYS = 30  # follower_count: only the last 30 days, never today
_COMMENT_FIELDS = "id,text,timestamp,username,from,parent_id"
_journal = SentJournal()
# Instagram downloads every image and video from a public address (no upload of bytes).
_NEEDS_URL = ("Instagram downloads media from a public address: set SOCIALOPS_BASE_URL to "
              "the address where Instagram can reach socialops")


def _seconds(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def comment_item(comment: dict[str, Any], media_id: str, permalink: str = "") -> InboundItem:
    """Build the inbox item of a comment (or a reply) on one of the account's media."""
    parent = str(comment.get("parent_id") or media_id)
    author = comment.get("from") or {}
    username = str(comment.get("username") or author.get("username") or "")
    return InboundItem(
        remote_id=str(comment["id"]), kind="comment" if parent == media_id else "reply",
        author_handle=username or str(author.get("id") or "unknown"), author_name=username,
        text=str(comment.get("text") or ""), created_at=parse_time(str(comment["timestamp"])),
        thread_key=f"media:{media_id}", parent_remote_id=parent, post_remote_id=media_id,
        raw={"url": permalink} if permalink else {})


def mention_id(media_id: str, comment_id: str | None = None) -> str:
    """Return the inbox id of a mention: `reply` reads from it where to answer."""
    return f"mention:{media_id}/{comment_id}" if comment_id else f"mention:{media_id}"


def mention_item(media: dict[str, Any], comment: dict[str, Any] | None = None) -> InboundItem:
    """Build the inbox item of a mention in a caption (or in a comment) by someone else."""
    source = comment or media
    remote_id = mention_id(str(media["id"]), str(comment["id"]) if comment else None)
    username = str(source.get("username") or "")
    return InboundItem(
        remote_id=remote_id, kind="mention", author_handle=username or "unknown",
        author_name=username, text=str(source.get("text") or source.get("caption") or ""),
        created_at=parse_time(str(source["timestamp"])), thread_key=remote_id,
        post_remote_id=str(media["id"]),
        raw={"url": media["permalink"]} if media.get("permalink") else {})


class InstagramConnector:
    """Act on one Instagram professional account; comments can be hidden (`base.Hider`)."""

    capabilities: Capabilities = CAPABILITIES
    status_poll_interval = 5.0  # seconds between checks of a container Instagram processes

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        ig_user_id = auth.credentials.get("ig_user_id") or auth.remote_id
        if not ig_user_id:
            raise PermanentError("Instagram credentials need the 'ig_user_id'",
                                 code="missing_account")
        self.auth = auth
        self.ig_user_id = ig_user_id
        self.page_id = auth.credentials.get("page_id", "")
        self.graph = Graph(http, auth.credentials.get("access_token", ""), base_url=base_url,
                           proof=auth.credentials.get("appsecret_proof", ""))
        if capabilities is not None:
            self.capabilities = capabilities

    def __repr__(self) -> str:
        return f"InstagramConnector(ig_user_id={self.ig_user_id!r})"

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Check the token and return the professional account it acts as."""
        user = self.graph.get(self.ig_user_id, {"fields": "id,username,name,followers_count"})
        return AccountInfo(remote_id=str(user["id"]), handle=str(user["username"]),
                           display_name=str(user.get("name") or user["username"]),
                           followers=user.get("followers_count"))

    # -- publishing ------------------------------------------------------------

    def check_publishing_limit(self) -> None:
        """Refuse locally when the rolling 24-hour publishing quota is used up.

        The wait is until the oldest of the account's media of the last 24 hours leaves
        the window (media posted from the app count there too, so the wait may be short;
        the next check then refuses again with a later time).
        """
        answer = self.graph.get(f"{self.ig_user_id}/content_publishing_limit",
                                {"fields": "config,quota_usage"})
        usage = (answer.get("data") or [{}])[0]
        total = int((usage.get("config") or {}).get("quota_total") or 0)
        used = int(usage.get("quota_usage") or 0)
        if not total or used < total:
            return
        window_start = now() - PUBLISHING_WINDOW
        recent = [parse_time(str(m["timestamp"])) for m in self.graph.edge(
            f"{self.ig_user_id}/media", {"fields": "id,timestamp", "limit": 100})
            if m.get("timestamp")]
        in_window = [t for t in recent if t > window_start]
        frees_at = min(in_window) + PUBLISHING_WINDOW if in_window else now() + timedelta(hours=1)
        raise RateLimitedError(
            f"Instagram's publishing quota is used ({used} of {total} in 24 hours)",
            retry_after=max(60.0, (frees_at - now()).total_seconds()), status=None,
            code="content_publishing_limit")

    def _container(self, fields: dict[str, Any]) -> str:
        # A container is invisible until published and expires after 24 hours: creating
        # one again after a lost answer is harmless.
        made = self.graph.post(f"{self.ig_user_id}/media", fields, retry_safe=True)
        return str(made["id"])

    def _media_fields(self, ref: MediaRef, media_type: str | None) -> dict[str, Any]:
        if ref.url is None:
            raise PermanentError(_NEEDS_URL, code="media_url_required")
        if ref.mime.startswith("video/"):
            return {"media_type": media_type or "REELS", "video_url": ref.url}
        fields: dict[str, Any] = {"image_url": ref.url}
        if media_type:
            fields["media_type"] = media_type
        if ref.alt_text:
            fields["alt_text"] = ref.alt_text
        return fields

    def wait_until_finished(self, container_id: str) -> None:
        """Poll a container's `status_code` until FINISHED; raise on ERROR or EXPIRED."""
        for attempt in range(STATUS_CHECKS):
            state = self.graph.get(container_id, {"fields": "status_code,status"})
            code = str(state.get("status_code") or "")
            if code in ("FINISHED", "PUBLISHED"):
                return
            if code == "ERROR":
                raise PermanentError(f"Instagram could not process the media: "
                                     f"{state.get('status') or 'no reason given'}",
                                     code="media_error")
            if code == "EXPIRED":
                raise PermanentError("The Instagram container expired (older than 24 hours)",
                                     code="container_expired")
            if attempt + 1 < STATUS_CHECKS:
                clock.sleep(self.status_poll_interval)
        raise RetryableError("Instagram is still processing the media", code="processing")

    def _prepare(self, req: PublishRequest) -> str:
        """Create (and wait for) the container of a publication; return its id."""
        if not req.media:
            raise PermanentError("An Instagram post needs an image or a video", code="no_media")
        for ref in req.media:
            if ref.url is None:
                raise PermanentError(_NEEDS_URL, code="media_url_required")
        caption = {"caption": req.text} if req.text and req.placement != "story" else {}
        if req.placement == "story":
            container = self._container(self._media_fields(req.media[0], "STORIES"))
        elif len(req.media) == 1:
            container = self._container({**self._media_fields(req.media[0], None), **caption})
        else:
            children = []
            for ref in req.media:
                fields = self._media_fields(ref, "VIDEO" if ref.mime.startswith("video/")
                                            else None)
                child = self._container({**fields, "is_carousel_item": True})
                self.wait_until_finished(child)
                children.append(child)
            container = self._container({"media_type": "CAROUSEL",
                                         "children": ",".join(children), **caption})
        self.wait_until_finished(container)
        return container

    def publish(self, req: PublishRequest) -> PublishResult:
        """Publish a post, a carousel, a reel or a story: container, status, media_publish.

        No idempotency key exists: a lost answer to `media_publish` raises
        UnknownOutcomeError, reconciled by `find_published` before anything is resent.
        """
        if req.reply_to:
            return self.reply(req.reply_to, req.text, req.idempotency_key)
        self.check_publishing_limit()
        container = self._prepare(req)
        _journal.sending(self.graph.scope, req.idempotency_key, req.text, now())
        made = self.graph.post(f"{self.ig_user_id}/media_publish", {"creation_id": container},
                               retry_safe=False)
        media_id = str(made["id"])
        result = PublishResult(remote_id=media_id, url=self._permalink(media_id),
                               published_at=now())
        _journal.sent(self.graph.scope, req.idempotency_key, result)
        return result

    def _permalink(self, media_id: str) -> str:
        try:
            return str(self.graph.get(media_id, {"fields": "permalink"}).get("permalink") or "")
        except ConnectorError:
            # Published already: a missing link must not turn the success into a failure.
            return f"https://www.instagram.com/{self.auth.handle}/"

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the media sent under this key: the same caption, published since it was sent.

        Reconciliation rule: the account's 25 latest media are compared with the caption
        this process sent under the key, published no earlier than the first send less
        two minutes of clock skew; a caller elsewhere passes `request` (last hour).
        Stories carry no caption: they are found only from this process's journal.
        """
        entry = _journal.get(self.graph.scope, idempotency_key)
        if entry is not None and entry.result is not None:
            return entry.result
        if entry is not None:
            text, since = entry.text, entry.sent_at - SentJournal.CLOCK_SKEW
        elif request is not None:
            text, since = request.text, now() - RECONCILE_WINDOW
        else:
            return None
        if not text.strip():
            return None
        for media in self.graph.edge(f"{self.ig_user_id}/media", {
                "fields": "id,caption,timestamp,permalink", "limit": RECONCILE_MEDIA}):
            created = parse_time(str(media["timestamp"]))
            if created >= since and str(media.get("caption") or "").strip() == text.strip():
                return PublishResult(remote_id=str(media["id"]),
                                     url=str(media.get("permalink") or ""), published_at=created)
        return None

    def delete(self, remote_id: str) -> None:
        """Delete a media or a comment of the account; one already gone counts as deleted."""
        self.graph.delete(remote_id)

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a comment in its thread, a mention where it was made, or a DM privately."""
        _journal.sending(self.graph.scope, idempotency_key, text, now())
        if parent_remote_id.startswith("mention:"):
            media_id, _, comment_id = parent_remote_id.removeprefix("mention:").partition("/")
            body = {"media_id": media_id, "message": text}
            if comment_id:
                body["comment_id"] = comment_id
            made = self.graph.post(f"{self.ig_user_id}/mentions", body, retry_safe=False)
            result = PublishResult(remote_id=str(made["id"]), url="", published_at=now())
        elif messenger.is_message_id(parent_remote_id):
            if not self.page_id:
                raise PermanentError("Instagram DMs need the linked Page ('page_id')",
                                     code="missing_page")
            result = messenger.send(self.graph, self.page_id, parent_remote_id, text)
        else:
            # Replies go under the top-level comment: a reply to a reply joins its thread.
            parent = self.graph.get(parent_remote_id, {"fields": "id,parent_id"})
            target = str(parent.get("parent_id") or parent_remote_id)
            made = self.graph.post(f"{target}/replies", {"message": text}, retry_safe=False)
            result = PublishResult(remote_id=str(made["id"]), url="", published_at=now())
        _journal.sent(self.graph.scope, idempotency_key, result)
        return result

    def hide(self, remote_id: str, *, hidden: bool = True) -> None:
        """Hide (or show again) a comment on the account's media."""
        self.graph.post(remote_id, {"hide": hidden}, retry_safe=True)

    # -- inbox -----------------------------------------------------------------

    def _comments(self, after: datetime | None) -> list[InboundItem]:
        expansion = f"comments.limit(50){{{_COMMENT_FIELDS},replies{{{_COMMENT_FIELDS}}}}}"
        items = []
        for media in self.graph.edge(f"{self.ig_user_id}/media", {
                "fields": f"id,permalink,{expansion}", "limit": RECENT_MEDIA}):
            media_id, link = str(media["id"]), str(media.get("permalink") or "")
            for comment in (media.get("comments") or {}).get("data") or []:
                replies = (comment.get("replies") or {}).get("data") or []
                for raw in (comment, *({**r, "parent_id": comment["id"]} for r in replies)):
                    if str((raw.get("from") or {}).get("id")) == self.ig_user_id or (
                            raw.get("username") == self.auth.handle and self.auth.handle):
                        continue
                    item = comment_item(raw, media_id, link)
                    if after is None or item.created_at >= after:
                        items.append(item)
        return items

    def _tags(self, after: datetime | None) -> list[InboundItem]:
        tagged = self.graph.edge(f"{self.ig_user_id}/tags", {
            "fields": "id,caption,username,timestamp,permalink", "limit": 25})
        items = [mention_item(media) for media in tagged if media.get("timestamp")]
        return [i for i in items if after is None or i.created_at >= after]

    def mention(self, media_id: str, comment_id: str | None = None) -> InboundItem:
        """Read a mention the webhook announced (Meta sends only its ids)."""
        if comment_id:
            field = (f"mentioned_comment.comment_id({comment_id})"
                     "{id,text,username,timestamp,media{id,permalink}}")
            comment = self._mentioned(field, "mentioned_comment")
            media = comment.get("media") or {"id": media_id}
            return mention_item({**media, "timestamp": comment["timestamp"]}, comment)
        field = (f"mentioned_media.media_id({media_id})"
                 "{id,caption,username,timestamp,permalink}")
        return mention_item(self._mentioned(field, "mentioned_media"))

    def _mentioned(self, field: str, name: str) -> dict[str, Any]:
        found = self.graph.get(self.ig_user_id, {"fields": field}).get(name)
        if not isinstance(found, dict) or not found.get("id") or not found.get("timestamp"):
            raise PermanentError(f"Instagram did not return the {name}", code="bad_payload")
        return found

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return comments and replies on recent media, tags and DMs, oldest first.

        Same cursor as Facebook: the newest time seen per source, read inclusively.
        Mentions in captions and comments arrive by webhook only (Meta offers no list).
        """
        seen = split_cursor(cursor)
        sources = {"comments": self._comments, "tags": self._tags}
        if self.page_id:
            sources["messages"] = lambda after: messenger.fetch_messages(
                self.graph, self.page_id, self.ig_user_id, "instagram", after)
        items: list[InboundItem] = []
        for name, read in sources.items():
            after = seen.get(name)
            found = read(datetime.fromtimestamp(after, UTC) if after else None)
            items.extend(found)
            if found:
                seen[name] = max(seen.get(name, 0), *(_seconds(i.created_at) for i in found))
        items.sort(key=lambda i: i.created_at)
        return InboxPage(items=items, cursor=join_cursor(seen) or cursor)

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Refuse: Instagram offers hashtag search only, no keyword search."""
        raise PermanentError("Instagram has no keyword search API", code="unsupported")

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return each media's lifetime insights (views, reach, likes, comments...)."""
        metrics = []
        for media_id in remote_ids:
            answer = self.graph.get(f"{media_id}/insights", {
                "metric": "views,reach,likes,comments,shares,saved"})
            values = {str(m["name"]): (m.get("values") or [{}])[0].get("value")
                      for m in answer.get("data") or []}
            metrics.append(PostMetrics(
                remote_id=media_id, impressions=values.get("views"), reach=values.get("reach"),
                reactions=values.get("likes"), comments=values.get("comments"),
                shares=values.get("shares"), saves=values.get("saved")))
        return metrics

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return each day's account insights (one call a day: totals are per range)."""
        today = now().date()
        until = min(until, today)
        if since > until:
            return []
        followers = self._follower_changes(since, until)
        days = []
        day = since
        while day <= until:
            start = datetime.combine(day, time(), UTC)
            answer = self.graph.get(f"{self.ig_user_id}/insights", {
                "metric": "reach,views,total_interactions,profile_views,website_clicks",
                "metric_type": "total_value", "period": "day",
                "since": int(start.timestamp()),
                "until": int((start + timedelta(days=1)).timestamp())})
            values = {str(m["name"]): (m.get("total_value") or {}).get("value")
                      for m in answer.get("data") or []}
            days.append(AccountMetrics(
                day=day, follower_change=followers.get(day), reach=values.get("reach"),
                impressions=values.get("views"), engagements=values.get("total_interactions"),
                profile_visits=values.get("profile_views"),
                link_clicks=values.get("website_clicks"),
                followers=self.verify().followers if day == today else None))
            day += timedelta(days=1)
        return days

    def _follower_changes(self, since: date, until: date) -> dict[date, int]:
        oldest = now().date() - timedelta(days=FOLLOWER_HISTORY_DAYS)
        start, end = max(since, oldest), min(until, now().date() - timedelta(days=1))
        if start > end:
            return {}
        answer = self.graph.get(f"{self.ig_user_id}/insights", {
            "metric": "follower_count", "period": "day",
            "since": int(datetime.combine(start, time(), UTC).timestamp()),
            "until": int(datetime.combine(end + timedelta(days=1), time(), UTC).timestamp())})
        changes = {}
        for metric in answer.get("data") or []:
            for value in metric.get("values") or []:
                day = (parse_time(str(value["end_time"])) - timedelta(days=1)).date()
                if isinstance(value.get("value"), int):
                    changes[day] = value["value"]
        return changes
