"""The LinkedIn connector: an organization page through LinkedIn's versioned REST API.

Credentials: `access_token` (a member token with w_organization_social,
r_organization_social and rw_organization_admin, from an administrator of the page)
and `organization` (its id or `urn:li:organization:<id>`). Every call names the API
version it speaks in the `LinkedIn-Version` header; LinkedIn retires each version
about a year after its release.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
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
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.linkedin import little_text
from socialops.connectors.linkedin.capabilities import CAPABILITIES
from socialops.connectors.quotas import SentJournal

API = "https://api.linkedin.com"
API_VERSION = str(CAPABILITIES.api_version)
RECENT_POSTS = 10  # posts whose new comments the inbox reads
RECONCILE_WINDOW = timedelta(hours=1)
_journal = SentJournal()


def _now() -> datetime:
    return datetime.now(UTC)


def _from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _urn(value: str) -> str:
    return value if value.startswith("urn:li:") else f"urn:li:organization:{value}"


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json() if response.content else {}
    except ValueError as exc:
        raise RetryableError(f"LinkedIn answered with non-JSON: {exc}", code="bad_payload") from exc
    return data if isinstance(data, dict) else {}


def compose_text(req: PublishRequest) -> str:
    """Return the commentary as typed (the link goes in the article card instead)."""
    return req.text


def post_url(urn: str) -> str:
    """Return the public address of a post."""
    return f"https://www.linkedin.com/feed/update/{urn}/"


class LinkedInConnector:
    """Act on one LinkedIn organization page."""

    capabilities: Capabilities = CAPABILITIES

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        token = auth.credentials.get("access_token", "")
        if not token:
            raise AuthExpiredError("LinkedIn credentials need an 'access_token'",
                                   code="missing_token")
        organization = auth.credentials.get("organization") or auth.remote_id
        if not organization:
            raise PermanentError("LinkedIn credentials need the 'organization' id",
                                 code="missing_organization")
        self.auth = auth
        self.http = http
        self.base_url = (base_url or API).rstrip("/")
        self.organization = _urn(organization)
        if capabilities is not None:
            self.capabilities = capabilities
        self._headers = {"Authorization": f"Bearer {token}", "LinkedIn-Version": API_VERSION,
                         "X-Restli-Protocol-Version": "2.0.0"}
        self._scope = (self.organization, hashlib.sha256(token.encode()).hexdigest()[:16])

    def __repr__(self) -> str:
        return f"LinkedInConnector(organization={self.organization!r})"

    # -- plumbing --------------------------------------------------------------

    def _send(self, method: str, path_or_url: str, *,
              headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        url = path_or_url if "://" in path_or_url else f"{self.base_url}{path_or_url}"
        try:
            return self.http.request(method, url, headers={**self._headers, **(headers or {})},
                                     **kwargs)
        except RateLimitedError as exc:
            # LinkedIn's quotas are daily and reset at midnight UTC; its 429 says no more.
            midnight = datetime.combine(_now().date() + timedelta(days=1), time(), UTC)
            raise RateLimitedError(exc.message, retry_after=(midnight - _now()).total_seconds(),
                                   status=exc.status, code=exc.code) from exc

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return _json(self._send("GET", path, params=params))

    def _org_id(self) -> str:
        return self.organization.rsplit(":", 1)[1]

    # -- account ---------------------------------------------------------------

    def _followers(self) -> int | None:
        sizes = self._get(f"/rest/networkSizes/{quote(self.organization, safe='')}",
                          {"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"})
        return sizes.get("firstDegreeSize")

    def verify(self) -> AccountInfo:
        """Check the token and return the organization page it administers."""
        page = self._get(f"/rest/organizations/{quote(self._org_id(), safe='')}")
        name = str(page.get("localizedName") or page.get("vanityName") or self.organization)
        return AccountInfo(remote_id=self.organization,
                           handle=str(page.get("vanityName") or self._org_id()),
                           display_name=name, followers=self._followers())

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return each day's share statistics and follower gains; followers today only."""
        today = _now().date()
        until = min(until, today)
        if since > until:
            return []
        start = datetime.combine(since, time(), UTC)
        end = datetime.combine(until + timedelta(days=1), time(), UTC)
        interval = (f"(timeRange:(start:{_ms(start)},end:{_ms(end)}),"
                    "timeGranularityType:DAY)")
        org = quote(self.organization, safe="")
        shares = self._get_raw(f"/rest/organizationalEntityShareStatistics?q=organizationalEntity"
                               f"&organizationalEntity={org}&timeIntervals={interval}")
        follows = self._get_raw(f"/rest/organizationalEntityFollowerStatistics?q="
                                f"organizationalEntity&organizationalEntity={org}"
                                f"&timeIntervals={interval}")
        days: dict[date, dict[str, int | None]] = {}
        for element in shares.get("elements") or []:
            day = _from_ms(element["timeRange"]["start"]).date()
            stats = element.get("totalShareStatistics") or {}
            days.setdefault(day, {}).update(
                impressions=stats.get("impressionCount"),
                reach=stats.get("uniqueImpressionsCount"),
                link_clicks=stats.get("clickCount"),
                engagements=sum(stats.get(k) or 0
                                for k in ("likeCount", "commentCount", "shareCount")))
        for element in follows.get("elements") or []:
            day = _from_ms(element["timeRange"]["start"]).date()
            gains = element.get("followerGains") or {}
            days.setdefault(day, {})["follower_change"] = (
                (gains.get("organicFollowerGain") or 0) + (gains.get("paidFollowerGain") or 0))
        if since <= today <= until:
            days.setdefault(today, {})["followers"] = self._followers()
        return [AccountMetrics(day=day, **values)
                for day, values in sorted(days.items())]

    def _get_raw(self, path_and_query: str) -> dict[str, Any]:
        # Rest.li's List(...) and (key:value) syntax must reach LinkedIn unencoded.
        return _json(self._send("GET", f"{self.base_url}{path_and_query}"))

    # -- media -----------------------------------------------------------------

    def upload_media(self, ref: MediaRef) -> str:
        """Upload an image or a video to LinkedIn's media store; return its URN."""
        data = ref.data
        if data is None:
            assert ref.url is not None
            data = self.http.get(ref.url, follow_redirects=True).content
        if ref.mime.startswith("video/"):
            return self._upload_video(data)
        started = _json(self._send(
            "POST", "/rest/images", params={"action": "initializeUpload"}, retry_safe=True,
            json={"initializeUploadRequest": {"owner": self.organization}}))["value"]
        self._send("PUT", started["uploadUrl"], content=data,
                   headers={"Content-Type": "application/octet-stream"})
        return str(started["image"])

    def _upload_video(self, data: bytes) -> str:
        started = _json(self._send(
            "POST", "/rest/videos", params={"action": "initializeUpload"}, retry_safe=True,
            json={"initializeUploadRequest": {"owner": self.organization,
                                              "fileSizeBytes": len(data),
                                              "uploadCaptions": False,
                                              "uploadThumbnail": False}}))["value"]
        etags = []
        for part in started.get("uploadInstructions") or []:
            chunk = data[part["firstByte"]:part["lastByte"] + 1]
            response = self._send("PUT", part["uploadUrl"], content=chunk,
                                  headers={"Content-Type": "application/octet-stream"})
            etags.append(response.headers.get("etag", ""))
        self._send("POST", "/rest/videos", params={"action": "finalizeUpload"}, retry_safe=True,
                   json={"finalizeUploadRequest": {"video": started["video"],
                                                   "uploadToken": started.get("uploadToken", ""),
                                                   "uploadedPartIds": etags}})
        return str(started["video"])

    # -- publishing ------------------------------------------------------------

    def _content(self, req: PublishRequest, media: list[tuple[str, MediaRef]]) -> dict[str, Any]:
        if len(media) > 1:
            return {"multiImage": {"images": [{"id": urn, "altText": ref.alt_text}
                                              for urn, ref in media]}}
        if media:
            urn, ref = media[0]
            if urn.startswith("urn:li:video:"):
                return {"media": {"id": urn, "title": req.title or ""}}
            return {"media": {"id": urn, "altText": ref.alt_text}}
        if req.link:
            return {"article": {"source": req.link, "title": req.title or req.link}}
        return {}

    def publish(self, req: PublishRequest) -> PublishResult:
        """Create a post on the page (media first), or a comment when it replies."""
        if req.reply_to:
            return self.reply(req.reply_to, req.text, req.idempotency_key)
        media = [(self.upload_media(ref), ref) for ref in req.media]
        body: dict[str, Any] = {
            "author": self.organization, "commentary": little_text.escape(req.text),
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [],
                             "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED", "isReshareDisabledByAuthor": False,
        }
        content = self._content(req, media)
        if content:
            body["content"] = content
        _journal.sending(self._scope, req.idempotency_key, req.text, _now())
        # No idempotency key exists: a lost answer is an unknown outcome, never resent here.
        response = self._send("POST", "/rest/posts", json=body, retry_safe=False)
        urn = response.headers.get("x-restli-id") or str(_json(response).get("id") or "")
        if not urn:
            raise RetryableError("LinkedIn created a post without saying its id",
                                 code="bad_payload")
        result = PublishResult(remote_id=urn, url=post_url(urn), published_at=_now())
        _journal.sent(self._scope, req.idempotency_key, result)
        return result

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the post sent under this key: the same commentary, posted since it was sent.

        The process remembers what it sent; a caller elsewhere passes `request`, and
        then the page's posts of the last hour are compared.
        """
        entry = _journal.get(self._scope, idempotency_key)
        if entry is not None and entry.result is not None:
            return entry.result
        if entry is not None:
            text, since = entry.text, entry.sent_at - SentJournal.CLOCK_SKEW
        elif request is not None:
            text, since = request.text, _now() - RECONCILE_WINDOW
        else:
            return None
        for post in self._recent_posts(50):
            created = _from_ms(int(post.get("createdAt") or post.get("publishedAt") or 0))
            if created >= since and little_text.unescape(post.get("commentary") or "") == text:
                return PublishResult(remote_id=str(post["id"]), url=post_url(str(post["id"])),
                                     published_at=created)
        return None

    def _recent_posts(self, count: int) -> list[dict[str, Any]]:
        page = self._get("/rest/posts", {"q": "author", "author": self.organization,
                                         "count": count, "sortBy": "LAST_MODIFIED"})
        return list(page.get("elements") or [])

    def delete(self, remote_id: str) -> None:
        """Delete a post, or a comment of the page; one already gone counts as deleted."""
        if remote_id.startswith("urn:li:comment:"):
            parent, comment_id = _comment_parts(remote_id)
            path = (f"/rest/socialActions/{quote(parent, safe='')}/comments/"
                    f"{quote(comment_id, safe='')}")
            params: dict[str, Any] | None = {"actor": self.organization}
        else:
            path, params = f"/rest/posts/{quote(remote_id, safe='')}", None
        try:
            self._send("DELETE", path, params=params)
        except PermanentError as exc:
            if exc.status not in (404, 410):
                raise

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Comment as the page under a post, or answer a comment in its thread."""
        body: dict[str, Any] = {"actor": self.organization,
                                "message": {"text": little_text.escape(text)}}
        if parent_remote_id.startswith("urn:li:comment:"):
            target, _comment_id = _comment_parts(parent_remote_id)
            body["object"] = target
            body["parentComment"] = parent_remote_id
            path_urn = parent_remote_id
        else:
            body["object"] = path_urn = parent_remote_id
        _journal.sending(self._scope, idempotency_key, text, _now())
        response = self._send("POST", f"/rest/socialActions/{quote(path_urn, safe='')}/comments",
                              json=body, retry_safe=False)
        created = _json(response)
        urn = str(created.get("commentUrn") or response.headers.get("x-restli-id") or "")
        when = (created.get("created") or {}).get("time")
        result = PublishResult(remote_id=urn, url=post_url(str(body["object"])),
                               published_at=_from_ms(when) if when else _now())
        _journal.sent(self._scope, idempotency_key, result)
        return result

    # -- inbox and listening ---------------------------------------------------

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return comments on the page's recent posts made after `cursor`, oldest first.

        The cursor is the newest comment time seen (milliseconds since the epoch).
        """
        after = int(cursor) if cursor and cursor.isdigit() else 0
        items: list[InboundItem] = []
        newest = after
        for post in self._recent_posts(RECENT_POSTS):
            urn = str(post["id"])
            page = self._get(f"/rest/socialActions/{quote(urn, safe='')}/comments",
                             {"count": 100})
            for comment in page.get("elements") or []:
                created = int((comment.get("created") or {}).get("time") or 0)
                newest = max(newest, created)
                if created > after and comment.get("actor") != self.organization:
                    items.append(self._inbound(comment, urn))
        items.sort(key=lambda i: i.created_at)
        return InboxPage(items=items, cursor=str(newest) if newest else cursor)

    @staticmethod
    def _inbound(comment: dict[str, Any], post_urn: str) -> InboundItem:
        parent = comment.get("parentComment")
        actor = str(comment.get("actor") or "")
        return InboundItem(
            remote_id=str(comment.get("commentUrn") or comment["id"]),
            kind="reply" if parent else "comment",
            author_handle=actor, author_name=actor,
            text=little_text.unescape((comment.get("message") or {}).get("text") or ""),
            created_at=_from_ms(int(comment["created"]["time"])), thread_key=post_urn,
            parent_remote_id=str(parent or post_urn), post_remote_id=post_urn,
            raw={"url": post_url(post_urn)},
        )

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Refuse: LinkedIn offers no public post search (see capabilities)."""
        raise PermanentError("LinkedIn has no post search API", code="unsupported")

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return the lifetime share statistics of each post of the page."""
        org = quote(self.organization, safe="")
        metrics: list[PostMetrics] = []
        for kind, prefix in (("shares", "urn:li:share:"), ("ugcPosts", "urn:li:ugcPost:")):
            urns = [u for u in remote_ids if u.startswith(prefix)]
            for start in range(0, len(urns), 20):
                batch = ",".join(quote(u, safe="") for u in urns[start:start + 20])
                page = self._get_raw(f"/rest/organizationalEntityShareStatistics?q="
                                     f"organizationalEntity&organizationalEntity={org}"
                                     f"&{kind}=List({batch})")
                for element in page.get("elements") or []:
                    stats = element.get("totalShareStatistics") or {}
                    metrics.append(PostMetrics(
                        remote_id=str(element.get("share") or element.get("ugcPost")),
                        impressions=stats.get("impressionCount"),
                        reach=stats.get("uniqueImpressionsCount"),
                        reactions=stats.get("likeCount"), comments=stats.get("commentCount"),
                        shares=stats.get("shareCount"), clicks=stats.get("clickCount")))
        return metrics


def _comment_parts(comment_urn: str) -> tuple[str, str]:
    """Split `urn:li:comment:(urn:li:activity:1,2)` into (activity URN, comment id)."""
    inner = comment_urn.removeprefix("urn:li:comment:").strip("()")
    target, _, comment_id = inner.rpartition(",")
    return target, comment_id
