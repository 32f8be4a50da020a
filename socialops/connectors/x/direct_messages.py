"""Read and answer X direct messages (GET /2/dm_events, POST /2/dm_conversations/:id/messages).

A DM is identified as `dm:<conversation id>:<event id>`, so that answering it needs
nothing but its id. The inbox cursor carries one position per source
(`mentions=<post id>&dms=<event id>`), since X pages each of them separately.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from socialops.connectors.base import InboundItem

DM_PREFIX = "dm:"
DM_FIELDS = "id,text,created_at,sender_id,dm_conversation_id"


def split_cursor(cursor: str | None) -> tuple[str | None, str | None]:
    """Return the (mentions, dms) positions of an inbox cursor."""
    if not cursor:
        return None, None
    if "=" not in cursor:  # a bare post id: mentions only
        return cursor, None
    fields = parse_qs(cursor)
    return (fields.get("mentions") or [""])[0] or None, (fields.get("dms") or [""])[0] or None


def join_cursor(mentions: str | None, dms: str | None) -> str | None:
    """Return the inbox cursor for the two positions."""
    fields = {key: value for key, value in (("mentions", mentions), ("dms", dms)) if value}
    return urlencode(fields) or None


def dm_id(conversation_id: str, event_id: str) -> str:
    """Return the remote id of one message of a DM conversation."""
    return f"{DM_PREFIX}{conversation_id}:{event_id}"


def conversation_of(remote_id: str) -> str | None:
    """Return the DM conversation a remote id belongs to, or None for a post."""
    if not remote_id.startswith(DM_PREFIX):
        return None
    return remote_id[len(DM_PREFIX):].rsplit(":", 1)[0]


def newer(event_id: str, than: str | None) -> bool:
    """Compare two X ids (snowflakes: longer is newer, then by digits)."""
    return than is None or (len(event_id), event_id) > (len(than), than)


def dm_item(event: dict[str, Any], users: dict[str, dict[str, Any]]) -> InboundItem:
    """Turn a MessageCreate event into an inbox item."""
    sender = users.get(str(event.get("sender_id")), {})
    conversation = str(event["dm_conversation_id"])
    return InboundItem(
        remote_id=dm_id(conversation, str(event["id"])), kind="dm",
        author_handle=str(sender.get("username") or event.get("sender_id") or ""),
        author_name=str(sender.get("name") or sender.get("username") or ""),
        text=str(event.get("text") or ""),
        created_at=datetime.fromisoformat(str(event["created_at"]).replace("Z", "+00:00")),
        thread_key=f"{DM_PREFIX}{conversation}",
        raw={"url": f"https://x.com/messages/{conversation}"},
    )
