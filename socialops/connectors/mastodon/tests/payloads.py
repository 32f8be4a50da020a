"""Mastodon's documented entities (docs.joinmastodon.org/entities), as the API returns them.

Trimmed to the fields a client meets in every answer; shapes and values follow the
documentation's examples (ids are strings, times ISO 8601, content is HTML).
"""

from __future__ import annotations

from typing import Any

INSTANCE = "https://mastodon.example"


def account(account_id: str = "14715", acct: str = "maisonarlette",
            display_name: str = "Maison Arlette", followers: int = 1520) -> dict[str, Any]:
    """Return an Account entity."""
    username = acct.split("@", 1)[0]
    return {
        "id": account_id, "username": username, "acct": acct,
        "display_name": display_name, "locked": False, "bot": False, "discoverable": True,
        "group": False, "created_at": "2021-03-02T00:00:00.000Z", "note": "<p>Maison de mode</p>",
        "url": f"{INSTANCE}/@{username}", "uri": f"{INSTANCE}/users/{username}",
        "avatar": f"{INSTANCE}/avatars/original/missing.png",
        "avatar_static": f"{INSTANCE}/avatars/original/missing.png",
        "header": f"{INSTANCE}/headers/original/missing.png",
        "header_static": f"{INSTANCE}/headers/original/missing.png",
        "followers_count": followers, "following_count": 80, "statuses_count": 412,
        "last_status_at": "2026-11-20", "emojis": [], "fields": [],
    }


FAN = account("109302", "camille@social.example", "Camille", 87)


def status(status_id: str, content: str, *, by: dict[str, Any] | None = None,
           visibility: str = "public", in_reply_to_id: str | None = None,
           in_reply_to_account_id: str | None = None, created_at: str = "2026-11-22T09:15:00.000Z",
           mentions: list[dict[str, Any]] | None = None, favourites: int = 0,
           reblogs: int = 0, replies: int = 0) -> dict[str, Any]:
    """Return a Status entity."""
    author = by or account()
    return {
        "id": status_id, "uri": f"{INSTANCE}/users/{author['username']}/statuses/{status_id}",
        "url": f"{INSTANCE}/@{author['username']}/{status_id}",
        "created_at": created_at, "account": author, "content": content,
        "visibility": visibility, "sensitive": False, "spoiler_text": "",
        "media_attachments": [], "application": {"name": "socialops", "website": None},
        "mentions": mentions or [], "tags": [], "emojis": [],
        "reblogs_count": reblogs, "favourites_count": favourites, "replies_count": replies,
        "in_reply_to_id": in_reply_to_id, "in_reply_to_account_id": in_reply_to_account_id,
        "reblog": None, "poll": None, "card": None, "language": "fr", "text": None,
        "edited_at": None, "favourited": False, "reblogged": False, "muted": False,
        "bookmarked": False, "pinned": False, "filtered": [],
    }


def mention_of(who: dict[str, Any]) -> dict[str, Any]:
    """Return a Status mention."""
    return {"id": who["id"], "username": who["username"], "url": who["url"], "acct": who["acct"]}


def notification(notification_id: str, the_status: dict[str, Any]) -> dict[str, Any]:
    """Return a Notification entity of type mention."""
    return {"id": notification_id, "type": "mention", "created_at": the_status["created_at"],
            "account": the_status["account"], "status": the_status}


def media(media_id: str, *, url: str | None = "https://files.mastodon.example/media/1.png",
          description: str = "") -> dict[str, Any]:
    """Return a MediaAttachment entity (url is null while the instance processes it)."""
    return {"id": media_id, "type": "image", "url": url, "preview_url": url,
            "remote_url": None, "text_url": None, "meta": {}, "description": description,
            "blurhash": "UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}"}


HTML_MENTION = ('<p><span class="h-card" translate="no"><a href="https://mastodon.example/'
                '@maisonarlette" class="u-url mention">@<span>maisonarlette</span></a></span> '
                'le manteau &lt;b&gt;bleu&lt;/b&gt; !</p>')
