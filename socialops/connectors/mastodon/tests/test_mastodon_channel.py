"""A Mastodon channel in socialops: its credentials reach mastodon-mock through the registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from socialops.connectors.base import PublishRequest
from socialops.connectors.http import HttpClient
from socialops.connectors.mastodon.connector import MastodonConnector
from socialops.connectors.mastodon.testing import MockAccount, MockInstance
from socialops.core.actors import Actor
from socialops.governance.connections import connector_for
from socialops.governance.services import set_credentials
from socialops.inbox import services as inbox
from socialops.inbox.models import Conversation, Message
from socialops.inbox.services.delivery import deliver_reply

pytestmark = pytest.mark.django_db


def test_a_mastodon_channel_publishes_reads_its_inbox_and_answers_a_dm(
        instance: MockInstance, account: Callable[[str], MockAccount], make_org: Any,
        make_channel: Any, make_member: Any, actor: Actor) -> None:
    brand, fan = account("brand"), account("fan")
    org = make_org()
    channel = make_channel(org, "mastodon", handle=brand.username, remote_id=brand.id)
    set_credentials(channel, {"access_token": brand.token, "instance": instance.url}, actor)
    # A real instance is public; the mock listens on loopback, which the guard refuses.
    with HttpClient(allow_private=True) as http:
        connector = connector_for(channel, http=http)
        assert isinstance(connector, MastodonConnector)
        post = connector.publish(PublishRequest(text="Bienvenue !", placement="feed",
                                                idempotency_key="so-e2e-1"))
        instance.as_user(fan, "POST", "/api/v1/statuses", json={
            "status": f"@{brand.username} merci", "in_reply_to_id": post.remote_id})
        instance.as_user(fan, "POST", "/api/v1/statuses", json={
            "status": f"@{brand.username} <script>alert(1)</script> où est ma commande ?",
            "visibility": "direct"})

        outcome = inbox.poll_channel(channel.pk, connector=connector)
        assert (outcome.ingested, outcome.error) == (2, "")
        assert inbox.poll_channel(channel.pk, connector=connector).ingested == 0
        dm = Conversation.objects.get(channel=channel, kind="dm")
        assert dm.messages.get().text == (
            f"@{brand.username} <script>alert(1)</script> où est ma commande ?")

        answer = inbox.reply(dm, "Nous regardons tout de suite.",
                             make_member(org, "responder"), actor)
        assert deliver_reply(answer.pk, connector=connector).status == "sent"
    sent = Message.objects.get(pk=answer.pk)
    status = instance.as_user(brand, "GET", f"/api/v1/statuses/{sent.remote_id}")
    assert status["visibility"] == "direct"
    assert f"@{fan.username}" in status["content"]
