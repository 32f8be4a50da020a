"""The Facebook Pages connector: one Page through the Graph API (see `graph.API_VERSION`).

Credentials: `access_token` (a Page access token, from the picker of `oauth.FLOW`),
`page_id` (or the channel's remote id), and optionally `appsecret_proof` (sent with
every call, for apps that require it). The Page token needs pages_manage_posts,
pages_read_engagement, pages_manage_engagement, pages_read_user_content,
pages_messaging and read_insights.
"""

from __future__ import annotations

import json
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
from socialops.connectors.errors import PermanentError
from socialops.connectors.facebook import messenger, vertical
from socialops.connectors.facebook.capabilities import CAPABILITIES
from socialops.connectors.facebook.graph import Graph, now, parse_time
from socialops.connectors.http import HttpClient
from socialops.connectors.quotas import SentJournal

RECENT_POSTS = 10  # posts whose new comments the inbox reads
COMMENTS_PER_POST = 100
RECONCILE_POSTS = 50
RECONCILE_WINDOW = timedelta(hours=1)
INSIGHTS_DAYS = 90  # Page Insights: at most 90 days per since/until request
PAGE_METRICS = ("page_follows", "page_daily_follows_unique", "page_daily_unfollows_unique",
                "page_media_view", "page_total_media_view_unique", "page_post_engagements",
                "page_views_total", "page_video_views")
POST_METRICS = ("post_media_view", "post_total_media_view_unique", "post_clicks")
_COMMENT_FIELDS = "id,message,created_time,from,parent{id},permalink_url"
_journal = SentJournal()


def post_url(remote_id: str) -> str:
    """Return the public address of a post, comment or video (Facebook resolves ids)."""
    return f"https://www.facebook.com/{remote_id}"


def split_cursor(cursor: str | None) -> dict[str, int]:
    """Read the inbox cursor: the newest time (epoch s) seen per source."""
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    return {k: int(v) for k, v in data.items() if isinstance(v, int)} if isinstance(
        data, dict) else {}


def join_cursor(parts: dict[str, int]) -> str | None:
    """Write the inbox cursor (None before anything was seen)."""
    return json.dumps(parts, sort_keys=True, separators=(",", ":")) if parts else None


def _epoch(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value else None


def comment_item(comment: dict[str, Any], post_id: str, page_id: str) -> InboundItem | None:
    """Build the inbox item of a comment on one of the Page's posts (None: the Page's own)."""
    author = comment.get("from") or {}
    if str(author.get("id")) == page_id:
        return None
    parent = str((comment.get("parent") or {}).get("id") or post_id)
    return InboundItem(
        remote_id=str(comment["id"]), kind="comment" if parent == post_id else "reply",
        author_handle=str(author.get("id") or "unknown"),
        author_name=str(author.get("name") or ""), text=str(comment.get("message") or ""),
        created_at=parse_time(str(comment["created_time"])), thread_key=f"post:{post_id}",
        parent_remote_id=parent, post_remote_id=post_id,
        raw={"url": comment.get("permalink_url") or post_url(str(comment["id"]))})


def mention_item(post: dict[str, Any]) -> InboundItem:
    """Build the inbox item of a post in which someone tagged the Page."""
    author = post.get("from") or {}
    return InboundItem(
        remote_id=str(post["id"]), kind="mention", author_handle=str(author.get("id") or ""),
        author_name=str(author.get("name") or ""), text=str(post.get("message") or ""),
        created_at=parse_time(str(post["created_time"])), thread_key=f"mention:{post['id']}",
        post_remote_id=str(post["id"]),
        raw={"url": post.get("permalink_url") or post_url(str(post["id"]))})


class FacebookConnector:
    """Act on one Facebook Page; comments can be hidden (`base.Hider`)."""

    capabilities: Capabilities = CAPABILITIES

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        page_id = auth.credentials.get("page_id") or auth.remote_id
        if not page_id:
            raise PermanentError("Facebook credentials need the 'page_id'", code="missing_page")
        self.auth = auth
        self.page_id = page_id
        self.graph = Graph(http, auth.credentials.get("access_token", ""), base_url=base_url,
                           proof=auth.credentials.get("appsecret_proof", ""))
        if capabilities is not None:
            self.capabilities = capabilities

    def __repr__(self) -> str:
        return f"FacebookConnector(page_id={self.page_id!r})"

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Check the token and return the Page it acts as."""
        page = self.graph.get(self.page_id, {"fields": "id,name,username,followers_count"})
        return AccountInfo(remote_id=str(page["id"]),
                           handle=str(page.get("username") or page["id"]),
                           display_name=str(page.get("name") or page["id"]),
                           followers=page.get("followers_count"))

    # -- publishing ------------------------------------------------------------

    def _photo(self, ref: MediaRef, *, published: bool, caption: str = "") -> dict[str, Any]:
        fields: dict[str, Any] = {"published": published}
        if caption:
            fields["message"] = caption
        if ref.alt_text:
            fields["alt_text_custom"] = ref.alt_text
        # An unpublished photo is invisible until attached: repeating its upload is harmless.
        if ref.url is not None:
            return self.graph.post(f"{self.page_id}/photos", {**fields, "url": ref.url},
                                   retry_safe=not published)
        assert ref.data is not None
        form = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in fields.items()}
        return self.graph.post_multipart(f"{self.page_id}/photos", form,
                                         ("photo", ref.data, ref.mime), retry_safe=not published)

    def _video(self, req: PublishRequest, ref: MediaRef) -> PublishResult:
        fields = {"description": req.text}
        if req.title:
            fields["title"] = req.title
        # One request (Meta fetches `file_url`, or the bytes go as `source`): the Pages API
        # takes videos up to 1 GB this way; larger ones would need the resumable upload.
        if ref.url is not None:
            made = self.graph.post(f"{self.page_id}/videos", {**fields, "file_url": ref.url},
                                   retry_safe=False, video=True)
        else:
            assert ref.data is not None
            made = self.graph.post_multipart(f"{self.page_id}/videos", fields,
                                             ("video.mp4", ref.data, ref.mime),
                                             retry_safe=False, video=True)
        video_id = str(made["id"])
        return PublishResult(remote_id=video_id,
                             url=f"https://www.facebook.com/{self.page_id}/videos/{video_id}/",
                             published_at=now())

    def _create(self, req: PublishRequest) -> PublishResult:
        if req.placement == "reel":
            return vertical.publish_reel(self.graph, self.page_id, req)
        if req.placement == "story":
            return vertical.publish_story(
                self.graph, self.page_id, req,
                lambda ref: str(self._photo(ref, published=False)["id"]))
        videos = [ref for ref in req.media if ref.mime.startswith("video/")]
        if videos:
            if len(req.media) > 1:
                raise PermanentError("A Facebook video post carries one video and nothing else",
                                     code="media_mix")
            return self._video(req, videos[0])
        if len(req.media) == 1:
            made = self._photo(req.media[0], published=True, caption=req.text)
            post_id = str(made.get("post_id") or made["id"])
        else:
            body: dict[str, Any] = {"message": req.text}
            if req.link and not req.media:
                body["link"] = req.link
            if req.media:
                body["attached_media"] = [
                    {"media_fbid": str(self._photo(ref, published=False)["id"])}
                    for ref in req.media]
            post_id = str(self.graph.post(f"{self.page_id}/feed", body, retry_safe=False)["id"])
        return PublishResult(remote_id=post_id, url=post_url(post_id), published_at=now())

    def publish(self, req: PublishRequest) -> PublishResult:
        """Create a Page post (text, link, photos, a video), reel or story, or answer one.

        The Graph API takes no idempotency key: a create whose answer is lost raises
        UnknownOutcomeError and is reconciled by `find_published`, never resent here.
        """
        if req.reply_to:
            return self.reply(req.reply_to, req.text, req.idempotency_key)
        _journal.sending(self.graph.scope, req.idempotency_key, req.text, now())
        result = self._create(req)
        _journal.sent(self.graph.scope, req.idempotency_key, result)
        return result

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the post sent under this key: the same message, posted since it was sent.

        Reconciliation rule: the Page's 50 latest posts (and videos, by description) are
        compared with the text this process sent under the key, created no earlier than
        the first send less two minutes of clock skew; a caller in another process passes
        `request`, and then the last hour is searched.
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
        for edge, field, make_url in (
                ("posts", "message", post_url),
                ("videos", "description",
                 lambda i: f"https://www.facebook.com/{self.page_id}/videos/{i}/")):
            for post in self.graph.edge(f"{self.page_id}/{edge}", {
                    "fields": f"id,{field},created_time", "limit": RECONCILE_POSTS}):
                created = parse_time(str(post["created_time"]))
                if created >= since and str(post.get(field) or "").strip() == text.strip():
                    return PublishResult(remote_id=str(post["id"]), url=make_url(str(post["id"])),
                                         published_at=created)
        return None

    def delete(self, remote_id: str) -> None:
        """Delete a post, a video or one of the Page's comments; a gone one counts as deleted."""
        self.graph.delete(remote_id)

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer as the Page: a comment under a post or comment, or a private message."""
        _journal.sending(self.graph.scope, idempotency_key, text, now())
        if messenger.is_message_id(parent_remote_id):
            result = messenger.send(self.graph, self.page_id, parent_remote_id, text)
        else:
            made = self.graph.post(f"{parent_remote_id}/comments", {"message": text},
                                   retry_safe=False)
            result = PublishResult(remote_id=str(made["id"]), url=post_url(str(made["id"])),
                                   published_at=now())
        _journal.sent(self.graph.scope, idempotency_key, result)
        return result

    def hide(self, remote_id: str, *, hidden: bool = True) -> None:
        """Hide (or show again) a comment on the Page; repeating it changes nothing."""
        self.graph.post(remote_id, {"is_hidden": hidden}, retry_safe=True)

    # -- inbox -----------------------------------------------------------------

    def _comments(self, after: datetime | None) -> list[InboundItem]:
        expansion = (f"comments.filter(stream).order(reverse_chronological)"
                     f".limit({COMMENTS_PER_POST}){{{_COMMENT_FIELDS}}}")
        items = []
        for post in self.graph.edge(f"{self.page_id}/feed", {
                "fields": f"id,{expansion}", "limit": RECENT_POSTS}):
            for comment in (post.get("comments") or {}).get("data") or []:
                item = comment_item(comment, str(post["id"]), self.page_id)
                if item is not None and (after is None or item.created_at >= after):
                    items.append(item)
        return items

    def _mentions(self, after: datetime | None) -> list[InboundItem]:
        posts = self.graph.edge(f"{self.page_id}/tagged", {
            "fields": "id,message,from,created_time,permalink_url", "limit": 25})
        items = [mention_item(post) for post in posts]
        return [i for i in items if after is None or i.created_at >= after]

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return comments on recent posts, posts tagging the Page and Messenger messages.

        The cursor keeps the newest time seen per source; each source is read from that
        second on (inclusive, so a burst within one second is never skipped: ingesting an
        item twice changes nothing). Items come oldest first.
        """
        seen = split_cursor(cursor)
        sources = {
            "comments": self._comments,
            "mentions": self._mentions,
            "messages": lambda after: messenger.fetch_messages(
                self.graph, self.page_id, self.page_id, "messenger", after),
        }
        items: list[InboundItem] = []
        for name, read in sources.items():
            found = read(_epoch(seen.get(name)))
            items.extend(found)
            if found:
                seen[name] = max(seen.get(name, 0),
                                 *(int(i.created_at.timestamp()) for i in found))
        items.sort(key=lambda i: i.created_at)
        return InboxPage(items=items, cursor=join_cursor(seen) or cursor)

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Refuse: the Graph API has had no public post search since 2018."""
        raise PermanentError("Facebook has no public post search API", code="unsupported")

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return each post's lifetime insights and counters (videos: video insights)."""
        return [self._video_metrics(i) if "_" not in i else self._post_metrics(i)
                for i in remote_ids]

    def _post_metrics(self, post_id: str) -> PostMetrics:
        post = self.graph.get(post_id, {"fields": "shares,comments.summary(true).limit(0),"
                                                  "reactions.summary(true).limit(0)"})
        values = _insights(self.graph.get(f"{post_id}/insights", {
            "metric": ",".join(POST_METRICS), "period": "lifetime"}))
        return PostMetrics(
            remote_id=post_id, impressions=values.get("post_media_view"),
            reach=values.get("post_total_media_view_unique"),
            reactions=_total(post, "reactions"), comments=_total(post, "comments"),
            shares=(post.get("shares") or {}).get("count", 0), clicks=values.get("post_clicks"))

    def _video_metrics(self, video_id: str) -> PostMetrics:
        video = self.graph.get(video_id, {"fields": "comments.summary(true).limit(0),"
                                                    "reactions.summary(true).limit(0)"})
        values = _insights(self.graph.get(f"{video_id}/video_insights", {
            "metric": "total_video_views,total_video_impressions,"
                      "total_video_impressions_unique", "period": "lifetime"}))
        return PostMetrics(
            remote_id=video_id, impressions=values.get("total_video_impressions"),
            reach=values.get("total_video_impressions_unique"),
            reactions=_total(video, "reactions"), comments=_total(video, "comments"),
            video_views=values.get("total_video_views"))

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return the Page's daily insights (views, reach, engagements, follows)."""
        until = min(until, now().date())
        days: dict[date, dict[str, int]] = {}
        start = since
        while start <= until:
            end = min(until, start + timedelta(days=INSIGHTS_DAYS - 1))
            answer = self.graph.get(f"{self.page_id}/insights", {
                "metric": ",".join(PAGE_METRICS), "period": "day",
                "since": int(datetime.combine(start, time(), UTC).timestamp()),
                "until": int(datetime.combine(end + timedelta(days=1), time(), UTC).timestamp())})
            for metric in answer.get("data") or []:
                for value in metric.get("values") or []:
                    # A day's value carries the end of that day (Pacific time) as end_time.
                    day = (parse_time(str(value["end_time"])) - timedelta(days=1)).date()
                    if since <= day <= until and isinstance(value.get("value"), int):
                        days.setdefault(day, {})[str(metric["name"])] = value["value"]
            start = end + timedelta(days=1)
        return [_account_day(day, values) for day, values in sorted(days.items())]


def _account_day(day: date, values: dict[str, int]) -> AccountMetrics:
    follows, unfollows = (values.get("page_daily_follows_unique"),
                          values.get("page_daily_unfollows_unique"))
    change = None if follows is None and unfollows is None else (follows or 0) - (unfollows or 0)
    return AccountMetrics(day=day, followers=values.get("page_follows"), follower_change=change,
                          impressions=values.get("page_media_view"),
                          reach=values.get("page_total_media_view_unique"),
                          engagements=values.get("page_post_engagements"),
                          profile_visits=values.get("page_views_total"),
                          video_views=values.get("page_video_views"))


def _insights(answer: dict[str, Any]) -> dict[str, int]:
    """Return {metric: latest value} from an insights answer."""
    values = {}
    for metric in answer.get("data") or []:
        points = metric.get("values") or []
        if points and isinstance(points[-1].get("value"), int):
            values[str(metric["name"])] = points[-1]["value"]
    return values


def _total(node: dict[str, Any], edge: str) -> int | None:
    summary = (node.get(edge) or {}).get("summary") or {}
    count = summary.get("total_count")
    return int(count) if isinstance(count, int) else None

