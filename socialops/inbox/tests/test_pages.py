"""The inbox pages and API: queues, live cursor, actions, permissions, escaping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Status
from socialops.inbox.services import ingest

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org()


@pytest.fixture
def inbox(org: Organization, make_channel: Callable[..., Channel],
          make_item: Callable[..., Any]) -> list[Conversation]:
    channel = make_channel(org)
    ingest(channel, [
        make_item("Where is my order?", author="ann", name="Ann Lee"),
        make_item("Mon avocat va vous contacter au sujet de la commande.", kind="dm",
                  thread_key="dm:u1-u2", parent=None, post=None, author="bruno",
                  name="Bruno Petit"),
        make_item(HOSTILE, author="mallory", name=HOSTILE),
    ])
    return list(Conversation.objects.order_by("pk"))


def test_the_queue_lists_conversations_with_badges(org: Organization, inbox: Any,
                                                   make_member: Callable[..., Member]) -> None:
    now = timezone.now()
    Conversation.objects.filter(pk=inbox[0].pk).update(response_due_at=now + timedelta(hours=3))
    Conversation.objects.filter(pk=inbox[1].pk).update(response_due_at=now - timedelta(hours=1))
    page = _client(make_member(org, "responder")).get(reverse("inbox:conversations"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Where is my order?" in html and "Bruno Petit" in html
    assert html.count('class="badge text-bg-danger">Urgent') == 1
    assert "2\xa0hours, 59\xa0minutes left" in html
    assert "overdue by 1\xa0hour" in html


def test_hostile_text_is_shown_as_text(org: Organization, inbox: list[Conversation],
                                       make_member: Callable[..., Member]) -> None:
    client = _client(make_member(org, "responder"))
    for url in (reverse("inbox:conversations"),
                reverse("inbox:conversation", args=[inbox[2].pk])):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize(("queue", "expected"), [("all", 3), ("urgent", 1), ("mine", 1),
                                                 ("unassigned", 2)])
def test_queues(org: Organization, inbox: list[Conversation], queue: str, expected: int,
                make_member: Callable[..., Member]) -> None:
    member = make_member(org, "responder")
    Conversation.objects.filter(pk=inbox[0].pk).update(assignee=member)
    page = _client(member).get(reverse("inbox:conversations"), {"queue": queue})
    assert page.content.decode().count('class="conversation-row') == expected


def test_filters(org: Organization, inbox: list[Conversation],
                 make_member: Callable[..., Member]) -> None:
    client = _client(make_member(org, "responder"))
    html = client.get(reverse("inbox:conversations"), {"kind": "dm", "language": "fr"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert html.count('class="conversation-row') == 1 and "Bruno Petit" in html
    assert "<html" not in html  # htmx gets the table alone


def test_the_live_cursor_returns_only_new_conversations(
        org: Organization, inbox: list[Conversation], make_member: Callable[..., Member],
        make_item: Callable[..., Any]) -> None:
    client = _client(make_member(org, "responder"))
    last = inbox[-1].pk
    assert client.get(reverse("inbox:live"), {"after": last}).status_code == 204
    ingest(inbox[0].channel, [make_item("Brand new question", author="zoe")])
    live = client.get(reverse("inbox:live"), {"after": last})
    html = live.content.decode()
    assert live.status_code == 200 and "Brand new question" in html
    assert html.count('class="conversation-row') == 1
    assert f"after={last + 1}" in html and 'hx-swap-oob="true"' in html


def test_the_queue_page_costs_the_same_queries_for_more_rows(
        org: Organization, make_channel: Callable[..., Channel], make_item: Callable[..., Any],
        make_member: Callable[..., Member], django_assert_max_num_queries: Any) -> None:
    member = make_member(org, "responder")
    client = _client(member)
    channel = make_channel(org)
    ingest(channel, [make_item("first", author="a0")])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:conversations"))
    ingest(channel, [make_item(f"msg {i}", author=f"p{i}") for i in range(40)])
    Conversation.objects.filter(organization=org).update(assignee=member)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("inbox:conversations"))
    assert page.content.decode().count('class="conversation-row') == 41


def test_assign_close_reopen_from_the_page(org: Organization, inbox: list[Conversation],
                                           make_member: Callable[..., Member]) -> None:
    responder = make_member(org, "responder")
    client = _client(responder)
    conversation = inbox[0]
    client.post(reverse("inbox:assign", args=[conversation.pk]), {"assignee": "me"})
    client.post(reverse("inbox:close", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.assignee == responder and conversation.status == Status.CLOSED
    client.post(reverse("inbox:reopen", args=[conversation.pk]))
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    # Giving it to someone else needs ASSIGN_CONVERSATIONS, which a responder lacks.
    other = make_member(org, "responder")
    denied = client.post(reverse("inbox:assign", args=[conversation.pk]),
                         {"assignee": other.pk})
    assert denied.status_code == 403
    manager = _client(make_member(org, "manager"))
    manager.post(reverse("inbox:assign", args=[conversation.pk]), {"assignee": other.pk})
    conversation.refresh_from_db()
    assert conversation.assignee == other


def test_an_analyst_reads_but_cannot_reply(org: Organization, inbox: list[Conversation],
                                           make_member: Callable[..., Member]) -> None:
    client = _client(make_member(org, "analyst"))
    page = client.get(reverse("inbox:conversation", args=[inbox[0].pk]))
    assert page.status_code == 200 and 'id="reply-form"' not in page.content.decode()
    denied = client.post(reverse("inbox:reply", args=[inbox[0].pk]), {"text": "Hi"})
    assert denied.status_code == 403
    api = client.post(f"/api/v1/inbox/conversations/{inbox[0].pk}/reply", {"text": "Hi"},
                      content_type="application/json")
    assert api.status_code == 403


def test_a_contributor_cannot_open_the_inbox(org: Organization, inbox: Any,
                                             make_member: Callable[..., Member]) -> None:
    client = _client(make_member(org, "contributor"))
    assert client.get(reverse("inbox:conversations")).status_code == 403
    assert client.get("/api/v1/inbox/conversations").status_code == 403
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("inbox:conversations") not in home


def test_another_organizations_conversation_is_404(
        org: Organization, inbox: list[Conversation], make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    outsider = _client(make_member(make_org(), "manager"))
    target = inbox[0].pk
    assert outsider.get(reverse("inbox:conversation", args=[target])).status_code == 404
    assert outsider.post(reverse("inbox:close", args=[target])).status_code == 404
    assert outsider.get(f"/api/v1/inbox/conversations/{target}").status_code == 404
    assert outsider.get(f"/api/v1/inbox/conversations/{target}/messages").status_code == 404
    closed = outsider.post(f"/api/v1/inbox/conversations/{target}/close")
    assert closed.status_code == 404
    assert outsider.get("/api/v1/inbox/conversations").json()["count"] == 0


def test_the_api_lists_filters_reads_assigns_and_closes(
        org: Organization, inbox: list[Conversation],
        make_member: Callable[..., Member]) -> None:
    member = make_member(org, "manager")
    client = _client(member)
    listed = client.get("/api/v1/inbox/conversations", {"queue": "urgent"}).json()
    assert listed["count"] == 1 and listed["items"][0]["kind"] == "dm"
    assert listed["items"][0]["contact_name"] == "Bruno Petit"
    target = inbox[2].pk
    messages = client.get(f"/api/v1/inbox/conversations/{target}/messages").json()
    assert messages[0]["text"] == HOSTILE and "raw" not in messages[0]
    assigned = client.post(f"/api/v1/inbox/conversations/{target}/assign",
                           {"member_id": member.pk}, content_type="application/json")
    assert assigned.status_code == 200 and assigned.json()["assignee_id"] == member.pk
    closed = client.post(f"/api/v1/inbox/conversations/{target}/close")
    assert closed.json()["status"] == "closed"


def test_the_menu_shows_the_inbox_to_responders(org: Organization,
                                                make_member: Callable[..., Member]) -> None:
    home = _client(make_member(org, "responder")).get(reverse("web:home")).content.decode()
    assert reverse("inbox:conversations") in home
