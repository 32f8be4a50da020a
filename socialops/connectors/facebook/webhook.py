"""Read Meta's webhook notifications: Page feed comments, Messenger and Instagram events.

Meta signs each notification with the app secret (`X-Hub-Signature-256: sha256=<hex>`,
HMAC-SHA256 of the raw body) and retries any answer other than 2xx
(developers.facebook.com/docs/graph-api/webhooks/getting-started). `parse` turns a
notification into the same inbox items polling yields (same ids, threads and authors),
so that ingesting both changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from socialops.connectors.base import InboundItem
from socialops.connectors.facebook import messenger

# Settings the generic receiver (socialops.inbox.webhooks) reads for this network.
SECRET_SETTING = "SOCIALOPS_META_APP_SECRET"  # noqa: S105 - a setting name
VERIFY_TOKEN_SETTING = "SOCIALOPS_META_VERIFY_TOKEN"  # noqa: S105 - a setting name
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Page ids and Instagram account ids share one namespace: either may arrive at either URL.
NETWORKS = ("facebook", "instagram")

Routed = list[tuple[str, InboundItem]]
FollowUp = Callable[[Any], InboundItem]


def verify_signature(body: bytes, header: str, app_secret: str) -> bool:
    """Return whether `header` is the app secret's HMAC-SHA256 of `body` (constant time)."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def _time(value: Any) -> datetime:
    """Read a notification time: seconds, or milliseconds for messaging events."""
    number = float(value or 0)
    return datetime.fromtimestamp(number / 1000 if number > 10**11 else number, UTC)


def _feed_comment(page_id: str, value: dict[str, Any], when: Any) -> InboundItem | None:
    if value.get("item") != "comment" or value.get("verb") not in ("add", "edited"):
        return None
    author = value.get("from") or {}
    if str(author.get("id")) == page_id or not value.get("comment_id"):
        return None  # the Page's own answers
    post_id = str(value.get("post_id") or "")
    parent = str(value.get("parent_id") or post_id)
    return InboundItem(
        remote_id=str(value["comment_id"]), kind="comment" if parent == post_id else "reply",
        author_handle=str(author.get("id") or "unknown"), author_name=str(author.get("name") or ""),
        text=str(value.get("message") or ""), created_at=_time(value.get("created_time") or when),
        thread_key=f"post:{post_id}", parent_remote_id=parent, post_remote_id=post_id,
        raw={"url": f"https://www.facebook.com/{value['comment_id']}", "webhook": True})


def _instagram_comment(account_id: str, value: dict[str, Any], when: Any) -> InboundItem | None:
    author = value.get("from") or {}
    media_id = str((value.get("media") or {}).get("id") or "")
    if str(author.get("id")) == account_id or not value.get("id") or not media_id:
        return None
    parent = str(value.get("parent_id") or media_id)
    username = str(author.get("username") or "")
    return InboundItem(
        remote_id=str(value["id"]), kind="comment" if parent == media_id else "reply",
        author_handle=username or str(author.get("id") or "unknown"), author_name=username,
        text=str(value.get("text") or ""), created_at=_time(when),
        thread_key=f"media:{media_id}", parent_remote_id=parent, post_remote_id=media_id,
        raw={"webhook": True})


def _message(own_id: str, event: dict[str, Any]) -> InboundItem | None:
    message = event.get("message") or {}
    sender = str((event.get("sender") or {}).get("id") or "")
    if not message.get("mid") or message.get("is_echo") or sender == own_id or not sender:
        return None
    return messenger.dm_item(str(message["mid"]), sender, "", str(message.get("text") or ""),
                             _time(event.get("timestamp")),
                             {"webhook": True, "attachments": message.get("attachments") or []})


def _entries(payload: Any) -> list[tuple[str, str, dict[str, Any]]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return []
    kind = str(payload.get("object") or "")
    return [(kind, str(entry.get("id") or ""), entry) for entry in payload["entry"]
            if isinstance(entry, dict)]


def parse(payload: Any) -> Routed:
    """Return (channel remote id, item) for each comment or message a notification carries.

    The channel remote id is the Page id (`object: page`) or the Instagram account id
    (`object: instagram`). Other events (reactions, the Page's own posts, edits of
    messages, deletions) are left out.
    """
    routed: Routed = []
    for kind, owner, entry in _entries(payload):
        for change in entry.get("changes") or []:
            if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                continue
            item = None
            if kind == "page" and change.get("field") == "feed":
                item = _feed_comment(owner, change["value"], entry.get("time"))
            elif kind == "instagram" and change.get("field") == "comments":
                item = _instagram_comment(owner, change["value"], entry.get("time"))
            if item is not None:
                routed.append((owner, item))
        for event in entry.get("messaging") or []:
            item = _message(owner, event) if isinstance(event, dict) else None
            if item is not None:
                routed.append((owner, item))
    return routed


def follow_ups(payload: Any) -> list[tuple[str, FollowUp]]:
    """Return (channel remote id, read) for events whose content must be read from Meta.

    Instagram's `mentions` notification carries ids only: `read(connector)` fetches the
    mention with the account's connector (`InstagramConnector.mention`).
    """
    found: list[tuple[str, FollowUp]] = []
    for kind, owner, entry in _entries(payload):
        for change in entry.get("changes") or []:
            value = change.get("value") if isinstance(change, dict) else None
            if kind != "instagram" or change.get("field") != "mentions" or not isinstance(
                    value, dict) or not value.get("media_id"):
                continue
            media_id = str(value["media_id"])
            comment_id = str(value["comment_id"]) if value.get("comment_id") else None
            found.append((owner, partial(_read_mention, media_id=media_id,
                                         comment_id=comment_id)))
    return found


def _read_mention(connector: Any, *, media_id: str, comment_id: str | None) -> InboundItem:
    item: InboundItem = connector.mention(media_id, comment_id)
    return item
