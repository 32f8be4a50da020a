"""While an incident is open, its pre-approved holding statements fill the composer and replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.crisis import services
from socialops.crisis.models import HoldingStatement, IncidentStatus, Playbook
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation
from socialops.inbox.services import ingest
from socialops.inbox.tests.conftest import make_item
from socialops.publishing.tests.conftest import Team

__all__ = ["make_item"]
pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
HOSTILE = "<script>alert(1)</script> Nous sommes désolés."


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def statements(playbook: Playbook, team: Team) -> dict[str, HoldingStatement]:
    """Return the playbook's English statement, a French one, and one never approved."""
    french = HoldingStatement.objects.create(playbook=playbook, language="fr", text=HOSTILE,
                                             approved_by=team.manager,
                                             approved_at=timezone.now())
    draft = HoldingStatement.objects.create(playbook=playbook, language="fr",
                                            text="Brouillon non relu")
    return {"en": playbook.statements.get(language="en"), "fr": french, "draft": draft}


@pytest.fixture
def french_dm(team: Team, make_channel: Callable[..., Channel],
              make_item: Callable[..., Any]) -> Conversation:
    channel = make_channel(team.org, display_name="Arlette FR")
    ingest(channel, [make_item("Bonjour, est-ce que mon sac est concerné par le rappel ?",
                               kind="dm", thread_key="dm:zoe", parent=None, post=None,
                               author="zoe")])
    return Conversation.objects.get(organization=team.org)


def test_nothing_is_offered_while_no_incident_is_open(
        team: Team, statements: dict[str, HoldingStatement], french_dm: Conversation) -> None:
    client = _client(team.manager)
    assert 'id="holding-statement"' not in client.get(
        reverse("publishing:compose")).content.decode()
    assert 'id="holding-statement"' not in client.get(
        reverse("inbox:conversation", args=[french_dm.pk])).content.decode()
    response = client.get(reverse("crisis:statement_fill"),
                          {"target": "compose", "holding_statement": str(statements["en"].pk)})
    assert response.status_code == 404


def test_the_composer_offers_pre_approved_statements_and_fills_the_text(
        team: Team, statements: dict[str, HoldingStatement]) -> None:
    incident = services.open_incident(team.manager, ACTOR, title="Lina recall",
                                      kind="product_recall")
    client = _client(team.publisher)
    page = client.get(reverse("publishing:compose")).content.decode()
    assert 'id="holding-statement"' in page
    assert f'value="{statements["en"].pk}"' in page and f'value="{statements["fr"].pk}"' in page
    assert f'value="{statements["draft"].pk}"' not in page  # never approved: never offered
    assert "<script>alert(1)" not in page
    filled = client.get(reverse("crisis:statement_fill"),
                        {"target": "compose", "holding_statement": str(statements["fr"].pk)})
    html = filled.content.decode()
    assert html.lstrip().startswith("<textarea") and 'id="compose-text"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Nous sommes désolés." in html
    assert client.get(reverse("crisis:statement_fill"), {
        "target": "compose", "holding_statement": str(statements["draft"].pk)}).status_code == 404
    services.change_incident(team.manager, ACTOR, incident, status=IncidentStatus.RESOLVED,
                             severity="high", kind="product_recall", owner=team.manager)
    assert 'id="holding-statement"' not in client.get(
        reverse("publishing:compose")).content.decode()


def test_the_reply_box_offers_the_conversations_language_first(
        team: Team, statements: dict[str, HoldingStatement], french_dm: Conversation,
        make_member: Callable[..., Member]) -> None:
    services.open_incident(team.manager, ACTOR, title="Lina recall", kind="product_recall")
    responder = make_member(team.org, "responder")
    client = _client(responder)
    assert french_dm.language == "fr"
    page = client.get(reverse("inbox:conversation", args=[french_dm.pk])).content.decode()
    picker = page[page.index('id="holding-statement"'):]
    assert picker.index(f'value="{statements["fr"].pk}"') < picker.index(
        f'value="{statements["en"].pk}"')
    filled = client.get(reverse("crisis:statement_fill"),
                        {"target": "reply", "holding_statement": str(statements["en"].pk)})
    assert 'id="reply-text"' in filled.content.decode()
    assert statements["en"].text in filled.content.decode()


def test_another_organizations_statement_is_never_filled(
        team: Team, statements: dict[str, HoldingStatement], other_member: Member) -> None:
    services.open_incident(team.manager, ACTOR, title="Lina recall", kind="product_recall")
    response = _client(other_member).get(reverse("crisis:statement_fill"), {
        "target": "compose", "holding_statement": str(statements["en"].pk)})
    assert response.status_code == 404


def test_contributors_who_cannot_see_incidents_are_not_offered_statements(
        team: Team, statements: dict[str, HoldingStatement]) -> None:
    services.open_incident(team.manager, ACTOR, title="Lina recall", kind="product_recall")
    client = _client(team.contributor)
    assert 'id="holding-statement"' not in client.get(
        reverse("publishing:compose")).content.decode()
    assert client.get(reverse("crisis:statement_fill"), {
        "target": "compose", "holding_statement": str(statements["en"].pk)}).status_code == 404


def test_the_composer_offers_the_interface_language_first(
        team: Team, statements: dict[str, HoldingStatement]) -> None:
    services.open_incident(team.manager, ACTOR, title="Lina recall", kind="product_recall")
    client = _client(team.manager)
    client.cookies["socialops_language"] = "fr"
    page = client.get(reverse("publishing:compose")).content.decode()
    picker = page[page.index('id="holding-statement"'):]
    assert picker.index(f'value="{statements["fr"].pk}"') < picker.index(
        f'value="{statements["en"].pk}"')
