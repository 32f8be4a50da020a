"""Saved replies: managed by managers, audited, offered by language and team, filled safely."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Team
from socialops.core.services import create_team
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, SavedReply
from socialops.inbox.services import ingest
from socialops.inbox.services.saved_replies import (
    SavedReplyData,
    create_saved_reply,
    delete_saved_reply,
    picker_for,
    render,
    update_saved_reply,
)

pytestmark = pytest.mark.django_db
HOSTILE_NAME = '{channel} <b onmouseover="alert(1)">Zoé</b>'


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org()


@pytest.fixture
def manager(org: Organization, make_member: Callable[..., Member]) -> Member:
    return make_member(org, "manager")


def test_render_replaces_each_variable_once() -> None:
    values = {"first_name": "{channel}", "name": "{agent}", "channel": "Arlette FR",
              "agent": "Emma"}
    assert render("Bonjour {first_name} ({name}) — {channel}, {agent} {unknown}", values) == (
        "Bonjour {channel} ({agent}) — Arlette FR, Emma {unknown}")


def test_managers_create_edit_and_delete_with_an_audit_trail(org: Organization,
                                                             manager: Member) -> None:
    actor = Actor.system("test")
    reply = create_saved_reply(manager, SavedReplyData("Merci", "Merci {first_name} !", "fr"),
                               actor)
    update_saved_reply(manager, reply, SavedReplyData("Merci !", "Merci beaucoup", "fr"), actor)
    delete_saved_reply(manager, reply, actor)
    actions = list(AuditEvent.objects.filter(organization=org, action__startswith="inbox.saved")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["inbox.saved_reply_create", "inbox.saved_reply_update",
                       "inbox.saved_reply_delete"]
    assert not SavedReply.objects.exists()


def test_invalid_saved_replies_are_refused(org: Organization, manager: Member,
                                           make_org: Callable[..., Organization]) -> None:
    actor = Actor.system("test")
    with pytest.raises(ValidationError, match="Unknown variable"):
        create_saved_reply(manager, SavedReplyData("Hi", "Hi {firstname}", "en"), actor)
    with pytest.raises(ValidationError):
        create_saved_reply(manager, SavedReplyData("Hi", "Hi", "de"), actor)
    other_team = create_team(make_org(), "Elsewhere", actor, [])
    with pytest.raises(ValidationError):
        create_saved_reply(manager, SavedReplyData("Hi", "Hi", "en", other_team.pk), actor)
    create_saved_reply(manager, SavedReplyData("Hi", "Hi", "en"), actor)
    with pytest.raises(ValidationError, match="already exists"):
        create_saved_reply(manager, SavedReplyData("Hi", "Hello", "en"), actor)


def test_responders_cannot_manage_saved_replies(org: Organization,
                                                make_member: Callable[..., Member]) -> None:
    responder = make_member(org, "responder")
    with pytest.raises(PermissionDenied):
        create_saved_reply(responder, SavedReplyData("Hi", "Hi", "en"), Actor.system("t"))
    assert _client(responder).get("/inbox/saved-replies/").status_code == 403


def test_the_pages_list_create_edit_and_delete(org: Organization, manager: Member) -> None:
    client = _client(manager)
    assert client.get("/inbox/saved-replies/new/").status_code == 200
    page = client.post("/inbox/saved-replies/new/", {
        "title": "Store hours", "language": "en", "team": "",
        "body": "Hi {first_name}, we open at 10."})
    assert page.status_code == 302
    reply = SavedReply.objects.get()
    bad = client.post(f"/inbox/saved-replies/{reply.pk}/", {
        "title": "Store hours", "language": "en", "team": "", "body": "Hi {nom}"})
    assert bad.status_code == 200 and "Unknown variable" in bad.content.decode()
    client.post(f"/inbox/saved-replies/{reply.pk}/", {
        "title": "Store hours", "language": "en", "team": "", "body": "We open at 9."})
    reply.refresh_from_db()
    assert reply.body == "We open at 9."
    listing = client.get("/inbox/saved-replies/").content.decode()
    assert "Store hours" in listing and "We open at 9." in listing
    client.post(f"/inbox/saved-replies/{reply.pk}/delete/")
    assert not SavedReply.objects.exists()


def test_another_organizations_saved_reply_is_404(
        org: Organization, manager: Member, make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    other = make_org()
    theirs = create_saved_reply(make_member(other, "manager"),
                                SavedReplyData("Hi", "Hi", "en"), Actor.system("t"))
    client = _client(manager)
    assert client.get(f"/inbox/saved-replies/{theirs.pk}/").status_code == 404
    assert client.post(f"/inbox/saved-replies/{theirs.pk}/delete/").status_code == 404


@pytest.fixture
def french_dm(org: Organization, make_channel: Callable[..., Channel],
              make_item: Callable[..., Any]) -> Conversation:
    channel = make_channel(org, display_name="Arlette FR")
    ingest(channel, [make_item("Bonjour, ma commande n'est toujours pas arrivée, c'est long",
                               kind="dm", thread_key="dm:zoe", parent=None, post=None,
                               author="zoe", name=HOSTILE_NAME)])
    return Conversation.objects.get()


def test_the_picker_offers_the_conversation_language_and_the_members_teams(
        org: Organization, manager: Member, french_dm: Conversation,
        make_member: Callable[..., Member]) -> None:
    actor = Actor.system("test")
    responder = make_member(org, "responder")
    team_fr: Team = create_team(org, "Community FR", actor, [responder])
    team_night: Team = create_team(org, "Night", actor, [])
    for title, language, team in (("Retard", "fr", None), ("Delay", "en", None),
                                  ("Équipe FR", "fr", team_fr), ("Nuit", "fr", team_night)):
        create_saved_reply(manager, SavedReplyData(title, "Bonjour {first_name}", language,
                                                   team.pk if team else None), actor)
    assert french_dm.language == "fr"
    assert [r.title for r in picker_for(responder, french_dm)] == ["Retard", "Équipe FR"]
    page = _client(responder).get(f"/inbox/{french_dm.pk}/").content.decode()
    assert 'id="saved-reply"' in page and "Retard" in page and "Delay" not in page


def test_filling_a_saved_reply_renders_variables_as_text(
        org: Organization, manager: Member, french_dm: Conversation,
        make_member: Callable[..., Member]) -> None:
    reply = create_saved_reply(manager, SavedReplyData(
        "Retard", "Bonjour {first_name}, ici {agent} pour {channel}.", "fr"),
        Actor.system("test"))
    responder = make_member(org, "responder")
    client = _client(responder)
    html = client.get(f"/inbox/{french_dm.pk}/saved-reply/",
                      {"saved_reply": reply.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith("<textarea")
    # The contact's name stays as written: "{channel}" is not expanded, HTML is escaped.
    assert "Bonjour {channel}, ici Person pour Arlette FR." in html
    assert "<b " not in html
    assert client.get(f"/inbox/{french_dm.pk}/saved-reply/", {"saved_reply": ""}
                      ).status_code == 204


def test_a_reply_records_the_saved_reply_it_started_from(
        org: Organization, manager: Member, french_dm: Conversation,
        make_member: Callable[..., Member]) -> None:
    reply = create_saved_reply(manager, SavedReplyData("Retard", "Bonjour !", "fr"),
                               Actor.system("test"))
    client = _client(make_member(org, "responder"))
    client.post(f"/inbox/{french_dm.pk}/reply/", {"text": "Bonjour !",
                                                  "saved_reply": str(reply.pk)})
    event = AuditEvent.objects.get(action="inbox.reply")
    assert event.after is not None and event.after["saved_reply"] == reply.pk
