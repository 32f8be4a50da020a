"""Graph API answers as Meta documents them (shapes and field names; our values).

Sources: Pages API (posts, photos, videos, comments), Conversations and Send API,
Page Insights, Graph API error handling and rate limiting, Webhooks for Pages and
Messenger, on developers.facebook.com.
"""

from __future__ import annotations

import json
from typing import Any

PAGE_ID = "105623401234567"
PAGE: dict[str, Any] = {"id": PAGE_ID, "name": "Maison Arlette", "username": "maisonarlette",
                        "followers_count": 12840}
POST_ID = f"{PAGE_ID}_122104567890123456"
FAN = {"name": "Camille Bernard", "id": "7012345678901234"}
PSID = "24521234567890123"


def error(code: int, message: str, *, kind: str = "OAuthException", subcode: int | None = None,
          transient: bool | None = None) -> dict[str, Any]:
    """Return a Graph API error body."""
    body: dict[str, Any] = {"message": message, "type": kind, "code": code,
                            "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        body["error_subcode"] = subcode
    if transient is not None:
        body["is_transient"] = transient
    return {"error": body}


def buc_usage(minutes: int, *, calls: int = 100) -> dict[str, str]:
    """Return an X-Business-Use-Case-Usage header for the Page (rate-limiting page)."""
    return {"X-Business-Use-Case-Usage": json.dumps({PAGE_ID: [{
        "type": "pages", "call_count": calls, "total_cputime": 12, "total_time": 20,
        "estimated_time_to_regain_access": minutes}]})}


def comment(comment_id: str, message: str, *, author: dict[str, str] | None = None,
            created: str = "2026-11-22T09:15:00+0000", parent: str | None = None
            ) -> dict[str, Any]:
    """Return a Comment node with the fields socialops asks for."""
    node: dict[str, Any] = {"id": comment_id, "message": message, "created_time": created,
                            "from": author or FAN,
                            "permalink_url": f"https://www.facebook.com/{comment_id}"}
    if parent:
        node["parent"] = {"id": parent}
    return node


def feed(posts: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """Return /{page-id}/feed with each post's comments expanded."""
    return {"data": [{"id": post_id, "comments": {"data": comments, "paging": {
        "cursors": {"before": "QVFIUk", "after": "QVFIUl"}}}} for post_id, comments in posts],
        "paging": {"cursors": {"before": "QVFIUm", "after": "QVFIUn"}}}


def conversations(messages: list[dict[str, Any]], *, updated: str = "2026-11-22T09:20:00+0000"
                  ) -> dict[str, Any]:
    """Return /{page-id}/conversations with messages expanded (newest first)."""
    return {"data": [{"id": "t_10161234567890", "updated_time": updated,
                      "messages": {"data": messages, "paging": {"cursors": {"after": "x"}}}}],
            "paging": {"cursors": {"before": "a", "after": "b"}}}


def message(mid: str, text: str, sender: dict[str, str], created: str) -> dict[str, Any]:
    """Return a Message node as the Conversations API shows it."""
    return {"id": mid, "created_time": created, "from": sender, "message": text}


def insights(values: dict[str, list[tuple[int, str]]], period: str = "day") -> dict[str, Any]:
    """Return an insights answer: each metric with its (value, end_time) points."""
    return {"data": [{"name": name, "period": period, "values": [
        {"value": value, "end_time": end} for value, end in points],
        "title": name, "description": "", "id": f"{PAGE_ID}/insights/{name}/{period}"}
        for name, points in values.items()], "paging": {}}
