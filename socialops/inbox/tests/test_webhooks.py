"""The webhook receiver: signed Meta notifications become conversations, once."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx
from django.test import Client

from socialops.connectors.facebook import graph
from socialops.connectors.facebook.tests import payloads as p
from socialops.connectors.facebook.tests import webhook_payloads as w
from socialops.connectors.http import HttpClient
from socialops.core.models import Organization
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.inbox import webhooks
from socialops.inbox.models import Conversation, Kind, Message

pytestmark = pytest.mark.django_db
SECRET = "app-s3cret"


@pytest.fixture(autouse=True)
def _meta_settings(settings: Any) -> None:
    settings.SOCIALOPS_META_APP_SECRET = SECRET
    settings.SOCIALOPS_META_VERIFY_TOKEN = "verify-me"


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def page_channel(make_org: Callable[..., Organization],
                 make_channel: Callable[..., Channel]) -> Channel:
    return _page(make_org(), make_channel)


def _page(org: Organization, make_channel: Callable[..., Channel], **fields: Any) -> Channel:
    return make_channel(org, network="facebook", remote_id=p.PAGE_ID,
                        credentials={"access_token": "EAApage", "page_id": p.PAGE_ID}, **fields)


def _post(client: Client, payload: Any, *, network: str = "facebook",
          signature: str | None = None, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    if signature is None:
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post(f"/hooks/{network}/", data=body, content_type="application/json",
                       headers={"X-Hub-Signature-256": signature})


def test_signed_comment_is_ingested_and_a_replay_changes_nothing(
        client: Client, page_channel: Channel) -> None:
    assert _post(client, w.feed_comment()).status_code == 200
    conversation = Conversation.objects.get(channel=page_channel)
    assert conversation.kind == Kind.COMMENT
    assert conversation.thread_key == f"post:{p.POST_ID}/{w.COMMENT_ID}"
    message = conversation.messages.get()
    assert (message.remote_id, message.text, message.author_handle) == (
        w.COMMENT_ID, "Vous livrez en Belgique ?", p.FAN["id"])
    before = list(Message.objects.values().order_by("pk"))
    assert _post(client, w.feed_comment()).status_code == 200  # Meta retries, polling reads
    assert list(Message.objects.values().order_by("pk")) == before
    assert Conversation.objects.count() == 1


def test_messenger_message_opens_a_private_conversation(client: Client,
                                                        page_channel: Channel) -> None:
    assert _post(client, w.messenger()).status_code == 200
    conversation = Conversation.objects.get(channel=page_channel)
    assert (conversation.kind, conversation.thread_key) == (Kind.DM, f"dm:{p.PSID}")


def test_every_organization_connecting_the_page_receives_it(
        client: Client, page_channel: Channel, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel]) -> None:
    other = _page(make_org(), make_channel)
    sandbox = make_channel(make_org(), network="facebook", remote_id=p.PAGE_ID,
                           transport=Transport.SANDBOX)
    archived = _page(make_org(), make_channel)
    Channel.objects.filter(pk=archived.pk).update(status=ChannelStatus.ARCHIVED)
    _post(client, w.feed_comment())
    fed = set(Message.objects.values_list("channel_id", flat=True))
    assert fed == {page_channel.pk, other.pk}
    assert sandbox.pk not in fed and archived.pk not in fed


def test_bad_signature_is_refused_before_anything_is_read(client: Client,
                                                          page_channel: Channel) -> None:
    body = json.dumps(w.feed_comment()).encode()
    forged = "sha256=" + hmac.new(b"guess", body, hashlib.sha256).hexdigest()
    assert _post(client, None, raw=body, signature=forged).status_code == 403
    assert _post(client, None, raw=body, signature="").status_code == 403
    assert _post(client, None, raw=b"{not json", signature=forged).status_code == 403
    assert not Message.objects.exists()


def test_no_app_secret_configured_refuses_everything(client: Client, settings: Any,
                                                     page_channel: Channel) -> None:
    settings.SOCIALOPS_META_APP_SECRET = ""
    body = json.dumps(w.feed_comment()).encode()
    assert _post(client, None, raw=body,
                 signature="sha256=" + hmac.new(b"", body, hashlib.sha256).hexdigest()
                 ).status_code == 403
    assert not Message.objects.exists()


def test_malformed_json_is_400_and_unknown_pages_are_ignored(client: Client,
                                                             page_channel: Channel) -> None:
    assert _post(client, None, raw=b"{not json").status_code == 400
    stranger = json.loads(json.dumps(w.feed_comment()).replace(p.PAGE_ID, "999"))
    assert _post(client, stranger).status_code == 200
    assert _post(client, {"object": "page", "entry": "odd"}).status_code == 200
    assert not Message.objects.exists()


def test_unknown_networks_are_not_found(client: Client) -> None:
    assert _post(client, {}, network="myspace").status_code == 404
    assert _post(client, {}, network="x").status_code == 404  # X pushes nothing here


def test_subscription_handshake(client: Client, settings: Any) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "verify-me",
             "hub.challenge": "1158201444"}
    answer = client.get("/hooks/facebook/", query)
    assert (answer.status_code, answer.content) == (200, b"1158201444")
    assert answer["Content-Type"].startswith("text/plain")
    assert client.get("/hooks/instagram/", query).status_code == 200
    assert client.get("/hooks/facebook/", {**query, "hub.verify_token": "nope"}
                      ).status_code == 403
    assert client.get("/hooks/facebook/", {**query, "hub.mode": "unsubscribe"}
                      ).status_code == 403
    settings.SOCIALOPS_META_VERIFY_TOKEN = ""
    assert client.get("/hooks/facebook/", {**query, "hub.verify_token": ""}).status_code == 403
    assert client.put("/hooks/facebook/").status_code == 405


@pytest.fixture
def meta_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    def public(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
        return [(2, 1, 6, "", ("157.240.22.35", port))]

    monkeypatch.setattr(webhooks, "HttpClient", functools.partial(HttpClient, resolver=public))
    graph.forget_throttles()
    with respx.mock(base_url="https://graph.facebook.com", assert_all_called=False) as router:
        yield router
    graph.forget_throttles()


def test_instagram_comment_and_mention_read_with_the_channel_token(
        client: Client, meta_api: respx.MockRouter, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel]) -> None:
    channel = make_channel(make_org(), network="instagram", remote_id=w.IG_ID,
                           credentials={"access_token": "EAApage-ig", "page_id": p.PAGE_ID})
    assert _post(client, w.instagram_comment(), network="instagram").status_code == 200
    read = meta_api.get(f"/{graph.API_VERSION}/{w.IG_ID}").respond(200, json={
        "mentioned_comment": {"id": "17870913679156914", "text": "@maisonarlette superbe",
                              "username": "lea", "timestamp": "2026-11-22T09:40:00+0000",
                              "media": {"id": "17900000000000009"}}, "id": w.IG_ID})
    assert _post(client, w.instagram_mention(), network="instagram").status_code == 200
    assert read.calls.last.request.headers["Authorization"] == "Bearer EAApage-ig"
    stored = dict(Message.objects.filter(channel=channel).values_list("remote_id", "text"))
    assert stored == {"17865799348089039": "Sublime",
                      "mention:17900000000000009/17870913679156914": "@maisonarlette superbe"}
    # Meta failing to answer loses that one mention, never the notification.
    meta_api.get(f"/{graph.API_VERSION}/{w.IG_ID}").respond(500, json=p.error(2, "down"))
    assert _post(client, w.instagram_mention("17870913679150000"),
                 network="instagram").status_code == 200
