"""X API v2 answers as documented on docs.x.com (shapes and field names; our values)."""

from __future__ import annotations

from typing import Any

ME: dict[str, Any] = {"id": "2244994945", "name": "Maison Arlette", "username": "maisonarlette",
      "public_metrics": {"followers_count": 5139, "following_count": 239, "tweet_count": 3635,
                         "listed_count": 12, "like_count": 88}}
FAN: dict[str, Any] = {"id": "1234567890", "name": "Camille", "username": "camille_b"}


def created(tweet_id: str, text: str) -> dict[str, Any]:
    """Return the answer of POST /2/tweets (201)."""
    return {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}


def tweet(tweet_id: str, text: str, *, author: dict[str, Any] | None = None,
          created_at: str = "2026-11-22T09:15:00.000Z", conversation_id: str | None = None,
          replied_to: str | None = None, in_reply_to_user_id: str | None = None,
          urls: list[tuple[str, str]] | None = None, **fields: Any) -> dict[str, Any]:
    """Return a Post object with the fields socialops asks for."""
    data: dict[str, Any] = {
        "id": tweet_id, "text": text, "author_id": (author or FAN)["id"],
        "created_at": created_at, "conversation_id": conversation_id or tweet_id,
        "lang": "fr", "edit_history_tweet_ids": [tweet_id],
    }
    if replied_to:
        data["referenced_tweets"] = [{"type": "replied_to", "id": replied_to}]
        data["in_reply_to_user_id"] = in_reply_to_user_id
    if urls:
        data["entities"] = {"urls": [
            {"start": 0, "end": 23, "url": short, "expanded_url": long,
             "display_url": long.removeprefix("https://")[:25]} for short, long in urls]}
    data.update(fields)
    return data


def page(tweets: list[dict[str, Any]], *, users: list[dict[str, Any]] | None = None,
         next_token: str | None = None) -> dict[str, Any]:
    """Return a timeline or search page with its `includes` and `meta`."""
    meta: dict[str, Any] = {"result_count": len(tweets)}
    if tweets:
        meta["newest_id"], meta["oldest_id"] = tweets[0]["id"], tweets[-1]["id"]
    if next_token:
        meta["next_token"] = next_token
    answer: dict[str, Any] = {"meta": meta}
    if tweets:
        answer["data"] = tweets
        answer["includes"] = {"users": users or [FAN]}
    return answer


def problem(status: int, title: str, detail: str) -> dict[str, Any]:
    """Return an X API problem document (RFC 7807 style)."""
    return {"title": title, "type": "about:blank", "status": status, "detail": detail}


def media(media_id: str, key_prefix: str = "3", **fields: Any) -> dict[str, Any]:
    """Return the answer of a media upload step."""
    return {"data": {"id": media_id, "media_key": f"{key_prefix}_{media_id}",
                     "expires_after_secs": 86400, **fields}}
