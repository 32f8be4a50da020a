"""Reading Meta's webhook notifications: signatures, and items identical to polling's."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from socialops.connectors.facebook import webhook
from socialops.connectors.facebook.tests import payloads as p
from socialops.connectors.facebook.tests import webhook_payloads as w
from socialops.connectors.instagram import webhook as instagram_webhook

SECRET = "app-s3cret"


def _sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_signature_is_the_app_secret_hmac_of_the_raw_body() -> None:
    body = b'{"object":"page","entry":[]}'
    assert webhook.verify_signature(body, _sign(body), SECRET)
    assert not webhook.verify_signature(body + b" ", _sign(body), SECRET)
    assert not webhook.verify_signature(body, _sign(body, "other"), SECRET)
    assert not webhook.verify_signature(body, _sign(body).removeprefix("sha256="), SECRET)
    assert not webhook.verify_signature(body, "", SECRET)
    assert not webhook.verify_signature(body, _sign(body, ""), "")  # no secret: refuse all
    assert instagram_webhook.verify_signature is webhook.verify_signature


def test_feed_comment_becomes_the_item_polling_would_give() -> None:
    ((page_id, item),) = webhook.parse(w.feed_comment())
    assert page_id == p.PAGE_ID
    assert (item.remote_id, item.kind, item.thread_key, item.parent_remote_id,
            item.post_remote_id) == (w.COMMENT_ID, "comment", f"post:{p.POST_ID}", p.POST_ID,
                                     p.POST_ID)
    assert (item.author_handle, item.author_name, item.text) == (
        p.FAN["id"], p.FAN["name"], "Vous livrez en Belgique ?")
    assert item.created_at.timestamp() == 1795338900
    ((_page, reply),) = webhook.parse(w.feed_comment(comment_id="1_2", parent=w.COMMENT_ID))
    assert (reply.kind, reply.parent_remote_id) == ("reply", w.COMMENT_ID)


def test_page_answers_reactions_echoes_and_removals_are_left_out() -> None:
    own = w.feed_comment(author={"id": p.PAGE_ID, "name": "Maison Arlette"})
    removed = w.feed_comment(verb="remove")
    payload: Any
    for payload in (own, removed, w.reaction(), w.messenger(echo=True), {"object": "page"},
                    [], "nonsense", {"entry": [{"changes": ["x"], "messaging": [1]}]}):
        assert webhook.parse(payload) == []


def test_messenger_message_is_a_private_thread_per_person() -> None:
    ((page_id, item),) = webhook.parse(w.messenger())
    assert page_id == p.PAGE_ID
    assert (item.remote_id, item.kind, item.thread_key, item.author_handle, item.text) == (
        "m_AbCdEf123", "dm", f"dm:{p.PSID}", p.PSID, "Bonjour !")
    assert item.created_at.timestamp() == 1795338960  # milliseconds in messaging events


def test_instagram_comment_and_mentions() -> None:
    ((account, item),) = webhook.parse(w.instagram_comment())
    assert account == w.IG_ID
    assert (item.kind, item.thread_key, item.parent_remote_id, item.author_handle) == (
        "comment", f"media:{w.IG_MEDIA}", w.IG_MEDIA, "camille")
    ((_a, reply),) = webhook.parse(w.instagram_comment("178", parent="17865799348089039"))
    assert (reply.kind, reply.parent_remote_id) == ("reply", "17865799348089039")
    assert webhook.parse(w.instagram_mention()) == []
    ((owner, read),) = webhook.follow_ups(w.instagram_mention())
    calls: list[Any] = []

    class Reader:
        def mention(self, media_id: str, comment_id: str | None) -> Any:
            calls.append((media_id, comment_id))
            return "item"

    assert (owner, read(Reader())) == (w.IG_ID, "item")
    assert calls == [("17900000000000009", "17870913679156914")]
    assert webhook.follow_ups(w.feed_comment()) == []
