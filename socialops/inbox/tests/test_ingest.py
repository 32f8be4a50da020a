"""Ingestion: idempotent, threaded, triaged, batched; reopens closed conversations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from socialops.connectors.base import InboundItem
from socialops.governance.models import Channel
from socialops.inbox.models import Contact, Conversation, Message, Priority, Status
from socialops.inbox.services import ingest

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        Message.objects.values_list("remote_id", "conversation__thread_key", "text", "urgent")
    )


def test_the_same_batch_twice_changes_nothing(channel: Channel,
                                              make_item: Callable[..., InboundItem]) -> None:
    batch = [make_item("Great shoes!"), make_item("Where is my order?", author="bob"),
             make_item("Salut, vous livrez en Belgique ?", kind="dm", thread_key="dm:u1-u2",
                       parent=None, post=None, author="claire")]
    first = ingest(channel, batch)
    before = (_rows(), list(Conversation.objects.values().order_by("pk")),
              list(Contact.objects.values().order_by("pk")))
    second = ingest(channel, batch)
    after = (_rows(), list(Conversation.objects.values().order_by("pk")),
             list(Contact.objects.values().order_by("pk")))
    assert (first.created, second.created) == (3, 0)
    assert before == after
    assert Message.objects.count() == 3


def test_duplicates_inside_a_batch_are_stored_once(
        channel: Channel, make_item: Callable[..., InboundItem]) -> None:
    item = make_item("Twice in one page")
    assert ingest(channel, [item, item]).created == 1
    assert Conversation.objects.get().message_count == 1


def test_comments_split_per_person_and_replies_join_their_comment(
        channel: Channel, make_item: Callable[..., InboundItem]) -> None:
    alice = make_item("Love it", remote_id="c1", author="alice")
    bob = make_item("Meh", remote_id="c2", author="bob")
    alice_again = make_item("Also, when in stock?", remote_id="c3", parent="c1",
                            kind="reply", author="alice")
    ingest(channel, [alice, bob])
    # The follow-up arrives in a later batch: it joins Alice's conversation.
    ingest(channel, [alice_again])
    by_message = dict(Message.objects.values_list("remote_id", "conversation_id"))
    assert by_message["c1"] == by_message["c3"] != by_message["c2"]
    conversation = Conversation.objects.get(pk=by_message["c1"])
    assert conversation.message_count == 2
    assert conversation.contact is not None and conversation.contact.remote_handle == "alice"
    assert conversation.post_remote_id == "p1"
    assert conversation.kind == "comment"


def test_dms_thread_by_the_networks_key(channel: Channel,
                                        make_item: Callable[..., InboundItem]) -> None:
    def dm(text: str, key: str, author: str) -> InboundItem:
        return make_item(text, kind="dm", thread_key=key, parent=None, post=None, author=author)

    ingest(channel, [dm("Hi", "dm:u1-u9", "ann"), dm("Hello?", "dm:u2-u9", "ben")])
    ingest(channel, [dm("Anyone there?", "dm:u1-u9", "ann")])
    counts = dict(Conversation.objects.values_list("thread_key", "message_count"))
    assert counts == {"dm:u1-u9": 2, "dm:u2-u9": 1}
    assert set(Conversation.objects.values_list("kind", flat=True)) == {"dm"}


def test_triage_fills_the_conversation_and_the_clock_starts(
        channel: Channel, make_item: Callable[..., InboundItem]) -> None:
    item = make_item("Mon avocat va vous contacter, c'est une rupture de contrat.",
                     kind="dm", thread_key="dm:a", parent=None, post=None)
    ingest(channel, [item])
    conversation = Conversation.objects.get()
    message = conversation.messages.get()
    assert message.urgent and message.urgent_reasons == ["legal"]
    assert message.language == "fr"
    assert conversation.urgent and conversation.priority == Priority.URGENT
    assert conversation.first_response_due_at == item.created_at + timedelta(hours=24)
    assert conversation.response_due_at == item.created_at + timedelta(hours=24)
    assert conversation.status == Status.OPEN


def test_a_new_message_reopens_a_closed_conversation(
        channel: Channel, make_item: Callable[..., InboundItem]) -> None:
    ingest(channel, [make_item("Thanks!", remote_id="c10")])
    Conversation.objects.update(status=Status.CLOSED, response_due_at=None)
    result = ingest(channel, [make_item("One more thing", remote_id="c11", parent="c10",
                                        kind="reply")])
    conversation = Conversation.objects.get()
    assert result.reopened == 1
    assert conversation.status == Status.OPEN
    assert conversation.response_due_at is not None


def test_spam_only_threads_are_spam_and_low_priority(
        channel: Channel, make_item: Callable[..., InboundItem]) -> None:
    ingest(channel, [make_item("Get 10k followers in 24h, cheap and fast: https://bit.ly/x1",
                               author="bot")])
    conversation = Conversation.objects.get()
    assert conversation.spam and conversation.priority == Priority.LOW


def test_an_edit_on_the_network_is_reflected(channel: Channel,
                                             make_item: Callable[..., InboundItem]) -> None:
    item = make_item("Typo here", remote_id="c20")
    ingest(channel, [item])
    edited = InboundItem(**{**item.__dict__, "text": "No typo here"})
    assert ingest(channel, [edited]).edited == 1
    message = Message.objects.get()
    assert (message.text, message.edited) == ("No typo here", True)


def test_a_batch_costs_a_handful_of_queries_not_one_per_message(
        channel: Channel, make_item: Callable[..., InboundItem],
        django_assert_max_num_queries: Any) -> None:
    small = [make_item(f"Question {i} about delivery", author=f"a{i}") for i in range(3)]
    large = [make_item(f"Question {i} about delivery", author=f"b{i}") for i in range(200)]
    ingest(channel, small)  # warms the classifier
    # A few statements per batch (SQLite splits big inserts by its variable limit).
    with django_assert_max_num_queries(25):
        ingest(channel, large)
    assert Message.objects.count() == 203
