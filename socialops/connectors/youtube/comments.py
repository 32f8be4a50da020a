"""Turn YouTube comment threads into inbox items, and keep the inbox cursor.

The cursor is "<newest publishedAt>|<ids seen at that instant>": comments published in
the same second are neither skipped nor read twice.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialops.connectors.base import InboundItem


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def video_url(video_id: str) -> str:
    """Return a video's public address."""
    return f"https://www.youtube.com/watch?v={video_id}"


def split_cursor(cursor: str | None) -> tuple[datetime | None, set[str]]:
    """Return the time and the ids a cursor holds (nothing for no cursor)."""
    if not cursor:
        return None, set()
    stamp, _, ids = cursor.partition("|")
    return _time(stamp), set(filter(None, ids.split(",")))


def join_cursor(items: list[InboundItem], after: datetime | None, seen: set[str]) -> str | None:
    """Return the cursor after `items` (all read, new or not), keeping `after` if none is newer."""
    newest = max((i.created_at for i in items), default=None)
    if newest is None or (after is not None and newest < after):
        return None if after is None else f"{_stamp(after)}|{','.join(sorted(seen))}"
    at_newest = {i.remote_id for i in items if i.created_at == newest}
    if after is not None and newest == after:
        at_newest |= seen
    return f"{_stamp(newest)}|{','.join(sorted(at_newest))}"


def is_new(item: InboundItem, after: datetime | None, seen: set[str]) -> bool:
    """Return whether an item comes after the cursor."""
    if after is None:
        return True
    return item.created_at > after or (item.created_at == after and item.remote_id not in seen)


def thread_time(thread: dict[str, Any]) -> datetime:
    """Return when a thread's top comment was published."""
    top = ((thread.get("snippet") or {}).get("topLevelComment") or {}).get("snippet") or {}
    return _time(str(top.get("publishedAt")))


def thread_items(thread: dict[str, Any]) -> list[InboundItem]:
    """Return a thread's top comment and its included replies as inbox items."""
    snippet = thread.get("snippet") or {}
    top = snippet.get("topLevelComment") or {}
    video_id = str(snippet.get("videoId") or "") or None
    items = [_comment(top, "comment", str(thread["id"]), video_id, None)]
    for reply in (thread.get("replies") or {}).get("comments") or []:
        items.append(_comment(reply, "reply", str(thread["id"]), video_id, str(top["id"])))
    return items


def _comment(comment: dict[str, Any], kind: str, thread: str, video_id: str | None,
             parent: str | None) -> InboundItem:
    snippet = comment.get("snippet") or {}
    author = (snippet.get("authorChannelId") or {}).get("value")
    url = f"{video_url(video_id)}&lc={comment['id']}" if video_id else ""
    return InboundItem(
        remote_id=str(comment["id"]), kind="reply" if kind == "reply" else "comment",
        author_handle=str(snippet.get("authorDisplayName") or author or "").removeprefix("@"),
        author_name=str(snippet.get("authorDisplayName") or ""),
        text=str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
        created_at=_time(str(snippet.get("publishedAt"))), thread_key=thread,
        parent_remote_id=parent, post_remote_id=video_id,
        raw={"url": url, "author_channel": author})
