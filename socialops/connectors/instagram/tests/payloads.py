"""Instagram Graph API answers as Meta documents them (Instagram API with Facebook Login).

Sources: Content Publishing (containers, status_code, media_publish,
content_publishing_limit), Comment Moderation, Mentions, Insights, Messaging, on
developers.facebook.com/docs/instagram-platform.
"""

from __future__ import annotations

from typing import Any

from socialops.connectors.facebook.tests.payloads import PAGE_ID, error

IG_ID = "17841405822304914"
USER: dict[str, Any] = {"id": IG_ID, "username": "maisonarlette", "name": "Maison Arlette",
                        "followers_count": 30211}
MEDIA_ID = "17895695668004550"
IGSID = "6592812345678901"

__all__ = ["IGSID", "IG_ID", "MEDIA_ID", "PAGE_ID", "USER", "error"]


def limit(used: int, total: int = 100) -> dict[str, Any]:
    """Return /{ig-user-id}/content_publishing_limit?fields=config,quota_usage."""
    return {"data": [{"config": {"quota_total": total, "quota_duration": 86400},
                      "quota_usage": used}]}


def status(code: str, message: str = "") -> dict[str, Any]:
    """Return a container's status (`status_code`, and `status` with its detail)."""
    answer: dict[str, Any] = {"status_code": code, "id": "17889615814797912"}
    if message:
        answer["status"] = message
    return answer


def comment(comment_id: str, text: str, username: str, timestamp: str,
            replies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Return an IG Comment with the fields socialops asks for."""
    node: dict[str, Any] = {"id": comment_id, "text": text, "username": username,
                            "timestamp": timestamp, "from": {"id": f"9{comment_id}",
                                                             "username": username}}
    if replies is not None:
        node["replies"] = {"data": replies}
    return node


def insights(values: dict[str, int]) -> dict[str, Any]:
    """Return a media insights answer (lifetime values)."""
    return {"data": [{"name": name, "period": "lifetime", "values": [{"value": value}],
                      "title": name, "id": f"{MEDIA_ID}/insights/{name}/lifetime"}
                     for name, value in values.items()]}
