"""Connect to the sandbox network over HTTP, as a real connector would to a real network."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from socialops.connectors.base import (
    AccountInfo,
    AccountMetrics,
    ChannelAuth,
    InboundItem,
    InboxPage,
    MediaRef,
    PostMetrics,
    PublishRequest,
    PublishResult,
)
from socialops.connectors.capabilities import Capabilities
from socialops.connectors.errors import AuthExpiredError, ConnectorError, PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.sandbox.capabilities import CAPABILITIES

DEFAULT_BASE_URL = "http://127.0.0.1:8765"
RECONCILE_WINDOW = 100  # how many recent posts find_published looks through
METRICS_BATCH = 50
DAYS_PER_CALL = 366  # the server's limit for /v1/me/daily
INBOUND_KINDS = ("comment", "reply", "mention", "dm", "reaction")


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise PermanentError(f"Sandbox answered with non-JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PermanentError("Sandbox answered with an unexpected JSON shape")
    return data


class SandboxConnector:
    """Implement the Connector protocol against the sandbox HTTP API.

    With `capabilities=` it emulates another network (limits, placements, idempotency),
    which is how the demo runs "Instagram" or "X" channels locally.
    """

    capabilities: Capabilities = CAPABILITIES

    def __init__(
        self,
        auth: ChannelAuth,
        http: HttpClient,
        *,
        base_url: str | None = None,
        capabilities: Capabilities | None = None,
    ):
        token = auth.credentials.get("token")
        if not token:
            raise AuthExpiredError("Sandbox credentials need a 'token'", code="missing_token")
        self.auth = auth
        self.http = http
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        if capabilities is not None:
            self.capabilities = capabilities
        self._headers = {"Authorization": f"Bearer {token}"}

    def __repr__(self) -> str:
        return (
            f"SandboxConnector(handle={self.auth.handle!r}, base_url={self.base_url!r}, "
            f"network={self.capabilities.network!r})"
        )

    # Plumbing

    def _url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return _json(self.http.get(self._url(path), params=params, headers=self._headers))

    def _create(self, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        # Retrying a create is safe only where the network honours the key; elsewhere a
        # lost answer must surface as UnknownOutcomeError and be reconciled.
        response = self.http.post(
            self._url(path),
            json=body,
            headers=self._headers,
            idempotency_key=key,
            retry_safe=self.capabilities.idempotent_publish,
        )
        return _json(response)

    @staticmethod
    def _result(data: dict[str, Any]) -> PublishResult:
        return PublishResult(
            remote_id=str(data["id"]),
            url=str(data["url"]),
            published_at=_parse_time(data["created_at"]),
        )

    # The Connector protocol

    def verify(self) -> AccountInfo:
        """Check the token and return the account it belongs to."""
        data = self._get("/v1/me")
        return AccountInfo(
            remote_id=str(data["id"]),
            handle=str(data["handle"]),
            display_name=str(data["display_name"]),
            followers=data.get("followers"),
        )

    def upload_media(self, ref: MediaRef, idempotency_key: str) -> str:
        """Upload one media file (fetching it first if given by URL); return its id."""
        data = ref.data
        if data is None:
            assert ref.url is not None
            data = self.http.get(ref.url, follow_redirects=True).content
        response = self.http.post(
            self._url("/v1/media"),
            content=data,
            headers={**self._headers, "Content-Type": ref.mime},
            idempotency_key=idempotency_key,
            retry_safe=self.capabilities.idempotent_publish,
        )
        return str(_json(response)["id"])

    def publish(self, req: PublishRequest) -> PublishResult:
        """Publish a post (uploading its media first); see UnknownOutcomeError."""
        media = [
            {
                "id": self.upload_media(ref, f"{req.idempotency_key}:media:{index}"),
                "alt_text": ref.alt_text,
            }
            for index, ref in enumerate(req.media)
        ]
        body: dict[str, Any] = {
            "text": req.text,
            "placement": req.placement,
            "media": media,
            "link": req.link,
            "title": req.title,
            "client_ref": req.idempotency_key,
        }
        if req.reply_to:
            body["reply_to"] = req.reply_to
        return self._result(self._create("/v1/posts", body, req.idempotency_key))

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the post sent with this key among the account's recent posts and replies."""
        data = self._get("/v1/me/posts", {"limit": RECONCILE_WINDOW})
        for post in data.get("posts", []):
            if post.get("client_ref") == idempotency_key:
                return self._result(post)
        return None

    def delete(self, remote_id: str) -> None:
        """Delete a post; a post already gone counts as deleted."""
        try:
            self.http.delete(
                self._url(f"/v1/posts/{quote(remote_id, safe='')}"), headers=self._headers
            )
        except PermanentError as exc:
            if exc.status != 404:
                raise

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a comment, a post or a DM (the server routes by the parent's kind)."""
        path = f"/v1/posts/{quote(parent_remote_id, safe='')}/replies"
        body = {"text": text, "client_ref": idempotency_key}
        return self._result(self._create(path, body, idempotency_key))

    def send_dm(self, handle: str, text: str, idempotency_key: str) -> PublishResult:
        """Start a direct conversation with a handle (sandbox-only helper)."""
        body = {"to": handle, "text": text, "client_ref": idempotency_key}
        return self._result(self._create("/v1/dms", body, idempotency_key))

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return comments, replies, mentions and DMs after `cursor`, oldest first."""
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        data = self._get("/v1/inbox", params)
        items = [self._inbound(item) for item in data.get("items", [])]
        return InboxPage(items=items, cursor=data.get("cursor") or cursor)

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return the counters of the given posts (unknown or foreign ids are skipped)."""
        results: list[PostMetrics] = []
        for start in range(0, len(remote_ids), METRICS_BATCH):
            batch = remote_ids[start : start + METRICS_BATCH]
            data = self._get("/v1/metrics", {"ids": ",".join(batch)})
            results.extend(
                PostMetrics(
                    remote_id=str(m["id"]),
                    impressions=m.get("impressions"),
                    reach=m.get("reach"),
                    reactions=m.get("reactions"),
                    comments=m.get("comments"),
                    shares=m.get("shares"),
                    saves=m.get("saves"),
                    clicks=m.get("clicks"),
                    video_views=m.get("video_views"),
                )
                for m in data.get("metrics", [])
            )
        return results

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return the account's daily counters from `since` to `until` (days to come omitted)."""
        results: list[AccountMetrics] = []
        start = since
        while start <= until:
            end = min(until, start + timedelta(days=DAYS_PER_CALL - 1))
            data = self._get("/v1/me/daily", {"since": start.isoformat(),
                                              "until": end.isoformat()})
            results.extend(
                AccountMetrics(
                    day=date.fromisoformat(d["day"]),
                    followers=d.get("followers"),
                    follower_change=d.get("follower_change"),
                    impressions=d.get("impressions"),
                    reach=d.get("reach"),
                    engagements=d.get("engagements"),
                    profile_visits=d.get("profile_visits"),
                    link_clicks=d.get("link_clicks"),
                    video_views=d.get("video_views"),
                )
                for d in data.get("days", [])
            )
            start = end + timedelta(days=1)
        return results

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Return public posts containing `query`, newest first, as mention items."""
        params: dict[str, Any] = {"q": query, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        data = self._get("/v1/search", params)
        items = [self._inbound({**item, "kind": "mention"}) for item in data.get("items", [])]
        return InboxPage(items=items, cursor=data.get("cursor") or cursor)

    @staticmethod
    def _inbound(item: dict[str, Any]) -> InboundItem:
        kind = item.get("kind")
        if kind not in INBOUND_KINDS:
            raise ConnectorError(f"Unexpected inbound kind {kind!r}", code="bad_payload")
        author = item.get("author") or {}
        root = item.get("post_id") or item.get("root_id") or item.get("id")
        return InboundItem(
            remote_id=str(item["id"]),
            kind=kind,
            author_handle=str(author.get("handle", "")),
            author_name=str(author.get("display_name", "")),
            text=str(item.get("text", "")),
            created_at=_parse_time(item["created_at"]),
            thread_key=str(item.get("thread_key") or f"post:{root}"),
            parent_remote_id=item.get("parent_id"),
            post_remote_id=None if kind == "dm" else str(root),
            language=item.get("lang"),
            raw=item,
        )
