"""The inbox pages the person on call through the core paging hook (ADR 0007): once per cause."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialops.connectors.base import InboundItem
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation
from socialops.inbox.services import ingest
from socialops.inbox.services.escalation import page_breaches
from socialops.team.models import Page

pytestmark = pytest.mark.django_db

THREAT = "Je vais porter plainte et contacter mon avocat, c'est une honte"


def test_an_urgent_message_pages_once(
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
    make_channel: Callable[..., Channel], django_capture_on_commit_callbacks: Any,
) -> None:
    org = make_org()
    manager = make_member(org, "manager")
    channel = make_channel(org, network="x", owner=manager)
    item = InboundItem(remote_id="u1", kind="dm", author_handle="client", author_name="Client",
                       text=THREAT, created_at=timezone.now(), thread_key="dm:u1")
    with django_capture_on_commit_callbacks(execute=True):
        ingest(channel, [item])
    with django_capture_on_commit_callbacks(execute=True):
        ingest(channel, [item])
    page = Page.objects.get(organization=org)
    assert page.kind == "urgent_message" and page.channel == channel
    assert page.url.startswith("/inbox/") and "porter plainte" in page.title
    assert page.details["reasons"] == "legal"


def test_conversations_past_their_target_page_once_per_channel_and_hour(
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
    make_channel: Callable[..., Channel], django_capture_on_commit_callbacks: Any,
) -> None:
    org = make_org()
    channel = make_channel(org, network="x", owner=make_member(org, "manager"))
    # Ten past the hour, so that five minutes later is still the same hour's page.
    now = timezone.now().replace(minute=10)
    for n in range(3):
        ingest(channel, [InboundItem(
            remote_id=f"q{n}", kind="comment", author_handle=f"c{n}", author_name="C",
            text="Bonjour, une question sur ma commande", created_at=now, thread_key=f"t{n}")])
    conversations = Conversation.objects.filter(channel=channel)
    conversations.update(response_due_at=now - timedelta(minutes=10))
    Conversation.objects.filter(pk=conversations.first().pk).update(
        response_due_at=now - timedelta(hours=3))  # old backlog: not news
    with django_capture_on_commit_callbacks(execute=True):
        assert page_breaches(now) == 1
    with django_capture_on_commit_callbacks(execute=True):
        page_breaches(now + timedelta(minutes=5))
    page = Page.objects.get(organization=org, kind="response_breach")
    assert page.title == f"2 conversations on {channel.display_name} passed their response target"
