"""Replies go out once, through the connector, to the real sandbox; failures stay visible."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent
from socialops.governance.models import Channel
from socialops.inbox import services
from socialops.inbox.models import Conversation, Delivery, Direction, Message
from socialops.inbox.services import poll_channel
from socialops.inbox.tasks import send_reply
from socialops.inbox.tests.sandbox_people import as_account, comment, dm, post

pytestmark = pytest.mark.django_db


def _replies_seen_by(sandbox: Any, fan: Any, text: str) -> list[Any]:
    items = as_account(sandbox, fan).fetch_inbox(None, 100).items
    return [i for i in items if i.text == text]


def test_a_dm_reply_goes_out_once_and_arrives(
        sandbox: Any, sandbox_channel: tuple[Channel, Any], fan: Any, make_member: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    channel, brand = sandbox_channel
    dm(as_account(sandbox, fan), brand.handle, "Ma commande #123 n'est pas arrivée")
    poll_channel(channel.pk)
    conversation = Conversation.objects.get(channel=channel)
    responder = make_member(channel.organization, "responder")
    with django_capture_on_commit_callbacks(execute=True):
        message = services.reply(conversation, "Bonjour, nous regardons tout de suite.",
                                 responder, Actor.system("test"))
    message.refresh_from_db()
    assert message.delivery == Delivery.SENT and message.remote_id.startswith("d")
    assert message.idempotency_key
    # The task delivered a second time changes nothing.
    assert send_reply.delay(message.pk).get() == "skipped"
    assert len(_replies_seen_by(sandbox, fan, "Bonjour, nous regardons tout de suite.")) == 1
    conversation.refresh_from_db()
    assert conversation.first_responded_at is not None
    assert conversation.response_due_at is None
    assert conversation.assignee == responder
    assert AuditEvent.objects.filter(action="inbox.reply").count() == 1


def test_a_comment_reply_answers_the_latest_comment(
        sandbox: Any, sandbox_channel: tuple[Channel, Any], fan: Any, make_member: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    channel, brand = sandbox_channel
    post_id = post(as_account(sandbox, brand), "Spring is here")
    them = as_account(sandbox, fan)
    first = comment(them, post_id, "Love it")
    comment(them, first, "When in Lyon?")
    poll_channel(channel.pk)
    conversation = Conversation.objects.get(channel=channel)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.reply(conversation, "Next week!",
                                 make_member(channel.organization, "responder"),
                                 Actor.system("test"))
    message.refresh_from_db()
    assert message.delivery == Delivery.SENT
    seen = _replies_seen_by(sandbox, fan, "Next week!")
    assert len(seen) == 1
    latest = Message.objects.get(channel=channel, text="When in Lyon?")
    assert seen[0].parent_remote_id == latest.remote_id
    # The fan answers our reply: it lands in the same conversation.
    comment(them, message.remote_id, "Great, thanks")
    poll_channel(channel.pk)
    assert Conversation.objects.filter(channel=channel).count() == 1


def test_a_failed_reply_keeps_its_error_and_can_be_retried(
        sandbox: Any, sandbox_channel: tuple[Channel, Any], fan: Any, make_member: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    channel, brand = sandbox_channel
    dm(as_account(sandbox, fan), brand.handle, "Hello?")
    poll_channel(channel.pk)
    conversation = Conversation.objects.get(channel=channel)
    responder = make_member(channel.organization, "responder")
    sandbox.admin("POST", "/admin/faults", {"expired_tokens": [brand.handle]})
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = services.reply(conversation, "Hi!", responder, Actor.system("test"))
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    message.refresh_from_db()
    assert message.delivery == Delivery.FAILED and message.error
    channel.status = "active"
    channel.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_reply(message, responder, Actor.system("test"))
    message.refresh_from_db()
    assert message.delivery == Delivery.SENT and message.error == ""
    assert len(_replies_seen_by(sandbox, fan, "Hi!")) == 1


def test_nobody_answers_without_the_right(channel: Channel, make_item: Any,
                                          make_member: Any) -> None:
    services.ingest(channel, [make_item("Hello")])
    conversation = Conversation.objects.get()
    analyst = make_member(channel.organization, "analyst")
    with pytest.raises(Exception, match="not allowed"):
        services.reply(conversation, "Hi", analyst, Actor.system("test"))
    with pytest.raises(ValidationError):
        services.reply(conversation, "   ", make_member(channel.organization, "responder"),
                       Actor.system("test"))
    assert not Message.objects.filter(direction=Direction.OUT).exists()


def test_a_reply_queued_by_someone_who_has_since_left_is_not_sent(
        sandbox: Any, sandbox_channel: tuple[Channel, Any], fan: Any, make_member: Any,
        django_capture_on_commit_callbacks: Any) -> None:
    from socialops.core.services import set_member_active

    channel, brand = sandbox_channel
    dm(as_account(sandbox, fan), brand.handle, "Vous êtes là ?")
    poll_channel(channel.pk)
    conversation = Conversation.objects.get(channel=channel)
    responder = make_member(channel.organization, "responder")
    # Queued, then the person is offboarded before a worker picks the job up.
    message = services.reply(conversation, "Oui, je regarde", responder, Actor.system("t"))
    set_member_active(responder, False, Actor.system("t"))
    assert send_reply.delay(message.pk).get() == "failed"
    message.refresh_from_db()
    assert message.delivery == Delivery.FAILED and "may no longer answer" in message.error
    assert _replies_seen_by(sandbox, fan, "Oui, je regarde") == []
