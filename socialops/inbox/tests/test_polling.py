"""Polling the real sandbox over HTTP: incremental, once per item, leased, backing off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialops.core.models import Organization
from socialops.governance.models import Channel, ChannelStatus
from socialops.inbox.models import ChannelPoll, Conversation, Message
from socialops.inbox.services import due_channels, poll_channel
from socialops.inbox.services.polling import claim
from socialops.inbox.tasks import poll_inboxes
from socialops.inbox.tests.conftest import sandbox_channel_for
from socialops.inbox.tests.sandbox_people import as_account, comment, dm, post

pytestmark = pytest.mark.django_db


def test_polling_twice_ingests_each_item_once_and_in_order(
        sandbox: Any, sandbox_channel: tuple[Channel, Any], fan: Any) -> None:
    channel, brand = sandbox_channel
    post_id = post(as_account(sandbox, brand), "Our new collection is here")
    them = as_account(sandbox, fan)
    first = comment(them, post_id, "Love the colours!")
    comment(them, first, "And when is it in store?")
    dm(them, brand.handle, "Bonjour, vous livrez en Belgique ?")

    outcome = poll_channel(channel.pk)
    assert (outcome.claimed, outcome.ingested, outcome.error) == (True, 3, "")
    assert poll_channel(channel.pk).ingested == 0
    texts = list(Message.objects.order_by("pk").values_list("text", flat=True))
    assert texts == ["Love the colours!", "And when is it in store?",
                     "Bonjour, vous livrez en Belgique ?"]
    kinds = sorted(Conversation.objects.values_list("kind", "message_count"))
    assert kinds == [("comment", 2), ("dm", 1)]

    # Only what is new since the stored cursor comes next.
    dm(them, brand.handle, "Vous êtes là ?")
    assert poll_channel(channel.pk).ingested == 1
    assert Conversation.objects.get(kind="dm").message_count == 2
    state = ChannelPoll.objects.get(channel=channel)
    assert state.cursor and state.items_ingested == 4 and state.lease_owner == ""
    assert state.next_poll_at is not None and state.next_poll_at > timezone.now()


def test_a_channel_is_never_polled_twice_at_once(sandbox_channel: tuple[Channel, Any]) -> None:
    channel, _brand = sandbox_channel
    assert claim(channel.pk, "someone-else")
    assert poll_channel(channel.pk).claimed is False
    assert channel.pk not in due_channels()
    # An expired lease (its holder died) is taken over.
    ChannelPoll.objects.filter(channel=channel).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert poll_channel(channel.pk).claimed is True


def test_beat_queues_a_poll_per_due_channel(sandbox: Any, sandbox_channel: tuple[Channel, Any],
                                            fan: Any) -> None:
    channel, brand = sandbox_channel
    dm(as_account(sandbox, fan), brand.handle, "Hello from beat")
    assert poll_inboxes.delay().get() >= 1
    assert Message.objects.filter(channel=channel).count() == 1
    # Polled just now: not due again until the interval has passed.
    assert channel.pk not in due_channels()


def test_expired_token_flags_the_channel_for_reconnection(
        sandbox: Any, sandbox_channel: tuple[Channel, Any]) -> None:
    channel, brand = sandbox_channel
    sandbox.admin("POST", "/admin/faults", {"expired_tokens": [brand.handle]})
    try:
        outcome = poll_channel(channel.pk)
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    channel.refresh_from_db()
    assert outcome.error and channel.status == ChannelStatus.NEEDS_REAUTH
    assert channel.pk not in due_channels()


def test_server_errors_back_off(sandbox: Any, sandbox_channel: tuple[Channel, Any]) -> None:
    channel, _brand = sandbox_channel
    sandbox.admin("POST", "/admin/faults", {"error_5xx": 20})
    try:
        outcome = poll_channel(channel.pk)
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    state = ChannelPoll.objects.get(channel=channel)
    assert outcome.error and state.consecutive_failures == 1 and state.last_error
    assert state.next_poll_at is not None and state.next_poll_at > timezone.now()
    assert state.lease_owner == ""


def test_simulated_audience_is_ingested_and_triaged(
        sandbox: Any, settings: Any, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel]) -> None:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    channel, _brand = sandbox_channel_for(sandbox, make_org(), make_channel, followers=400_000)
    sandbox.admin("POST", "/admin/simulator", {"generate_seconds": 24 * 3600})
    poll_channel(channel.pk)
    messages = list(Message.objects.filter(channel=channel))
    assert len(messages) >= 20
    labelled = [(m.raw.get("sim") or {}).get("category") for m in messages]
    urgent_labelled = [m for m, c in zip(messages, labelled, strict=True) if c == "urgent"]
    assert all(m.urgent for m in urgent_labelled)
    spam_flagged = [c for m, c in zip(messages, labelled, strict=True) if m.spam]
    assert spam_flagged.count("spam") >= 0.9 * len(spam_flagged)
