"""Replies that need an approval: held, approved (sent once to the sandbox) or turned down."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent
from socialops.governance.models import Channel
from socialops.inbox import services
from socialops.inbox.models import Conversation, Delivery, Message
from socialops.inbox.services import QueueFilters, poll_channel, reply_approval
from socialops.inbox.tests.sandbox_people import as_account, dm

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
LEGAL = "Mon avocat va vous adresser une mise en demeure pour ce colis"


def _client(member: Any) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def setup(sandbox: Any, sandbox_channel: tuple[Channel, Any], fan: Any,
          make_member: Any) -> dict[str, Any]:
    channel, brand = sandbox_channel
    dm(as_account(sandbox, fan), brand.handle, LEGAL)
    poll_channel(channel.pk)
    org = channel.organization
    return {"channel": channel, "fan": fan, "sandbox": sandbox,
            "conversation": Conversation.objects.get(channel=channel),
            "responder": make_member(org, "responder"),
            "approver": make_member(org, "approver", email="legal@brand.example"),
            "manager": make_member(org, "manager", email="lead@brand.example")}


def _seen_by_fan(setup: dict[str, Any], text: str) -> int:
    items = as_account(setup["sandbox"], setup["fan"]).fetch_inbox(None, 100).items
    return sum(1 for item in items if item.text == text)


def test_a_reply_to_an_urgent_message_waits_then_goes_out_once_approved(
    setup: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    conversation = setup["conversation"]
    assert conversation.urgent
    reply_approval.set_policy(setup["manager"], urgent=True, channel_ids=[], actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        held = services.reply(conversation, "Nous sommes désolés, notre service juridique "
                              "vous répond.", setup["responder"], ACTOR)
    assert held.delivery == Delivery.AWAITING_APPROVAL
    told = {m.to[0] for m in mail.outbox if "approval" in m.subject}
    assert {"lead@brand.example", "legal@brand.example"} <= told
    assert setup["responder"].user.email not in told
    assert _seen_by_fan(setup, held.text) == 0
    waiting = services.queue(setup["approver"], QueueFilters.parse({"queue": "approval"}))
    assert [c.pk for c in waiting] == [conversation.pk]
    page = _client(setup["approver"]).get(reverse("inbox:conversation",
                                                  args=[conversation.pk])).content.decode()
    assert "Approve and send" in page
    with pytest.raises(PermissionDenied):
        reply_approval.approve(held, setup["responder"], ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        _client(setup["approver"]).post(reverse("inbox:reply_approve",
                                                args=[conversation.pk, held.pk]))
    held.refresh_from_db()
    assert held.delivery == Delivery.SENT and held.reviewed_by == setup["approver"]
    assert _seen_by_fan(setup, held.text) == 1
    assert AuditEvent.objects.filter(action="inbox.reply_approve").count() == 1
    # Approving again changes nothing and sends nothing more.
    again = _client(setup["approver"]).post(reverse("inbox:reply_approve",
                                                    args=[conversation.pk, held.pk]),
                                            follow=True)
    assert "no longer waits for approval" in again.content.decode()
    assert _seen_by_fan(setup, held.text) == 1


def test_a_turned_down_reply_is_never_sent_and_says_why(
    setup: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    conversation = setup["conversation"]
    reply_approval.set_policy(setup["manager"], urgent=False,
                              channel_ids=[setup["channel"].pk], actor=ACTOR)
    with django_capture_on_commit_callbacks(execute=True):
        held = services.reply(conversation, "On vous rembourse tout !", setup["responder"],
                              ACTOR)
    client = _client(setup["manager"])
    empty = client.post(reverse("inbox:reply_reject", args=[conversation.pk, held.pk]),
                        {"reason": " "}, follow=True)
    assert "Say why" in empty.content.decode()
    client.post(reverse("inbox:reply_reject", args=[conversation.pk, held.pk]),
                {"reason": "Pas de promesse de remboursement <b>avant</b> enquête"})
    held.refresh_from_db()
    assert held.delivery == Delivery.REJECTED
    page = _client(setup["responder"]).get(reverse("inbox:conversation",
                                                   args=[conversation.pk])).content.decode()
    assert "Not approved" in page and "&lt;b&gt;avant&lt;/b&gt;" in page
    assert _seen_by_fan(setup, held.text) == 0
    # A manager's own reply goes out at once; so does any reply once the policy is off.
    with django_capture_on_commit_callbacks(execute=True):
        own = services.reply(conversation, "Bonjour, je m'en occupe.", setup["manager"], ACTOR)
    own.refresh_from_db()
    assert own.delivery == Delivery.SENT
    reply_approval.set_policy(setup["manager"], urgent=False, channel_ids=[], actor=ACTOR)
    assert not reply_approval.needs_approval(conversation, setup["responder"])


def test_only_managers_set_the_policy(setup: dict[str, Any]) -> None:
    client = _client(setup["responder"])
    assert client.get(reverse("inbox:reply_approval")).status_code == 403
    manager = _client(setup["manager"])
    manager.post(reverse("inbox:reply_approval"), {"urgent": "on",
                                                   "channels": [setup["channel"].pk]})
    policy = reply_approval.policy_of(setup["channel"].organization_id)
    assert policy is not None and policy.urgent
    assert list(policy.channels.all()) == [setup["channel"]]
    assert AuditEvent.objects.filter(action="inbox.reply_approval_policy").exists()
    assert not Message.objects.filter(delivery=Delivery.AWAITING_APPROVAL).exists()
