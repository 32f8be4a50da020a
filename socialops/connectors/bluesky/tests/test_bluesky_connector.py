"""The Bluesky connector against the reference AT Protocol network (@atproto/dev-env)."""

from __future__ import annotations

import io
from collections.abc import Callable

import httpx
import pytest
from PIL import Image

from socialops.connectors.base import MediaRef, PublishRequest
from socialops.connectors.bluesky.connector import BlueskyConnector
from socialops.connectors.bluesky.record_keys import tid_for
from socialops.connectors.bluesky.testing import DevAccount, DevNetwork
from socialops.connectors.bluesky.tests.conftest import eventually
from socialops.connectors.errors import AuthExpiredError, PermanentError

Connect = Callable[[DevAccount], BlueskyConnector]
Make = Callable[[str], DevAccount]


def _record(devnet: DevNetwork, uri: str) -> dict:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    response = httpx.get(f"{devnet.pds_url}/xrpc/com.atproto.repo.getRecord",
                         params={"repo": repo, "collection": collection, "rkey": rkey})
    response.raise_for_status()
    return response.json()["value"]


def _own_posts(devnet: DevNetwork, did: str) -> list[dict]:
    response = httpx.get(f"{devnet.pds_url}/xrpc/com.atproto.repo.listRecords",
                         params={"repo": did, "collection": "app.bsky.feed.post", "limit": 100})
    response.raise_for_status()
    return response.json()["records"]


def test_record_keys_are_stable_valid_tids() -> None:
    key = tid_for("so-variant-42")
    assert key == tid_for("so-variant-42") != tid_for("so-variant-43")
    assert len(key) == 13 and set(key) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert key[0] in "234567abcdefghij"  # top bit 0


def test_verify_and_publish_text_with_link_and_mention(devnet: DevNetwork, account: Make,
                                                       connect: Connect) -> None:
    alice, bob = account("alice"), account("bob")
    brand = connect(alice)
    info = brand.verify()
    assert (info.remote_id, info.handle) == (alice.did, alice.handle)
    connect(bob)
    text = f"Nouvelle collection ! Merci @{bob.handle} — https://example.com/automne"
    result = brand.publish(PublishRequest(text=text, placement="feed",
                                          idempotency_key="so-text-1"))
    assert result.remote_id.startswith(f"at://{alice.did}/app.bsky.feed.post/")
    record = _record(devnet, result.remote_id)
    assert record["text"] == text
    kinds = {f["features"][0]["$type"].split("#")[1] for f in record["facets"]}
    assert kinds == {"mention", "link"}
    mention = next(f for f in record["facets"] if "mention" in f["features"][0]["$type"])
    start, end = mention["index"]["byteStart"], mention["index"]["byteEnd"]
    assert text.encode()[start:end].decode() == f"@{bob.handle}"


def test_a_retried_publish_never_posts_twice(devnet: DevNetwork, account: Make,
                                             connect: Connect) -> None:
    alice = account("alice")
    brand = connect(alice)
    request = PublishRequest(text="Une seule fois", placement="feed", idempotency_key="so-once")
    first = brand.publish(request)
    second = brand.publish(request)
    assert first.remote_id == second.remote_id
    assert len(_own_posts(devnet, alice.did)) == 1
    assert brand.find_published("so-once") is not None
    assert brand.find_published("so-never-sent") is None


def test_image_with_alt_text(devnet: DevNetwork, account: Make, connect: Connect) -> None:
    brand = connect(account("alice"))
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 80, 40)).save(buffer, "JPEG")
    result = brand.publish(PublishRequest(
        text="Vitrine d'automne", placement="feed", idempotency_key="so-image",
        media=[MediaRef(mime="image/jpeg", data=buffer.getvalue(), alt_text="Une vitrine")]))
    embed = _record(devnet, result.remote_id)["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert embed["images"][0]["alt"] == "Une vitrine"
    assert embed["images"][0]["image"]["mimeType"] == "image/jpeg"


def test_mentions_and_replies_reach_the_inbox_once_and_we_answer(
    devnet: DevNetwork, account: Make, connect: Connect
) -> None:
    alice, bob = account("alice"), account("bob")
    brand, fan = connect(alice), connect(bob)
    post = brand.publish(PublishRequest(text="Quel est votre produit préféré ?",
                                        placement="feed", idempotency_key="so-question"))
    fan.publish(PublishRequest(text=f"@{alice.handle} ma commande est en retard",
                               placement="feed", idempotency_key="fan-mention"))
    fan.reply(post.remote_id, "Le plaid en laine !", "fan-reply")

    page = eventually(lambda: (p := brand.fetch_inbox(None, 50)) and len(p.items) >= 2 and p)
    assert page, "notifications never arrived"
    kinds = sorted(item.kind for item in page.items)
    assert kinds == ["mention", "reply"]
    reply_item = next(i for i in page.items if i.kind == "reply")
    assert reply_item.thread_key == post.remote_id
    assert reply_item.text == "Le plaid en laine !"
    assert reply_item.author_handle == bob.handle
    assert brand.fetch_inbox(page.cursor, 50).items == []

    answer = brand.reply(reply_item.remote_id, "Merci, bon choix !", "so-answer-1")
    again = brand.reply(reply_item.remote_id, "Merci, bon choix !", "so-answer-1")
    assert answer.remote_id == again.remote_id
    reply_record = _record(devnet, answer.remote_id)["reply"]
    assert reply_record["root"]["uri"] == post.remote_id
    assert reply_record["parent"]["uri"] == reply_item.remote_id


def test_metrics_and_delete(devnet: DevNetwork, account: Make, connect: Connect) -> None:
    alice, bob = account("alice"), account("bob")
    brand, fan = connect(alice), connect(bob)
    post = brand.publish(PublishRequest(text="À liker", placement="feed",
                                        idempotency_key="so-metrics"))
    fan._client.like(uri=post.remote_id, cid=_cid(devnet, post.remote_id))
    metrics = eventually(lambda: (m := brand.fetch_post_metrics([post.remote_id]))
                         and m[0].reactions == 1 and m)
    assert metrics and metrics[0].reactions == 1 and metrics[0].comments == 0
    brand.delete(post.remote_id)
    assert brand.find_published("so-metrics") is None
    brand.delete(post.remote_id)  # already gone: not an error


def _cid(devnet: DevNetwork, uri: str) -> str:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    response = httpx.get(f"{devnet.pds_url}/xrpc/com.atproto.repo.getRecord",
                         params={"repo": repo, "collection": collection, "rkey": rkey})
    return str(response.json()["cid"])


def test_wrong_password_and_bad_uri_map_to_error_kinds(devnet: DevNetwork,
                                                       account: Make) -> None:
    from socialops.connectors.base import ChannelAuth
    from socialops.connectors.http import HttpClient

    alice = account("alice")
    auth = ChannelAuth(remote_id=alice.did, handle=alice.handle,
                       credentials={"identifier": alice.handle, "app_password": "wrong",
                                    "service": devnet.pds_url})
    with pytest.raises(AuthExpiredError):
        BlueskyConnector(auth, HttpClient(allow_private=True)).verify()
    with pytest.raises(PermanentError):
        BlueskyConnector(auth, HttpClient(allow_private=True)).delete("not-a-uri")
