"""Offboarding hands the leaver's open conversations to the successor."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.governance.offboarding import offboard
from socialops.inbox.models import Conversation, Status
from socialops.inbox.services import ingest

pytestmark = pytest.mark.django_db


def test_open_conversations_move_to_the_successor_closed_ones_stay(
    channel: Channel, make_member: Callable[..., Member],
    make_item: Callable[..., InboundItem],
) -> None:
    org = channel.organization
    admin = make_member(org, "admin")
    leaver, successor = make_member(org, "responder"), make_member(org, "responder")
    ingest(channel, [make_item("Commande en retard", thread_key="dm:1", kind="dm"),
                     make_item("Merci !", thread_key="dm:2", kind="dm")])
    first, second = Conversation.objects.order_by("pk")
    Conversation.objects.filter(pk__in=[first.pk, second.pk]).update(assignee=leaver)
    Conversation.objects.filter(pk=second.pk).update(status=Status.CLOSED)

    report = offboard(leaver, Actor.for_user(admin.user), successor=successor)

    assert Conversation.objects.get(pk=first.pk).assignee == successor
    assert Conversation.objects.get(pk=second.pk).assignee == leaver
    assert report.handlers["inbox.conversations"] == [
        f"1 open conversation now assigned to {successor.user.email}"]
