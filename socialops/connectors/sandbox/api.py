"""Serve the sandbox network's public API (bearer token of an account, JSON in and out)."""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime, timedelta
from typing import Any

from socialops.connectors.capabilities import Capabilities, PlacementSpec
from socialops.connectors.errors import UnknownNetworkError
from socialops.connectors.registry import capabilities_for
from socialops.connectors.sandbox import capabilities as sandbox_capabilities
from socialops.connectors.sandbox.context import SandboxContext
from socialops.connectors.sandbox.metrics import (
    MAX_DAYS_PER_CALL,
    account_day_metrics,
    post_metrics,
)
from socialops.connectors.sandbox.payloads import (
    account_json,
    decode_cursor,
    dm_json,
    encode_cursor,
    inbox_item_json,
    parse_id,
    post_json,
    public_id,
)
from socialops.connectors.sandbox.store import NewDm, NewPost, Row
from socialops.connectors.sandbox.webapp import Handler, HttpError, Request, Response, Router
from socialops.connectors.validation import Problem, validate_media, validate_text, validate_title

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_PAGE = 100


def _limit(request: Request, default: int = 20) -> int:
    try:
        value = int(request.query.get("limit", default))
    except ValueError:
        raise HttpError(400, "limit must be an integer", code="bad_limit") from None
    return max(1, min(MAX_PAGE, value))


def _text(value: Any, name: str = "text") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise HttpError(400, f"{name} must be a string", code="bad_field")
    return value


def _optional_str(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    return _text(value, name)


def _problems_error(problems: list[Problem]) -> HttpError:
    return HttpError(
        400,
        " ".join(problem.render() for problem in problems),
        code=problems[0].code,
        extra={
            "problems": [
                {"code": p.code, "message": p.message, "params": p.params} for p in problems
            ]
        },
    )


class PublicApi:
    """Handle /v1/* requests for one sandbox server."""

    def __init__(self, ctx: SandboxContext):
        self.ctx = ctx
        self.store = ctx.store

    def register(self, router: Router) -> None:
        """Add the public routes and their auth/fault middleware to `router`."""
        router.wrap("/v1/", self.guard)
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/v1/me", self.me),
            ("GET", "/v1/me/posts", self.my_posts),
            ("GET", "/v1/me/daily", self.daily_metrics),
            ("POST", "/v1/media", self.upload_media),
            ("POST", "/v1/posts", self.create_post),
            ("GET", "/v1/posts/{id}", self.get_post),
            ("DELETE", "/v1/posts/{id}", self.delete_post),
            ("POST", "/v1/posts/{id}/replies", self.reply),
            ("GET", "/v1/posts/{id}/metrics", self.metrics_one),
            ("GET", "/v1/metrics", self.metrics_many),
            ("POST", "/v1/dms", self.send_dm),
            ("GET", "/v1/inbox", self.inbox),
            ("GET", "/v1/search", self.search),
        ]
        for method, pattern, handler in routes:
            router.add(method, pattern, handler)

    # Middleware: latency, injected errors, auth, expired tokens, rate limits.

    def guard(self, request: Request, handler: Handler, params: dict[str, str]) -> Response:
        """Apply faults, authenticate the bearer token and enforce rate limits."""
        settings = self.ctx.faults.settings
        if settings.latency_ms:
            self.ctx.shutdown.wait(settings.latency_ms / 1000)
        if self.ctx.faults.take_5xx():
            raise HttpError(503, "Injected server error", code="unavailable")
        account = self._authenticate(request)
        if account["handle"] in settings.expired_tokens:
            raise HttpError(401, "Access token expired", code="token_expired")
        is_write = request.method in WRITE_METHODS
        limit, window = (
            (settings.write_limit, settings.write_window_seconds)
            if is_write
            else (settings.read_limit, settings.read_window_seconds)
        )
        kind = "write" if is_write else "read"
        wait = self.ctx.limiter.take((account["id"], kind), limit, window, self.ctx.clock.now())
        if wait:
            raise HttpError(
                429,
                f"Rate limit exceeded: {limit} {kind}s per {window:g} s",
                code="rate_limited",
                headers={"Retry-After": str(int(wait))},
            )
        request.context["account"] = account
        return handler(request, params)

    def _authenticate(self, request: Request) -> Row:
        header = request.header("authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise HttpError(401, "Missing bearer token", code="unauthenticated")
        account = self.store.account_by_token(token.strip())
        if account is None or not hmac.compare_digest(account["token"], token.strip()):
            raise HttpError(401, "Invalid access token", code="invalid_token")
        return account

    # Helpers

    def _capabilities(self, account: Row) -> Capabilities:
        try:
            return capabilities_for(account["network"])
        except UnknownNetworkError:
            return sandbox_capabilities.CAPABILITIES

    def _idempotency_key(self, request: Request, caps: Capabilities) -> str | None:
        # Networks without idempotency keys (X, Meta, LinkedIn) ignore the header.
        if not (self.ctx.faults.settings.idempotency and caps.idempotent_publish):
            return None
        return request.header("idempotency-key")

    def _after_create(self, created: bool) -> None:
        """Hang after a successful create when the fault asks for it."""
        if created and (self.ctx.faults.take_timeout_after_create()
                        or self.ctx.faults.roll("timeout_after_create_rate")):
            self.ctx.shutdown.wait(self.ctx.faults.settings.hang_seconds)

    def _live_post(self, value: str) -> Row:
        post = self.store.post(parse_id("post", value))
        if post is None or post["deleted_at"] is not None:
            raise HttpError(404, f"No post {value!r}", code="not_found")
        return post

    def _media(self, account: Row, body: dict[str, Any]) -> list[dict[str, Any]]:
        items = body.get("media") or []
        if not isinstance(items, list):
            raise HttpError(400, "media must be a list", code="bad_field")
        resolved = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise HttpError(400, "media items need an id", code="bad_field")
            row = self.store.media_of(account["id"], parse_id("media", item["id"]))
            if row is None:
                raise HttpError(400, f"Unknown media {item['id']!r}", code="bad_media")
            resolved.append(
                {
                    "id": item["id"],
                    "mime": row["mime"],
                    "size": row["size"],
                    "alt_text": _text(item.get("alt_text"), "alt_text"),
                }
            )
        return resolved

    def _check(self, spec: PlacementSpec, text: str, title: str | None, media: list[Any]) -> None:
        files = [(m["mime"], m["size"]) for m in media]
        problems = validate_text(spec, text) + validate_title(spec, title)
        problems += validate_media(spec, files)
        if problems:
            raise _problems_error(problems)
        if not text.strip() and not media:
            raise HttpError(400, "A post needs text or media", code="empty")

    # Handlers

    def me(self, request: Request, params: dict[str, str]) -> Response:
        """Return the authenticated account."""
        return Response(account_json(request.context["account"]))

    def my_posts(self, request: Request, params: dict[str, str]) -> Response:
        """Return the account's latest posts and replies (for reconciliation)."""
        account = request.context["account"]
        rows = self.store.recent_posts(account["id"], _limit(request))
        return Response({"posts": [post_json(self.store, r, request.host_url) for r in rows]})

    def upload_media(self, request: Request, params: dict[str, str]) -> Response:
        """Store uploaded bytes and return their media id."""
        account = request.context["account"]
        mime = (request.header("content-type") or "").split(";")[0].strip().lower()
        if not mime or mime in ("application/json", "application/octet-stream"):
            raise HttpError(400, "Send the file's MIME type as Content-Type", code="bad_media")
        if not request.body:
            raise HttpError(400, "Empty upload", code="bad_media")
        key = self._idempotency_key(request, self._capabilities(account))
        row, created = self.store.add_media(
            account["id"], mime, request.body, key, self.ctx.clock.now()
        )
        data = {"id": public_id("media", row["id"]), "mime": row["mime"], "size": row["size"]}
        return Response(data, 201 if created else 200)

    def create_post(self, request: Request, params: dict[str, str]) -> Response:
        """Publish a post (or a reply when `reply_to` is given)."""
        body = request.json()
        if body.get("reply_to"):
            return self.reply(request, {"id": _text(body["reply_to"], "reply_to")})
        account = request.context["account"]
        caps = self._capabilities(account)
        placement = _text(body.get("placement") or "feed", "placement")
        spec = caps.placements.get(placement)
        if spec is None:
            allowed = ", ".join(caps.placements)
            raise HttpError(
                400,
                f"{caps.display_name} has no {placement} placement ({allowed})",
                code="bad_placement",
            )
        text = _text(body.get("text"))
        title = _optional_str(body, "title")
        media = self._media(account, body)
        self._check(spec, text, title, media)
        if self.ctx.faults.roll("error_5xx_rate"):
            raise HttpError(503, "Injected server error", code="unavailable")
        row, created = self.store.create_post(
            NewPost(
                account_id=account["id"],
                text=text,
                placement=placement,
                created_at=self.ctx.clock.now(),
                title=title,
                link=_optional_str(body, "link"),
                media=tuple(media),
                idempotency_key=self._idempotency_key(request, caps),
                client_ref=_optional_str(body, "client_ref"),
                lang=_optional_str(body, "lang"),
            )
        )
        self._after_create(created)
        return Response(post_json(self.store, row, request.host_url), 201 if created else 200)

    def get_post(self, request: Request, params: dict[str, str]) -> Response:
        """Return one live post."""
        return Response(post_json(self.store, self._live_post(params["id"]), request.host_url))

    def delete_post(self, request: Request, params: dict[str, str]) -> Response:
        """Delete one of the account's posts."""
        post = self._live_post(params["id"])
        if post["account_id"] != request.context["account"]["id"]:
            raise HttpError(403, "You can only delete your own posts", code="forbidden")
        self.store.delete_post(post["id"], self.ctx.clock.now())
        return Response({"id": params["id"], "deleted": True})

    def reply(self, request: Request, params: dict[str, str]) -> Response:
        """Answer a post or comment ("p…") or a direct message ("d…")."""
        if params["id"].startswith("d"):
            dm = self.store.dm(parse_id("dm", params["id"]))
            account = request.context["account"]
            if dm is None or account["id"] not in (dm["sender_id"], dm["recipient_id"]):
                raise HttpError(404, f"No dm {params['id']!r}", code="not_found")
            other = dm["sender_id"] if dm["recipient_id"] == account["id"] else dm["recipient_id"]
            return self._dm(request, recipient_id=other, reply_to=dm["id"])
        parent = self._live_post(params["id"])
        account = request.context["account"]
        caps = self._capabilities(account)
        spec = caps.placements.get("comment") or caps.placements.get("feed")
        body = request.json()
        text = _text(body.get("text"))
        media = self._media(account, body)
        if spec is not None:
            self._check(spec, text, None, media)
        row, created = self.store.create_post(
            NewPost(
                account_id=account["id"],
                text=text,
                placement="comment",
                created_at=self.ctx.clock.now(),
                parent_id=parent["id"],
                media=tuple(media),
                idempotency_key=self._idempotency_key(request, caps),
                client_ref=_optional_str(body, "client_ref"),
                lang=_optional_str(body, "lang"),
            )
        )
        self._after_create(created)
        return Response(post_json(self.store, row, request.host_url), 201 if created else 200)

    def send_dm(self, request: Request, params: dict[str, str]) -> Response:
        """Send a direct message to a handle."""
        handle = _text(request.json().get("to"), "to").lstrip("@")
        recipient = self.store.account_by_handle(handle)
        if recipient is None:
            raise HttpError(404, f"No account @{handle}", code="not_found")
        return self._dm(request, recipient_id=recipient["id"], reply_to=None)

    def _dm(self, request: Request, *, recipient_id: int, reply_to: int | None) -> Response:
        account = request.context["account"]
        caps = self._capabilities(account)
        spec = caps.placements.get("dm")
        if spec is None:
            raise HttpError(400, f"{caps.display_name} has no direct messages", code="no_dms")
        body = request.json()
        text = _text(body.get("text"))
        self._check(spec, text, None, [])
        row, created = self.store.create_dm(
            NewDm(
                sender_id=account["id"],
                recipient_id=recipient_id,
                text=text,
                created_at=self.ctx.clock.now(),
                reply_to=reply_to,
                idempotency_key=self._idempotency_key(request, caps),
                client_ref=_optional_str(body, "client_ref"),
                lang=_optional_str(body, "lang"),
            )
        )
        self._after_create(created)
        return Response(dm_json(self.store, row, request.host_url), 201 if created else 200)

    def inbox(self, request: Request, params: dict[str, str]) -> Response:
        """Return comments, replies, mentions and DMs for the account, oldest first."""
        account = request.context["account"]
        after = decode_cursor("e", request.query.get("cursor")) or 0
        events = self.store.events_after(account["id"], after, _limit(request, 50))
        items = [inbox_item_json(self.store, event, request.host_url) for event in events]
        last = events[-1]["seq"] if events else after
        return Response(
            {
                "items": [item for item in items if item is not None],
                "cursor": encode_cursor("e", last),
            }
        )

    def _metrics(self, post: Row) -> dict[str, Any]:
        author = self.store.account(post["account_id"])
        media = post_json(self.store, post, "")["media"]
        data = post_metrics(
            post_id=post["id"],
            followers=author["followers"] if author else 0,
            age_seconds=self.ctx.clock.now() - post["created_at"],
            comments=self.store.comment_count(post["id"]),
            extra_reactions=post["sim_reactions"],
            has_video=any(m["mime"].startswith("video/") for m in media),
            has_link=bool(post["link"]),
        )
        return {"id": public_id("post", post["id"]), **data}

    def metrics_one(self, request: Request, params: dict[str, str]) -> Response:
        """Return the metrics of one of the account's posts."""
        post = self._live_post(params["id"])
        if post["account_id"] != request.context["account"]["id"]:
            raise HttpError(403, "Metrics are only available for your own posts", code="forbidden")
        return Response(self._metrics(post))

    def metrics_many(self, request: Request, params: dict[str, str]) -> Response:
        """Return the metrics of several of the account's posts (unknown ids are skipped)."""
        account = request.context["account"]
        ids = [value for value in request.query.get("ids", "").split(",") if value]
        if len(ids) > MAX_PAGE:
            raise HttpError(400, f"At most {MAX_PAGE} ids per call", code="too_many_ids")
        results = []
        for value in ids:
            try:
                post = self._live_post(value)
            except HttpError:
                continue
            if post["account_id"] == account["id"]:
                results.append(self._metrics(post))
        return Response({"metrics": results})

    def search(self, request: Request, params: dict[str, str]) -> Response:
        """Return public posts containing the query, newest first."""
        query = request.query.get("q", "").strip()
        if not query:
            raise HttpError(400, "q is required", code="bad_query")
        before = decode_cursor("s", request.query.get("cursor"))
        rows = self.store.search(query, before, _limit(request))
        cursor = encode_cursor("s", rows[-1]["id"]) if rows else request.query.get("cursor")
        return Response(
            {"items": [post_json(self.store, r, request.host_url) for r in rows], "cursor": cursor}
        )

    def daily_metrics(self, request: Request, params: dict[str, str]) -> Response:
        """Return the account's daily counters from `since` to `until` (ISO dates, inclusive).

        Days after the server's today are left out: they have not happened yet.
        """
        account = request.context["account"]
        try:
            since = date.fromisoformat(request.query.get("since", ""))
            until = date.fromisoformat(request.query.get("until", ""))
        except ValueError:
            raise HttpError(400, "since and until must be YYYY-MM-DD dates",
                            code="bad_date") from None
        if until < since or (until - since).days >= MAX_DAYS_PER_CALL:
            raise HttpError(400, f"Ask for 1 to {MAX_DAYS_PER_CALL} days per call",
                            code="bad_range")
        now = self.ctx.clock.now()
        today = datetime.fromtimestamp(now, UTC).date()
        created = datetime.fromtimestamp(account["created_at"], UTC).date()
        days = []
        day = since
        while day <= min(until, today):
            days.append({"day": day.isoformat(), **account_day_metrics(
                account_id=account["id"], followers=account["followers"],
                offset_days=(day - created).days, weekday=day.weekday(),
                day_key=day.isoformat(),
            )})
            day += timedelta(days=1)
        return Response({"days": days})
