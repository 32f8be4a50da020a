"""The Bluesky connector: AT Protocol through the `atproto` SDK, app-password login.

Credentials: `identifier` (handle or DID), `app_password`, and optionally `service`
(the PDS URL, https://bsky.social by default). Sessions are cached per process and
refreshed by the SDK, so a poll every few seconds does not spend Bluesky's
createSession allowance (30 per 5 minutes).
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import httpx
from atproto import Client
from atproto_client.exceptions import (
    AtProtocolError,
    BadRequestError,
    InvokeTimeoutError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
    UnauthorizedError,
)
from atproto_client.request import Request

from socialops.connectors.base import (
    AccountInfo,
    AccountMetrics,
    Capabilities,
    ChannelAuth,
    InboundItem,
    InboxPage,
    PostMetrics,
    PublishRequest,
    PublishResult,
)
from socialops.connectors.bluesky.capabilities import CAPABILITIES
from socialops.connectors.bluesky.facets import build_facets
from socialops.connectors.bluesky.record_keys import tid_for
from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient

DEFAULT_SERVICE = "https://bsky.social"
POST = "app.bsky.feed.post"
_INBOUND_REASONS = {"mention": "mention", "reply": "reply", "quote": "mention"}

_sessions: dict[tuple[str, str], str] = {}
_sessions_lock = threading.Lock()


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: str) -> datetime:
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _split_uri(uri: str) -> tuple[str, str, str]:
    """Return (repo, collection, rkey) of an at:// URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        raise PermanentError(f"not a Bluesky post URI: {uri!r}", code="bad_uri")
    return parts[0], parts[1], parts[2]


def _as_error(exc: AtProtocolError, *, publishing: bool = False) -> ConnectorError:
    """Map an SDK failure to one of the connector error kinds."""
    status = None
    message = str(exc)
    if isinstance(exc, RequestErrorBase) and exc.response is not None:
        status = exc.response.status_code
        content = exc.response.content
        message = getattr(content, "message", None) or getattr(content, "error", None) or message
    if isinstance(exc, RateLimitExceededError):
        reset = exc.response.headers.get("ratelimit-reset") if exc.response else None
        wait = max(1.0, float(reset) - _now().timestamp()) if reset else 60.0
        return RateLimitedError(message, retry_after=wait, status=status)
    if isinstance(exc, UnauthorizedError):
        return AuthExpiredError(message, status=status)
    if isinstance(exc, InvokeTimeoutError) and publishing:
        return UnknownOutcomeError(message, status=status)
    if isinstance(exc, NetworkError):
        return RetryableError(message, status=status)
    if status is not None and status >= 500:
        if publishing and status in (502, 504):
            return UnknownOutcomeError(message, status=status)
        return RetryableError(message, status=status)
    return PermanentError(message, status=status)


class BlueskyConnector:
    """Act on one Bluesky account."""

    capabilities: Capabilities = CAPABILITIES

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        self.auth = auth
        self.service = (base_url or auth.credentials.get("service") or DEFAULT_SERVICE).rstrip("/")
        self.identifier = auth.credentials.get("identifier") or auth.handle
        self._password = auth.credentials.get("app_password", "")
        if capabilities is not None:
            self.capabilities = capabilities
        timeout = httpx.Timeout(20.0, connect=5.0)
        self._client = Client(base_url=self.service, request=Request(timeout=timeout))
        self._did = ""

    # -- session ---------------------------------------------------------------

    def _login(self) -> None:
        key = (self.service, self.identifier)
        with _sessions_lock:
            cached = _sessions.get(key)
        try:
            if cached:
                try:
                    self._client.login(session_string=cached)
                except UnauthorizedError:
                    cached = None
            if not cached:
                if not self._password:
                    raise AuthExpiredError("no app password for this Bluesky account")
                self._client.login(self.identifier, self._password)
        except AtProtocolError as exc:
            raise _as_error(exc) from exc
        with _sessions_lock:
            _sessions[key] = self._client.export_session_string()
        assert self._client.me is not None
        self._did = self._client.me.did

    def _call(self, fn: Any, *args: Any, publishing: bool = False, **kwargs: Any) -> Any:
        if not self._did:
            self._login()
        try:
            return fn(*args, **kwargs)
        except AtProtocolError as exc:
            raise _as_error(exc, publishing=publishing) from exc

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Log in and return the account's profile."""
        if not self._did:
            self._login()
        profile = self._call(self._client.get_profile, self._did)
        return AccountInfo(remote_id=profile.did, handle=profile.handle,
                           display_name=profile.display_name or profile.handle,
                           followers=profile.followers_count)

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return today's follower count when today is asked for; Bluesky keeps no history.

        The profile only says how many followers the account has now, so past days and
        every other counter are unknown (collected daily, the counts build the history).
        """
        today = _now().date()
        if not since <= today <= until:
            return []
        return [AccountMetrics(day=today, followers=self.verify().followers)]

    # -- publishing ------------------------------------------------------------

    def _result(self, uri: str, published_at: datetime) -> PublishResult:
        _repo, _collection, rkey = _split_uri(uri)
        handle = self._client.me.handle if self._client.me else self.identifier
        return PublishResult(remote_id=uri, url=f"https://bsky.app/profile/{handle}/post/{rkey}",
                             published_at=published_at)

    def _resolve(self, handle: str) -> str | None:
        try:
            return str(self._client.resolve_handle(handle).did)
        except AtProtocolError:
            return None

    def _embed(self, req: PublishRequest) -> dict[str, Any] | None:
        if req.media:
            images = []
            for media in req.media:
                if media.data is None:
                    raise PermanentError("Bluesky needs the image bytes, not a URL",
                                         code="media_url")
                blob = self._call(self._client.upload_blob, media.data).blob
                images.append({"image": blob.model_dump(by_alias=True, exclude_none=True),
                               "alt": media.alt_text})
            return {"$type": "app.bsky.embed.images", "images": images}
        if req.link:
            return {"$type": "app.bsky.embed.external",
                    "external": {"uri": req.link, "title": req.title or req.link,
                                 "description": ""}}
        return None

    def _reply_refs(self, parent_uri: str) -> dict[str, Any]:
        repo, collection, rkey = _split_uri(parent_uri)
        parent = self._call(self._client.com.atproto.repo.get_record,
                            {"repo": repo, "collection": collection, "rkey": rkey})
        parent_ref = {"uri": parent.uri, "cid": parent.cid}
        reply = getattr(parent.value, "reply", None)
        root_ref = ({"uri": reply.root.uri, "cid": reply.root.cid} if reply is not None
                    else parent_ref)
        return {"root": root_ref, "parent": parent_ref}

    def publish(self, req: PublishRequest) -> PublishResult:
        """Create the post under the record key derived from the idempotency key."""
        if not self._did:
            self._login()
        rkey = tid_for(req.idempotency_key)
        existing = self.find_published(req.idempotency_key)
        if existing is not None:
            return existing
        created_at = _now()
        record: dict[str, Any] = {
            "$type": POST, "text": req.text,
            "createdAt": created_at.isoformat().replace("+00:00", "Z"),
            "facets": build_facets(req.text, self._resolve),
        }
        embed = self._embed(req)
        if embed is not None:
            record["embed"] = embed
        if req.reply_to:
            record["reply"] = self._reply_refs(req.reply_to)
        try:
            response = self._client.com.atproto.repo.create_record(
                {"repo": self._did, "collection": POST, "rkey": rkey, "record": record})
        except BadRequestError as exc:
            # The same key was already used: the earlier try went through.
            found = self.find_published(req.idempotency_key)
            if found is not None:
                return found
            raise _as_error(exc, publishing=True) from exc
        except AtProtocolError as exc:
            raise _as_error(exc, publishing=True) from exc
        return self._result(response.uri, created_at)

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Return the post created with this key, if it exists."""
        if not self._did:
            self._login()
        try:
            found = self._client.com.atproto.repo.get_record(
                {"repo": self._did, "collection": POST, "rkey": tid_for(idempotency_key)})
        except BadRequestError:
            return None
        except AtProtocolError as exc:
            raise _as_error(exc) from exc
        return self._result(found.uri, _parse_time(found.value.created_at))

    def delete(self, remote_id: str) -> None:
        """Delete one of the account's posts (already deleted is fine)."""
        repo, collection, rkey = _split_uri(remote_id)
        self._call(self._client.com.atproto.repo.delete_record,
                   {"repo": repo, "collection": collection, "rkey": rkey})

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a post, keeping the thread's root."""
        return self.publish(PublishRequest(text=text, placement="comment",
                                           idempotency_key=idempotency_key,
                                           reply_to=parent_remote_id))

    # -- listening and inbox ---------------------------------------------------

    def _inbound(self, note: Any) -> InboundItem | None:
        kind = _INBOUND_REASONS.get(note.reason)
        if kind is None:
            return None
        record = note.record
        reply = getattr(record, "reply", None)
        root = reply.root.uri if reply is not None else note.uri
        parent = reply.parent.uri if reply is not None else None
        return InboundItem(
            remote_id=note.uri, kind=kind,  # type: ignore[arg-type]
            author_handle=note.author.handle,
            author_name=note.author.display_name or note.author.handle,
            text=getattr(record, "text", ""), created_at=_parse_time(record.created_at),
            thread_key=root, parent_remote_id=parent,
            post_remote_id=root if reply is not None else None,
            language=(getattr(record, "langs", None) or [None])[0],
            raw={"reason": note.reason, "indexed_at": note.indexed_at, "cid": note.cid},
        )

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return mentions, replies and quotes indexed after ``cursor``, oldest first.

        Bluesky lists notifications newest first with a cursor towards older ones,
        so our cursor is the newest `indexedAt` already returned.
        """
        fresh: list[Any] = []
        page_cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": min(100, max(1, limit))}
            if page_cursor:
                params["cursor"] = page_cursor
            page = self._call(self._client.app.bsky.notification.list_notifications, params)
            older = [n for n in page.notifications if cursor is None or n.indexed_at > cursor]
            fresh.extend(older)
            if len(older) < len(page.notifications) or not page.cursor or len(fresh) >= limit:
                break
            page_cursor = page.cursor
        fresh.sort(key=lambda n: n.indexed_at)
        fresh = fresh[:limit]
        items = [item for n in fresh if (item := self._inbound(n)) is not None]
        return InboxPage(items=items, cursor=fresh[-1].indexed_at if fresh else cursor)

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Return public posts matching ``query`` (the AppView's search)."""
        params: dict[str, Any] = {"q": query, "limit": min(100, max(1, limit))}
        if cursor:
            params["cursor"] = cursor
        page = self._call(self._client.app.bsky.feed.search_posts, params)
        items = [
            InboundItem(remote_id=p.uri, kind="mention", author_handle=p.author.handle,
                        author_name=p.author.display_name or p.author.handle,
                        text=getattr(p.record, "text", ""),
                        created_at=_parse_time(p.record.created_at), thread_key=p.uri)
            for p in page.posts
        ]
        return InboxPage(items=items, cursor=page.cursor)

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return likes, reposts + quotes, and replies for each post."""
        metrics: list[PostMetrics] = []
        for start in range(0, len(remote_ids), 25):  # getPosts takes 25 URIs at most
            posts = self._call(self._client.get_posts, remote_ids[start:start + 25]).posts
            metrics.extend(
                PostMetrics(remote_id=p.uri, reactions=p.like_count or 0,
                            comments=p.reply_count or 0,
                            shares=(p.repost_count or 0) + (p.quote_count or 0))
                for p in posts
            )
        return metrics

