"""Meta webhook notifications as documented (Webhooks for Pages `feed`, Messenger
`messages`, Instagram `comments` and `mentions`); our values."""

from __future__ import annotations

from typing import Any

from socialops.connectors.facebook.tests.payloads import FAN, PAGE_ID, POST_ID, PSID

IG_ID = "17841405822304914"
IG_MEDIA = "17895695668004550"
COMMENT_ID = "122104567890123456_1029384756"


def feed_comment(*, comment_id: str = COMMENT_ID, message: str = "Vous livrez en Belgique ?",
                 parent: str = POST_ID, author: dict[str, str] = FAN,
                 verb: str = "add") -> dict[str, Any]:
    """Return a Page `feed` notification for a comment."""
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": 1795338900, "changes": [{
        "field": "feed", "value": {
            "from": author, "post": {"status_type": "added_photos", "is_published": True,
                                     "updated_time": "2026-11-22T09:15:00+0000",
                                     "permalink_url": f"https://www.facebook.com/{POST_ID}",
                                     "promotion_status": "inactive", "id": POST_ID},
            "message": message, "post_id": POST_ID, "comment_id": comment_id,
            "created_time": 1795338900, "item": "comment", "parent_id": parent, "verb": verb}}]}]}


def reaction() -> dict[str, Any]:
    """Return a Page `feed` notification for a reaction (not an inbox item)."""
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": 1795338900, "changes": [{
        "field": "feed", "value": {"item": "reaction", "verb": "add", "reaction_type": "love",
                                   "from": FAN, "post_id": POST_ID,
                                   "created_time": 1795338900}}]}]}


def messenger(mid: str = "m_AbCdEf123", text: str = "Bonjour !", *, echo: bool = False
              ) -> dict[str, Any]:
    """Return a Messenger `messages` notification."""
    message: dict[str, Any] = {"mid": mid, "text": text}
    if echo:
        message["is_echo"] = True
    sender, recipient = (PAGE_ID, PSID) if echo else (PSID, PAGE_ID)
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": 1795338960123, "messaging": [{
        "sender": {"id": sender}, "recipient": {"id": recipient}, "timestamp": 1795338960000,
        "message": message}]}]}


def instagram_comment(comment_id: str = "17865799348089039", text: str = "Sublime",
                      parent: str | None = None) -> dict[str, Any]:
    """Return an Instagram `comments` notification."""
    value: dict[str, Any] = {"from": {"id": "232323232", "username": "camille"},
                             "media": {"id": IG_MEDIA, "media_product_type": "FEED"},
                             "id": comment_id, "text": text}
    if parent:
        value["parent_id"] = parent
    return {"object": "instagram", "entry": [{"id": IG_ID, "time": 1795338990, "changes": [{
        "field": "comments", "value": value}]}]}


def instagram_mention(comment_id: str | None = "17870913679156914") -> dict[str, Any]:
    """Return an Instagram `mentions` notification (ids only)."""
    value = {"media_id": "17900000000000009"}
    if comment_id:
        value["comment_id"] = comment_id
    return {"object": "instagram", "entry": [{"id": IG_ID, "time": 1795339000, "changes": [{
        "field": "mentions", "value": value}]}]}
