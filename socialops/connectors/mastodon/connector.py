"""The Mastodon connector: Mastodon's documented REST API through our one HTTP client.

Credentials: `access_token` (a user token with the `read` and `write` scopes, from
the instance's OAuth flow or its Development settings page) and `instance` (the
server's address, e.g. `https://mastodon.social`). Every request goes through
`HttpClient`, so the address guard, timeouts and error kinds are the same as for
every other network (ADR 0011 says why not Mastodon.py).

A retried publication cannot post twice: statuses are created with an
`Idempotency-Key` header, which Mastodon honours for one hour.
"""

from __future__ import annotations

import hashlib
import mimetypes
import time
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlsplit

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
    RetryableError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.mastodon.capabilities import CAPABILITIES
from socialops.connectors.mastodon.content import comparable, html_to_text
from socialops.connectors.quotas import (
    QuotaHeaders,
    RateBudget,
    SentJournal,
    parse_iso_reset,
)

PAGE_MAX = 40  # Mastodon's largest page for statuses, notifications and search
METRICS_BATCH = 20  # GET /api/v1/statuses takes up to 20 id[] (Mastodon 4.3)
MEDIA_POLL_ATTEMPTS = 60
_VISIBILITY_RANK = {"public": 0, "unlisted": 1, "private": 2, "direct": 3}

# Mastodon reports its quota on every answer: 300 calls per 5 minutes, and separate
# windows for media uploads and deletions (tracked as their own buckets).
_budget = RateBudget([QuotaHeaders("requests", "X-RateLimit-Remaining", "X-RateLimit-Reset")],
                     parse_iso_reset)
_journal = SentJournal()


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: str) -> datetime:
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _instance_url(value: str) -> str:
    value = value.strip().rstrip("/")
    return value if "://" in value else f"https://{value}"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise RetryableError(f"Mastodon answered with non-JSON: {exc}", code="bad_payload") from exc


def compose_text(req: PublishRequest) -> str:
    """Return the status text for a request: Mastodon has no link field, so append it."""
    if req.link and req.link not in req.text:
        return f"{req.text}\n\n{req.link}" if req.text else req.link
    return req.text


class MastodonConnector:
    """Act on one account of one Mastodon instance."""

    capabilities: Capabilities = CAPABILITIES
    media_poll_interval = 1.0  # seconds between checks of a video still being processed

    def __init__(self, auth: ChannelAuth, http: HttpClient, *, base_url: str | None = None,
                 capabilities: Capabilities | None = None) -> None:
        token = auth.credentials.get("access_token", "")
        if not token:
            raise AuthExpiredError("Mastodon credentials need an 'access_token'",
                                   code="missing_token")
        instance = base_url or auth.credentials.get("instance", "")
        if not instance:
            raise PermanentError("Mastodon credentials need the 'instance' address",
                                 code="missing_instance")
        self.auth = auth
        self.http = http
        self.base_url = _instance_url(instance)
        if capabilities is not None:
            self.capabilities = capabilities
        self._headers = {"Authorization": f"Bearer {token}"}
        # Quotas and the journal are per account; the token itself is not kept as a key.
        self._scope = (self.base_url, hashlib.sha256(token.encode()).hexdigest()[:16])
        self._account: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"MastodonConnector(handle={self.auth.handle!r}, instance={self.base_url!r})"

    # -- plumbing --------------------------------------------------------------

    def _send(self, method: str, path: str, *, bucket: str = "api",
              headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """Send one request, refusing it early when the instance's quota is spent."""
        _budget.check(self._scope, bucket)
        try:
            response = self.http.request(method, f"{self.base_url}{path}",
                                         headers={**self._headers, **(headers or {})}, **kwargs)
        except RetryableError as exc:
            raise _budget.explain(self._scope, bucket, exc) from exc
        _budget.note(self._scope, bucket, response.headers)
        return response

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return _json(self._send("GET", path, params=params))

    def _me(self) -> dict[str, Any]:
        if self._account is None:
            self._account = self._get("/api/v1/accounts/verify_credentials")
        return self._account

    def _status(self, status_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self._get(f"/api/v1/statuses/{quote(status_id, safe='')}")
        return result

    @staticmethod
    def _result(status: dict[str, Any]) -> PublishResult:
        return PublishResult(remote_id=str(status["id"]),
                             url=str(status.get("url") or status.get("uri") or ""),
                             published_at=_parse_time(status["created_at"]))

    # -- account ---------------------------------------------------------------

    def verify(self) -> AccountInfo:
        """Check the token and return the account it belongs to."""
        self._account = None
        data = self._me()
        acct = str(data.get("acct") or data["username"])
        host = urlsplit(self.base_url).netloc
        return AccountInfo(remote_id=str(data["id"]),
                           handle=acct if "@" in acct else f"{acct}@{host}",
                           display_name=str(data.get("display_name") or data["username"]),
                           followers=data.get("followers_count"))

    def fetch_account_metrics(self, since: date, until: date) -> list[AccountMetrics]:
        """Return today's follower count when today is asked for; Mastodon keeps no history."""
        today = _now().date()
        if not since <= today <= until:
            return []
        return [AccountMetrics(day=today, followers=self.verify().followers)]

    # -- publishing ------------------------------------------------------------

    def upload_media(self, ref: MediaRef) -> str:
        """Upload one file with its alt text (POST /api/v2/media); return the media id."""
        data = ref.data
        if data is None:
            assert ref.url is not None
            data = self.http.get(ref.url, follow_redirects=True).content
        filename = "upload" + (mimetypes.guess_extension(ref.mime) or "")
        fields = {"description": ref.alt_text} if ref.alt_text else {}
        # httpx encodes the multipart body; our client then sends it like any other.
        encoded = httpx.Request("POST", self.base_url, data=fields,
                                files={"file": (filename, data, ref.mime)})
        body = encoded.read()
        # A lost answer leaves at worst an unattached file, which the instance deletes.
        response = self._send("POST", "/api/v2/media", bucket="media", content=body,
                              headers={"Content-Type": encoded.headers["Content-Type"]},
                              retry_safe=True)
        media = _json(response)
        if response.status_code == 202 or not media.get("url"):
            media = self._wait_for_media(str(media["id"]))
        return str(media["id"])

    def _wait_for_media(self, media_id: str) -> dict[str, Any]:
        """Poll a media still being processed (video) until the instance has its URL."""
        for _attempt in range(MEDIA_POLL_ATTEMPTS):
            time.sleep(self.media_poll_interval)
            response = self._send("GET", f"/api/v1/media/{quote(media_id, safe='')}")
            if response.status_code == 200:
                media: dict[str, Any] = _json(response)
                return media
        raise RetryableError(f"Mastodon is still processing media {media_id}",
                             code="media_processing")

    def _reply_fields(self, parent_id: str, text: str) -> dict[str, Any]:
        """Answer in the parent's audience: a DM stays a DM, and its people are mentioned."""
        parent = self._status(parent_id)
        me = str(self._me()["id"])
        visibility = str(parent.get("visibility") or "public")
        people = [parent["account"]]
        if visibility == "direct":
            people += parent.get("mentions") or []
        mentions = []
        for person in people:
            handle = "@" + str(person.get("acct") or person.get("username"))
            if str(person.get("id")) != me and handle not in text and handle not in mentions:
                mentions.append(handle)
        status = " ".join([*mentions, text]) if mentions else text
        return {"status": status, "in_reply_to_id": str(parent["id"]), "visibility": visibility}

    def publish(self, req: PublishRequest) -> PublishResult:
        """Create a status (media first) with the request's Idempotency-Key."""
        body: dict[str, Any] = {
            "status": compose_text(req),
            "visibility": "direct" if req.placement == "dm" else "public",
        }
        if req.media:
            body["media_ids"] = [self.upload_media(ref) for ref in req.media]
        if req.reply_to:
            body.update(self._reply_fields(req.reply_to, body["status"]))
        _journal.sending(self._scope, req.idempotency_key, body["status"], _now())
        # Mastodon deduplicates on the key for an hour, but the dispatcher may come back
        # later than that: a lost answer is an unknown outcome, reconciled before resending.
        response = self._send("POST", "/api/v1/statuses", json=body,
                              idempotency_key=req.idempotency_key, retry_safe=False)
        status = _json(response)
        result = self._result(status)
        _journal.sent(self._scope, req.idempotency_key, result)
        return result

    def find_published(self, idempotency_key: str,
                       request: PublishRequest | None = None) -> PublishResult | None:
        """Find the status sent with this key among the account's recent statuses.

        Mastodon does not show a status's key, so the text sent under it (remembered by
        this process, or taken from `request`) is matched against the account's 40 latest
        statuses. With neither, return None: resending under the same key is then safe
        for an hour, since Mastodon answers a repeated key with the status it created.
        """
        entry = _journal.get(self._scope, idempotency_key)
        if entry is not None and entry.result is not None:
            return entry.result
        text = entry.text if entry is not None else (compose_text(request) if request else None)
        if text is None:
            return None
        wanted = comparable(text)
        since = entry.sent_at if entry is not None else None
        me = quote(str(self._me()["id"]), safe="")
        statuses = self._get(f"/api/v1/accounts/{me}/statuses",
                             {"limit": PAGE_MAX, "exclude_reblogs": "true"})
        for status in statuses:
            created = _parse_time(status["created_at"])
            if since is not None and created < since - SentJournal.CLOCK_SKEW:
                continue
            if comparable(html_to_text(status.get("content") or "")) == wanted:
                return self._result(status)
        return None

    def delete(self, remote_id: str) -> None:
        """Delete a status; one already gone counts as deleted."""
        try:
            self._send("DELETE", f"/api/v1/statuses/{quote(remote_id, safe='')}",
                       bucket="delete")
        except PermanentError as exc:
            if exc.status != 404:
                raise

    def reply(self, parent_remote_id: str, text: str, idempotency_key: str) -> PublishResult:
        """Answer a status or a DM, in the same audience and mentioning its author."""
        return self.publish(PublishRequest(text=text, placement="comment",
                                           idempotency_key=idempotency_key,
                                           reply_to=parent_remote_id))

    # -- inbox and listening ---------------------------------------------------

    def fetch_inbox(self, cursor: str | None, limit: int) -> InboxPage:
        """Return mentions, replies and DMs notified after `cursor`, oldest first.

        A DM is a status of `direct` visibility that mentions the account, so every
        kind arrives as a `mention` notification; the cursor is the newest
        notification id returned (`min_id` pages forward from it).
        """
        params: dict[str, Any] = {"types[]": ["mention"], "limit": min(PAGE_MAX, max(1, limit))}
        if cursor:
            params["min_id"] = cursor
        notes = sorted(self._get("/api/v1/notifications", params),
                       key=lambda n: (len(str(n["id"])), str(n["id"])))
        me = str(self._me()["id"])
        items = [self._inbound(n["status"], me) for n in notes if n.get("status")]
        return InboxPage(items=items, cursor=str(notes[-1]["id"]) if notes else cursor)

    @staticmethod
    def _inbound(status: dict[str, Any], me: str) -> InboundItem:
        account = status.get("account") or {}
        parent = status.get("in_reply_to_id")
        to_me = parent is not None and str(status.get("in_reply_to_account_id")) == me
        if status.get("visibility") == "direct":
            kind, thread = "dm", f"dm:{account.get('id')}"
        elif to_me:
            kind, thread = "reply", str(parent)
        else:
            kind, thread = "mention", str(status["id"])
        return InboundItem(
            remote_id=str(status["id"]), kind=kind,  # type: ignore[arg-type]
            author_handle=str(account.get("acct") or ""),
            author_name=str(account.get("display_name") or account.get("acct") or ""),
            text=html_to_text(status.get("content") or ""),
            created_at=_parse_time(status["created_at"]), thread_key=thread,
            parent_remote_id=str(parent) if parent else None,
            post_remote_id=str(parent) if to_me else None,
            language=status.get("language"),
            raw={"url": status.get("url"), "visibility": status.get("visibility")},
        )

    def search(self, query: str, cursor: str | None, limit: int) -> InboxPage:
        """Return public statuses matching `query`, newest first; the cursor goes older.

        A single hashtag reads the tag's timeline, which every instance serves; other
        words use full-text search, which instances offer only when they run a search
        engine (without one they match only the account's own and interacted statuses).
        """
        size = min(PAGE_MAX, max(1, limit))
        term = query.strip()
        if term.startswith("#") and " " not in term and len(term) > 1:
            params: dict[str, Any] = {"limit": size}
            if cursor:
                params["max_id"] = cursor
            statuses = self._get(f"/api/v1/timelines/tag/{quote(term[1:], safe='')}", params)
            next_cursor = str(statuses[-1]["id"]) if statuses else None
        else:
            offset = int(cursor) if cursor and cursor.isdigit() else 0
            found = self._get("/api/v2/search", {"q": term, "type": "statuses", "limit": size,
                                                 "offset": offset, "resolve": "false"})
            statuses = found.get("statuses") or []
            next_cursor = str(offset + len(statuses)) if len(statuses) == size else None
        me = str(self._account["id"]) if self._account else ""
        items = []
        for status in statuses:
            item = self._inbound(status, me)
            items.append(InboundItem(
                remote_id=item.remote_id, kind="mention", author_handle=item.author_handle,
                author_name=item.author_name, text=item.text, created_at=item.created_at,
                thread_key=item.remote_id, language=item.language, raw=item.raw))
        return InboxPage(items=items, cursor=next_cursor)

    # -- metrics ---------------------------------------------------------------

    def fetch_post_metrics(self, remote_ids: list[str]) -> list[PostMetrics]:
        """Return favourites, boosts and replies of each status (Mastodon has no views)."""
        statuses: list[dict[str, Any]] = []
        for start in range(0, len(remote_ids), METRICS_BATCH):
            batch = remote_ids[start:start + METRICS_BATCH]
            try:
                statuses.extend(self._get("/api/v1/statuses", {"id[]": batch}))
            except PermanentError as exc:
                if exc.status != 404:
                    raise
                # Instances older than 4.3 have no batch endpoint: one request per status.
                statuses.extend(self._each_status(batch))
        return [PostMetrics(remote_id=str(s["id"]), reactions=s.get("favourites_count"),
                            comments=s.get("replies_count"), shares=s.get("reblogs_count"))
                for s in statuses]

    def _each_status(self, ids: list[str]) -> list[dict[str, Any]]:
        found = []
        for status_id in ids:
            try:
                found.append(self._status(status_id))
            except PermanentError as exc:
                if exc.status != 404:
                    raise
        return found
