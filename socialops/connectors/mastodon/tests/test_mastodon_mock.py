"""The Mastodon connector against mastodon-mock, a stateful Mastodon API over real HTTP."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from PIL import Image

from socialops.connectors.base import ChannelAuth, Connector, MediaRef, PublishRequest
from socialops.connectors.errors import (
    AuthExpiredError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.mastodon import connector as connector_module
from socialops.connectors.mastodon.connector import MastodonConnector
from socialops.connectors.mastodon.testing import MockAccount, MockInstance, start_mock
from socialops.connectors.quotas import SentJournal
from socialops.connectors.registry import build_connector

Make = Callable[[str], MockAccount]
Connect = Callable[..., MastodonConnector]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _own_statuses(instance: MockInstance, who: MockAccount) -> list[dict]:
    return instance.as_user(who, "GET", f"/api/v1/accounts/{who.id}/statuses")


def test_the_registry_builds_it_for_a_mastodon_channel(instance: MockInstance,
                                                       account: Make) -> None:
    brand = account("brand")
    with HttpClient(allow_private=True) as http:
        connector = build_connector("mastodon", brand.auth(instance.url), http)
        assert isinstance(connector, MastodonConnector)
        assert isinstance(connector, Connector)
        assert brand.token not in repr(connector)


def test_verify_returns_the_account(instance: MockInstance, account: Make,
                                    connect: Connect) -> None:
    brand = account("brand")
    info = connect(brand).verify()
    assert info.remote_id == brand.id
    assert info.handle == f"{brand.username}@{instance.url.removeprefix('http://')}"
    assert info.followers == 0


def test_a_wrong_token_means_reconnect(instance: MockInstance, http: HttpClient) -> None:
    auth = ChannelAuth("1", "ghost", {"access_token": "revoked", "instance": instance.url})
    with pytest.raises(AuthExpiredError):
        MastodonConnector(auth, http).verify()


def test_publish_text_with_link_and_a_retry_never_posts_twice(
        instance: MockInstance, account: Make, connect: Connect) -> None:
    brand = account("brand")
    request = PublishRequest(text="Nouvelle collection !", placement="feed",
                             idempotency_key="so-masto-1", link="https://example.com/automne")
    connector = connect(brand)
    first = connector.publish(request)
    # Another process (a fresh connector) retries under the same key.
    second = connect(brand).publish(request)
    assert first.remote_id == second.remote_id
    statuses = _own_statuses(instance, brand)
    assert len(statuses) == 1
    assert "https://example.com/automne" in statuses[0]["content"]
    assert statuses[0]["visibility"] == "public"
    assert first.url == statuses[0]["url"]
    assert connector.find_published("so-masto-1") == first


def test_image_with_alt_text(instance: MockInstance, account: Make, connect: Connect) -> None:
    brand = account("brand")
    result = connect(brand).publish(PublishRequest(
        text="Vitrine d'automne", placement="feed", idempotency_key="so-masto-img",
        media=[MediaRef(mime="image/png", data=_png(), alt_text="Une vitrine rouge")]))
    status = instance.as_user(brand, "GET", f"/api/v1/statuses/{result.remote_id}")
    [media] = status["media_attachments"]
    assert (media["type"], media["description"]) == ("image", "Une vitrine rouge")


def test_mentions_replies_and_dms_arrive_in_order_and_get_answered(
        instance: MockInstance, account: Make, connect: Connect) -> None:
    brand, fan = account("brand"), account("fan")
    connector = connect(brand)
    post = connector.publish(PublishRequest(text="Quel est votre modèle préféré ?",
                                            placement="feed", idempotency_key="so-masto-q"))
    instance.as_user(fan, "POST", "/api/v1/statuses", json={
        "status": f"@{brand.username} le manteau <b>bleu</b> !", "in_reply_to_id": post.remote_id})
    instance.as_user(fan, "POST", "/api/v1/statuses", json={
        "status": f"Merci @{brand.username} pour la livraison"})
    instance.as_user(fan, "POST", "/api/v1/statuses", json={
        "status": f"@{brand.username} ma commande 4521 est abîmée", "visibility": "direct"})

    page = connector.fetch_inbox(None, 50)
    assert [i.kind for i in page.items] == ["reply", "mention", "dm"]
    reply, mention, dm = page.items
    assert reply.post_remote_id == reply.parent_remote_id == reply.thread_key == post.remote_id
    assert reply.text == f"@{brand.username} le manteau <b>bleu</b> !"  # plain text, unescaped
    assert reply.author_handle == fan.username
    assert mention.thread_key == mention.remote_id and mention.post_remote_id is None
    assert dm.thread_key == f"dm:{fan.id}"
    assert connector.fetch_inbox(page.cursor, 50).items == []

    answer = connector.reply(dm.remote_id, "Désolés ! Nous vous écrivons.", "so-masto-dm-1")
    sent = instance.as_user(brand, "GET", f"/api/v1/statuses/{answer.remote_id}")
    assert sent["visibility"] == "direct"  # a DM answer must never become public
    assert sent["in_reply_to_id"] == dm.remote_id
    assert f"@{fan.username}" in sent["content"]
    public = connector.reply(reply.remote_id, "Excellent choix", "so-masto-r-1")
    assert instance.as_user(brand, "GET",
                            f"/api/v1/statuses/{public.remote_id}")["visibility"] == "public"

    instance.as_user(fan, "POST", "/api/v1/statuses", json={
        "status": f"@{brand.username} encore moi"})
    later = connector.fetch_inbox(page.cursor, 50)
    assert [i.text for i in later.items] == [f"@{brand.username} encore moi"]


def test_delete_twice_is_fine(instance: MockInstance, account: Make, connect: Connect) -> None:
    brand = account("brand")
    connector = connect(brand)
    result = connector.publish(PublishRequest(text="Oups", placement="feed",
                                              idempotency_key="so-masto-del"))
    connector.delete(result.remote_id)
    connector.delete(result.remote_id)
    assert _own_statuses(instance, brand) == []


def test_metrics_count_favourites_boosts_and_replies(
        instance: MockInstance, account: Make, connect: Connect) -> None:
    brand, fan = account("brand"), account("fan")
    connector = connect(brand)
    post = connector.publish(PublishRequest(text="Soldes", placement="feed",
                                            idempotency_key="so-masto-m"))
    instance.as_user(fan, "POST", f"/api/v1/statuses/{post.remote_id}/favourite")
    instance.as_user(fan, "POST", f"/api/v1/statuses/{post.remote_id}/reblog")
    instance.as_user(fan, "POST", "/api/v1/statuses",
                     json={"status": "Super", "in_reply_to_id": post.remote_id})
    [metrics] = connector.fetch_post_metrics([post.remote_id])
    assert (metrics.reactions, metrics.shares, metrics.comments) == (1, 1, 1)
    assert metrics.impressions is None
    [today] = connector.fetch_account_metrics(post.published_at.date() - timedelta(days=1),
                                              post.published_at.date() + timedelta(days=1))
    assert today.followers == 0 and today.impressions is None


def test_search_by_word_and_hashtag(instance: MockInstance, account: Make,
                                    connect: Connect) -> None:
    brand, fan = account("brand"), account("fan")
    word = f"zephyrine{fan.id}"
    instance.as_user(fan, "POST", "/api/v1/statuses",
                     json={"status": f"J'adore {word} #{word}"})
    connector = connect(brand)
    found = connector.search(word, None, 10)
    assert [i.author_handle for i in found.items] == [fan.username]
    assert found.items[0].kind == "mention"
    by_tag = connector.search(f"#{word}", None, 10)
    assert [i.remote_id for i in by_tag.items] == [found.items[0].remote_id]


def test_refusals_and_throttling_map_to_error_kinds(
        instance: MockInstance, account: Make, connect: Connect) -> None:
    brand = account("brand")
    connector = connect(brand)
    with pytest.raises(PermanentError) as refused:
        connector.publish(PublishRequest(text="x" * 600, placement="feed",
                                         idempotency_key="so-masto-long"))
    assert refused.value.status == 422 and "too long" in refused.value.message
    instance.fault("POST", "/api/v1/statuses", {"type": "status", "status": 503})
    with pytest.raises(RetryableError) as unavailable:
        connector.publish(PublishRequest(text="Bientôt", placement="feed",
                                         idempotency_key="so-masto-503"))
    assert unavailable.value.status == 503
    instance.fault("GET", "/api/v1/notifications", {"type": "ratelimit"})
    with pytest.raises(RateLimitedError) as throttled:
        connector.fetch_inbox(None, 10)
    assert 250 < throttled.value.retry_after <= 300


def test_a_lost_answer_is_an_unknown_outcome_and_a_resend_posts_once(
        instance: MockInstance, account: Make, connect: Connect) -> None:
    brand = account("brand")
    # mastodon-mock drops a request whose client stopped waiting: nothing was created.
    instance.fault("POST", "/api/v1/statuses", {"type": "latency", "delay_ms": 1500})
    request = PublishRequest(text="Lancement à 10 h", placement="feed",
                             idempotency_key="so-masto-lost")
    with (HttpClient(allow_private=True, read_timeout=0.5, sleep=lambda _s: None) as impatient,
          pytest.raises(UnknownOutcomeError)):
        connect(brand, impatient).publish(request)
    time.sleep(1.5)
    assert connect(brand).find_published("so-masto-lost") is None
    connect(brand).publish(request)
    assert len(_own_statuses(instance, brand)) == 1


def test_a_status_that_landed_behind_a_gateway_error_is_found(
        instance: MockInstance, account: Make, connect: Connect,
        monkeypatch: pytest.MonkeyPatch) -> None:
    brand = account("brand")
    connector = connect(brand)
    request = PublishRequest(text="Ouverture dimanche", placement="feed",
                             idempotency_key="so-masto-502", link="https://example.com/d")
    instance.fault("POST", "/api/v1/statuses", {"type": "status", "status": 502})
    with pytest.raises(UnknownOutcomeError):
        connector.publish(request)
    assert connector.find_published("so-masto-502") is None
    # The gateway had in fact passed the status on: it is on the account.
    landed = instance.as_user(brand, "POST", "/api/v1/statuses",
                              json={"status": "Ouverture dimanche\n\nhttps://example.com/d"})
    found = connector.find_published("so-masto-502")
    assert found is not None and found.remote_id == landed["id"]
    # Another process knows nothing of the key, unless it is given the request.
    monkeypatch.setattr(connector_module, "_journal", SentJournal())
    assert connect(brand).find_published("so-masto-502") is None
    other = connect(brand).find_published("so-masto-502", request=request)
    assert other is not None and other.remote_id == landed["id"]


THROTTLED = "[ratelimit]\nenabled = true\nlimit = 3\nwindow_seconds = 300\n"


def test_a_spent_quota_is_waited_for_not_hammered(http: HttpClient) -> None:
    throttled = start_mock(THROTTLED)
    try:
        brand = throttled.create_account("brand")
        connector = MastodonConnector(brand.auth(throttled.url), http)
        connector.verify()
        connector.fetch_inbox(None, 10)
        connector.search("#rien", None, 5)  # the third call of the window: none remain
        with pytest.raises(RateLimitedError) as caught:
            connector.fetch_inbox(None, 10)
        assert 250 < caught.value.retry_after <= 300
        assert caught.value.status is None  # refused here: the instance was not asked again
    finally:
        throttled.stop()
