"""Read and answer private messages through the Messenger Platform, as a Page.

Facebook Page conversations (`platform=messenger`) and the Instagram DMs of the
professional account linked to the Page (`platform=instagram`) share the Conversations
API and the Send API, both called with the Page access token
(developers.facebook.com/docs/messenger-platform/conversations,
.../messenger-platform/send-messages).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from socialops.connectors.base import InboundItem, PublishResult
from socialops.connectors.errors import PermanentError
from socialops.connectors.facebook.graph import Graph, now, parse_time

Platform = Literal["messenger", "instagram"]
CONVERSATIONS = 25  # most recently active conversations read per poll
MESSAGES = 20  # latest messages read per conversation
_NUMERIC = re.compile(r"[\d_]+")


def is_message_id(remote_id: str) -> bool:
    """Return whether a remote id names a private message (`m_…` or base64), not a comment.

    Comment, post and media ids are digits (`123_456` on Facebook); message ids are not.
    """
    return not _NUMERIC.fullmatch(remote_id) and ":" not in remote_id


def dm_item(message_id: str, sender_id: str, sender_name: str, text: str,
            created_at: datetime, raw: dict[str, Any]) -> InboundItem:
    """Build the inbox item of a private message: one conversation per person."""
    return InboundItem(remote_id=message_id, kind="dm", author_handle=sender_id,
                       author_name=sender_name or sender_id, text=text,
                       created_at=created_at, thread_key=f"dm:{sender_id}", raw=raw)


def fetch_messages(graph: Graph, page_id: str, own_id: str, platform: Platform,
                   after: datetime | None) -> list[InboundItem]:
    """Return the messages people sent since `after` (inclusive), in any order.

    `own_id` is the Page (or Instagram account) id, whose own messages are left out.
    """
    fields = (f"id,updated_time,messages.limit({MESSAGES})"
              "{id,created_time,from,message}")
    items = []
    for conversation in graph.edge(f"{page_id}/conversations", {
            "platform": platform, "fields": fields, "limit": CONVERSATIONS}):
        updated = conversation.get("updated_time")
        if after is not None and updated and parse_time(str(updated)) < after:
            continue
        for message in (conversation.get("messages") or {}).get("data") or []:
            sender = message.get("from") or {}
            created = parse_time(str(message["created_time"]))
            if str(sender.get("id")) == own_id or (after is not None and created < after):
                continue
            name = str(sender.get("name") or sender.get("username") or "")
            items.append(dm_item(str(message["id"]), str(sender.get("id") or ""), name,
                                 str(message.get("message") or ""), created,
                                 {"conversation": conversation.get("id"),
                                  "platform": platform}))
    return items


def send(graph: Graph, page_id: str, message_id: str, text: str) -> PublishResult:
    """Answer the person who sent `message_id`, privately, within the 24-hour window.

    `messaging_type: RESPONSE` is the Send API's type for an answer to a message the
    person sent in the last 24 hours; later, Meta refuses it (code "outside_window").
    """
    sender = (graph.get(message_id, {"fields": "from"}).get("from") or {}).get("id")
    if not sender:
        raise PermanentError("Meta did not say who sent this message", code="no_sender")
    sent = graph.post(f"{page_id}/messages", {
        "recipient": {"id": str(sender)}, "messaging_type": "RESPONSE",
        "message": {"text": text}}, retry_safe=False)
    return PublishResult(remote_id=str(sent.get("message_id") or ""), url="",
                         published_at=now())
