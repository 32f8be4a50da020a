"""Playbook pages: create and edit checklists, contacts, approvers and holding statements."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from socialops.core.audit import AuditEvent
from socialops.core.models import Member
from socialops.crisis.models import HoldingStatement, Playbook
from socialops.publishing.tests.conftest import Team

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_a_manager_creates_a_playbook_with_owners_contacts_and_approvers(team: Team) -> None:
    client = _client(team.manager)
    assert client.get(reverse("crisis:playbook_new")).status_code == 200
    response = client.post(reverse("crisis:playbook_new"), {
        "name": "Site down", "kind": "outage", "summary": "Payments or site unavailable",
        "step_text": ["Confirm with tech", "", "Post the holding statement"],
        "step_owner": [str(team.manager.pk), "", str(team.publisher.pk)],
        "contact_name": ["CTO", ""], "contact_role": ["tech", ""],
        "contact_phone": ["+33 6 00", ""], "contact_email": ["", ""],
        "approvers": [str(team.approver.pk)]})
    playbook = Playbook.objects.get(organization=team.org, kind="outage")
    assert response.status_code == 302
    assert response["Location"] == reverse("crisis:playbook", args=[playbook.pk])
    assert [(s.position, s.text, s.owner) for s in playbook.steps.all()] == [
        (1, "Confirm with tech", team.manager), (2, "Post the holding statement", team.publisher)]
    assert playbook.escalation_contacts == [
        {"name": "CTO", "role": "tech", "phone": "+33 6 00", "email": ""}]
    assert list(playbook.approvers.all()) == [team.approver]
    assert AuditEvent.objects.filter(organization=team.org, action="playbook.create").exists()
    page = client.get(reverse("crisis:playbook", args=[playbook.pk])).content.decode()
    assert "Confirm with tech" in page and "+33 6 00" in page


def test_editing_replaces_the_checklist_and_is_audited(team: Team, playbook: Playbook) -> None:
    client = _client(team.manager)
    client.post(reverse("crisis:playbook", args=[playbook.pk]), {
        "name": "Recall", "kind": "product_recall", "step_text": ["Only step"],
        "step_owner": [""]})
    playbook.refresh_from_db()
    assert playbook.name == "Recall"
    assert [s.text for s in playbook.steps.all()] == ["Only step"]
    event = AuditEvent.objects.get(organization=team.org, action="playbook.change")
    assert event.before["steps"][0][0] == "Confirm facts with quality"


def test_bad_input_re_renders_with_errors_and_keeps_what_was_typed(
        team: Team, playbook: Playbook) -> None:
    client = _client(team.manager)
    response = client.post(reverse("crisis:playbook_new"), {
        "name": "", "kind": "product_recall", "step_text": ["Keep me"], "step_owner": [""]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the playbook a name." in page
    assert "There is already a playbook for this kind of incident." in page
    assert 'value="Keep me"' in page
    assert Playbook.objects.filter(organization=team.org).count() == 1


def test_a_member_of_another_organization_cannot_be_an_owner_or_approver(
        team: Team, playbook: Playbook, other_member: Member) -> None:
    response = _client(team.manager).post(reverse("crisis:playbook", args=[playbook.pk]), {
        "name": "Recall", "kind": "product_recall", "approvers": [str(other_member.pk)]})
    assert response.status_code == 400
    assert not playbook.approvers.exists()


def test_statements_are_added_pre_approved_and_rewording_withdraws_approval(
        team: Team, playbook: Playbook) -> None:
    client = _client(team.manager)
    add = reverse("crisis:playbook_statement_add", args=[playbook.pk])
    client.post(add, {"language": "fr", "text": "Nous vérifions.", "pre_approved": "on"})
    statement = HoldingStatement.objects.get(playbook=playbook, language="fr")
    assert statement.approved_by == team.manager and statement.approved_at is not None
    edit = reverse("crisis:playbook_statement", args=[playbook.pk, statement.pk])
    client.post(edit, {"language": "fr", "text": "Nous vérifions les lots.",
                       "pre_approved": ""})
    statement.refresh_from_db()
    assert statement.text == "Nous vérifions les lots." and statement.approved_at is None
    actions = set(AuditEvent.objects.filter(organization=team.org).values_list(
        "action", flat=True))
    assert {"playbook.statement_create", "playbook.statement_change"} <= actions
    client.post(edit, {"delete": "1"})
    assert not HoldingStatement.objects.filter(pk=statement.pk).exists()


def test_only_the_playbooks_approvers_pre_approve(team: Team, playbook: Playbook) -> None:
    playbook.approvers.set([team.approver])
    add = reverse("crisis:playbook_statement_add", args=[playbook.pk])
    response = _client(team.manager).post(add, {"language": "en", "text": "Hello",
                                                 "pre_approved": "on"})
    assert response.status_code == 400
    assert "Only the playbook&#x27;s approvers may pre-approve" in response.content.decode()
    assert 'Hello</textarea>' in response.content.decode()
    assert not HoldingStatement.objects.filter(playbook=playbook, text="Hello").exists()


def test_bad_statement_re_renders_with_errors(team: Team, playbook: Playbook) -> None:
    add = reverse("crisis:playbook_statement_add", args=[playbook.pk])
    response = _client(team.manager).post(add, {"language": "de", "text": " "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose French or English." in page and "Write the statement." in page


def test_people_who_only_watch_incidents_cannot_edit_playbooks(
        team: Team, playbook: Playbook, make_member: object) -> None:
    publisher = _client(team.publisher)
    assert publisher.get(reverse("crisis:playbooks")).status_code == 200
    assert publisher.get(reverse("crisis:playbook", args=[playbook.pk])).status_code == 403
    response = publisher.post(reverse("crisis:playbook_statement_add", args=[playbook.pk]),
                              {"language": "en", "text": "x"})
    assert response.status_code == 403


def test_another_organizations_playbook_is_404(team: Team, other_member: Member) -> None:
    theirs = Playbook.objects.create(organization=other_member.organization, kind="outage",
                                     name="Theirs")
    statement = HoldingStatement.objects.create(playbook=theirs, language="en", text="x")
    client = _client(team.manager)
    assert client.get(reverse("crisis:playbook", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("crisis:playbook_statement", args=[theirs.pk, statement.pk]),
                           {"delete": "1"})
    assert response.status_code == 404
    assert HoldingStatement.objects.filter(pk=statement.pk).exists()
