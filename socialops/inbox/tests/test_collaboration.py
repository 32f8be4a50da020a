"""Working the inbox together: notes with @mentions, the collision guard, bulk actions, search."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.governance.models import Channel
from socialops.inbox import services
from socialops.inbox.models import Conversation, Direction, Message, Status
from socialops.inbox.services import QueueFilters, bulk, collaboration
from socialops.inbox.services.conversations import ReplyCollision

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Arlette")


@pytest.fixture
def channel(org: Organization, make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(org, "instagram")


@pytest.fixture
def people(org: Organization, make_member: Callable[..., Member]) -> dict[str, Member]:
    return {"claire": make_member(org, Role.MANAGER, email="claire@arlette.example"),
            "emma": make_member(org, Role.RESPONDER, email="emma@arlette.example"),
            "hugo": make_member(org, Role.RESPONDER, email="hugo@arlette.example")}


@pytest.fixture
def thread(channel: Channel, make_item: Callable[..., InboundItem]) -> Callable[..., Conversation]:
    def make(text: str, author: str = "alice", key: str = "") -> Conversation:
        item = make_item(text, author=author, name=author.title(),
                         thread_key=key or f"post:{author}", parent=f"p-{author}")
        services.ingest(channel, [item])
        return Message.objects.select_related("conversation").get(
            channel=channel, remote_id=item.remote_id).conversation

    return make


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_a_note_mentions_a_colleague_who_gets_an_email(
    thread: Callable[..., Conversation], people: dict[str, Member],
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation = thread("Où est ma commande ?")
    client = _client(people["emma"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inbox:note", args=[conversation.pk]),
                    {"text": "@claire <b>client fidèle</b>, je propose un geste"})
    note = conversation.notes.get()
    assert list(note.mentions.all()) == [people["claire"]] and note.author == people["emma"]
    assert [m.to for m in mail.outbox] == [["claire@arlette.example"]]
    assert reverse("inbox:conversation", args=[conversation.pk]) in mail.outbox[0].body
    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert "&lt;b&gt;client fidèle&lt;/b&gt;" in page and "<b>client" not in page
    assert AuditEvent.objects.filter(action="inbox.note").count() == 1
    empty = client.post(reverse("inbox:note", args=[conversation.pk]), {"text": "  "})
    assert empty.status_code == 302 and conversation.notes.count() == 1


def test_others_viewing_and_typing_are_shown(
    thread: Callable[..., Conversation], people: dict[str, Member]
) -> None:
    conversation = thread("Bonjour")
    hugo = _client(people["hugo"])
    hugo.get(reverse("inbox:conversation", args=[conversation.pk]))
    emma = _client(people["emma"])
    page = emma.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert "also has this conversation open" in page and people["hugo"].display_name in page
    hugo.post(reverse("inbox:presence", args=[conversation.pk]), {"typing": "1", "seen": "0"})
    polled = emma.post(reverse("inbox:presence", args=[conversation.pk]), {"seen": "0"})
    assert "is typing a reply" in polled.content.decode()


def test_a_reply_sent_after_the_page_loaded_asks_before_answering_twice(
    thread: Callable[..., Conversation], people: dict[str, Member]
) -> None:
    conversation = thread("Mon colis est abîmé")
    seen = conversation.messages.get().pk
    services.reply(conversation, "Nous regardons, Hugo", people["hugo"], ACTOR,
                   seen_message_id=seen)
    with pytest.raises(ReplyCollision) as refused:
        services.reply(conversation, "Désolée pour ce souci", people["emma"], ACTOR,
                       seen_message_id=seen)
    assert [m.text for m in refused.value.answered] == ["Nous regardons, Hugo"]
    assert Message.objects.filter(direction=Direction.OUT).count() == 1
    # Through the page: the text is kept, the other answer shown, "send anyway" offered.
    client = _client(people["emma"])
    page = client.post(reverse("inbox:reply", args=[conversation.pk]),
                       {"text": "Désolée pour ce souci", "seen_message": seen})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="reply-collision"' in html
    assert "Nous regardons, Hugo" in html and "Désolée pour ce souci</textarea>" in html
    assert Message.objects.filter(direction=Direction.OUT).count() == 1
    sent = client.post(reverse("inbox:reply", args=[conversation.pk]),
                       {"text": "Désolée pour ce souci", "seen_message": seen, "confirm": "1"})
    assert sent.status_code == 302
    assert Message.objects.filter(direction=Direction.OUT).count() == 2
    # Hugo's own earlier reply never blocks Hugo.
    services.reply(conversation, "Suite", people["hugo"], ACTOR,
                   seen_message_id=Message.objects.latest("pk").pk)


def test_bulk_actions_apply_to_the_members_conversations_only(
    thread: Callable[..., Conversation], people: dict[str, Member],
    make_org: Callable[..., Organization], make_channel: Callable[..., Channel],
    make_item: Callable[..., InboundItem],
) -> None:
    mine = [thread(f"Question {n}", author=f"fan{n}") for n in range(3)]
    other_channel = make_channel(make_org("Elsewhere"), "x")
    services.ingest(other_channel, [make_item("Secret", thread_key="post:secret",
                                              parent="p-secret")])
    theirs = Conversation.objects.get(channel=other_channel)
    client = _client(people["emma"])
    ids = [c.pk for c in mine] + [theirs.pk]
    response = client.post(reverse("inbox:bulk"), {"ids": ids, "action": "assign_me",
                                                   "next": "/inbox/?queue=mine"}, follow=True)
    assert response.redirect_chain[-1][0] == "/inbox/?queue=mine"
    html = response.content.decode()
    assert "3 conversations updated" in html and f"#{theirs.pk}: not found" in html
    assert all(c.assignee == people["emma"] for c in Conversation.objects.filter(
        pk__in=[c.pk for c in mine]))
    assert Conversation.objects.get(pk=theirs.pk).assignee is None
    # A responder may not give conversations to someone else.
    result = bulk.apply(people["emma"], ids[:2], "assign", str(people["hugo"].pk), ACTOR)
    assert result.done == 0 and len(result.skipped) == 2
    bulk.apply(people["emma"], ids[:2], "tag", "  Livraison ", ACTOR)
    tagged = services.queue(people["emma"], QueueFilters.parse({"tag": "livraison"}))
    assert sorted(c.pk for c in tagged) == sorted(ids[:2])
    assert not services.queue(people["emma"], QueueFilters.parse({"tag": "livrai"})).exists()
    bulk.apply(people["emma"], ids[:1], "untag", "livraison", ACTOR)
    assert Conversation.objects.get(pk=ids[0]).tags == []
    bulk.apply(people["claire"], ids[:3], "close", "", ACTOR)
    assert set(Conversation.objects.filter(pk__in=ids[:3]).values_list("status", flat=True)) \
        == {Status.CLOSED}
    assert AuditEvent.objects.filter(action="inbox.close").count() == 3
    with pytest.raises(Exception, match="at most"):
        bulk.apply(people["claire"], range(1, 300), "close", "", ACTOR)
    with pytest.raises(Exception, match="1 to 40"):
        bulk.apply(people["claire"], ids[:1], "tag", "<script>", ACTOR)


def test_search_finds_words_in_messages_and_contacts_whatever_the_accents(
    thread: Callable[..., Conversation], people: dict[str, Member]
) -> None:
    late = thread("Ma commande n'est jamais arrivée, c'est inadmissible", author="bernard")
    thread("Superbe collection d'hiver !", author="chloe")
    thread("Le colis est arrivé mais la boîte était écrasée", author="dimitri")

    def found(query: str) -> set[str]:
        rows = services.queue(people["emma"], QueueFilters.parse({"q": query}))
        return {c.contact.remote_handle for c in rows}

    assert found("arrivee") == {"bernard"}
    assert found("arrive") == {"bernard", "dimitri"}
    assert found("commande arrivée") == {"bernard"}
    assert found("COMMAN") == {"bernard"}  # words match as prefixes
    assert found("ecrasee boite") == {"dimitri"}
    assert found("chlo") == {"chloe"}  # the contact's handle
    assert found("\" OR 1=1 -- ") == set()
    assert found("NEAR(") == set()
    page = _client(people["emma"]).get(reverse("inbox:conversations"), {"q": "arrivee"})
    assert "jamais arrivée" in page.content.decode()
    # A closed conversation is still found: a search looks through every status.
    services.close(late, people["claire"], ACTOR)
    assert found("inadmissible") == {"bernard"}
    # New and edited messages are indexed as they are written.
    Message.objects.filter(conversation=late).update(text="Finalement reçue, merci")
    assert found("inadmissible") == set() and found("recue") == {"bernard"}


def test_next_conversation_follows_the_queue(
    thread: Callable[..., Conversation], people: dict[str, Member]
) -> None:
    first, second = thread("Un", author="un"), thread("Deux", author="deux")
    newer, older = sorted([first, second], key=lambda c: (c.last_inbound_at, c.pk),
                          reverse=True)
    assert services.next_in_queue(people["emma"], newer) == older.pk
    assert services.next_in_queue(people["emma"], older) is None
    page = _client(people["emma"]).get(reverse("inbox:conversation", args=[newer.pk]))
    assert f'href="{reverse("inbox:conversation", args=[older.pk])}"' in page.content.decode()


def test_presence_and_notes_of_another_organization_are_404(
    thread: Callable[..., Conversation], make_org: Callable[..., Organization],
    make_member: Callable[..., Member],
) -> None:
    conversation = thread("Bonjour")
    stranger = _client(make_member(make_org("Other"), Role.OWNER))
    assert stranger.post(reverse("inbox:presence", args=[conversation.pk])).status_code == 404
    assert stranger.post(reverse("inbox:note", args=[conversation.pk]),
                         {"text": "x"}).status_code == 404
    assert not collaboration.notes_of(conversation)


def test_the_queue_pages_through_older_conversations(
    channel: Channel, people: dict[str, Member], make_item: Callable[..., InboundItem]
) -> None:
    services.ingest(channel, [make_item(f"Message {n}", author=f"p{n}", thread_key=f"dm:p{n}",
                                        kind="dm", parent=None, post=None, minutes=n + 1)
                              for n in range(55)])
    client = _client(people["emma"])
    first = client.get(reverse("inbox:conversations")).content.decode()
    assert first.count('class="conversation-row') == 50 and "Message 54" in first
    older = re.search(r'href="([^"]+)" id="older-conversations"', first)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&")).content.decode()
    assert second.count('class="conversation-row') == 5 and "Message 0<" in second
    assert 'id="older-conversations"' not in second and "Message 54" not in second
