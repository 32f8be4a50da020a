"""Incidents: opened from an alert in one click, checklist, timeline, crisis mode, statements."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from socialops.core import paging
from socialops.core.actors import Actor
from socialops.crisis import services, statements
from socialops.crisis.models import EntryKind, IncidentStatus, Playbook
from socialops.governance.models import Channel
from socialops.listening.models import Alert
from socialops.publishing import dispatcher
from socialops.publishing.models import VariantStatus
from socialops.publishing.tests.conftest import Team, approved_post, make_due

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def test_open_from_alert_links_it_pages_and_is_idempotent(
        team: Team, alert: Alert, django_capture_on_commit_callbacks: Any) -> None:
    pages: list[paging.PageRequest] = []
    paging.register_pager(pages.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            incident = services.open_from_alert(team.manager, ACTOR, alert)
    finally:
        paging._pagers.remove(pages.append)
    assert services.open_from_alert(team.manager, ACTOR, alert) == incident
    assert incident.severity == "critical" and incident.owner == team.manager
    assert list(incident.alerts.all()) == [alert]
    assert list(incident.queries.all()) == [alert.query]
    kinds = [line.kind for line in services.timeline(incident)]
    assert EntryKind.OPENED in kinds and EntryKind.ALERT in kinds
    assert [p.dedupe_key for p in pages] == [f"incident:{incident.pk}"]


def test_playbook_checklist_is_copied_and_status_changes_are_on_the_timeline(
        team: Team, playbook: Playbook) -> None:
    incident = services.open_incident(team.manager, ACTOR, title="Recall of the Lina bag",
                                      kind="product_recall")
    tasks = list(incident.tasks.all())
    assert [t.text for t in tasks] == ["Confirm facts with quality", "Brief customer care"]
    services.toggle_task(team.manager, ACTOR, incident, tasks[0].pk)
    services.add_note(team.approver, ACTOR, incident, "Legal says: no comment on causes.")
    services.change_incident(team.manager, ACTOR, incident, status=IncidentStatus.RESOLVED,
                             severity="high", kind="product_recall", owner=team.manager)
    incident.refresh_from_db()
    assert incident.resolved_at is not None
    texts = [line.text for line in services.timeline(incident)]
    assert "Done: Confirm facts with quality" in texts
    assert "Legal says: no comment on causes." in texts
    assert any("Resolved" in t for t in texts)


def test_only_incident_managers_open_incidents(team: Team) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.open_incident(team.contributor, ACTOR, title="x")


def test_crisis_mode_blocks_the_dispatcher_and_resume_restores(
        team: Team, sandbox_channel: Callable[..., Channel]) -> None:
    channel = sandbox_channel("mastodon")
    incident = services.open_incident(team.manager, ACTOR, title="Outage")
    due = make_due(approved_post(team, [channel], "Flash sale tonight!"), team)
    services.enter_crisis_mode(team.manager, ACTOR, incident=incident)
    assert [v.pk for v in services.held_variants(team.org.pk)] == [due[0].pk]
    assert dispatcher.claim_due(dispatcher.timezone.now())[1] == []
    pause = incident.pauses.get()
    result = services.leave_crisis_mode(team.manager, ACTOR, pause, publish=[due[0].pk])
    assert result.published == [due[0].pk]
    assert dispatcher.claim_due(dispatcher.timezone.now())[1] == [due[0].pk]
    kinds = [line.kind for line in services.timeline(incident)]
    assert EntryKind.PAUSE in kinds and EntryKind.RESUME in kinds


def test_holding_statement_goes_out_on_the_sandbox_during_crisis_mode(
        team: Team, playbook: Playbook, sandbox: Any,
        sandbox_channel: Callable[..., Channel],
        django_capture_on_commit_callbacks: Any) -> None:
    channel = sandbox_channel("mastodon")
    incident = services.open_incident(team.manager, ACTOR, title="Recall",
                                      kind="product_recall")
    services.enter_crisis_mode(team.manager, ACTOR, incident=incident)
    statement = statements.statements_for(incident)[0]
    with django_capture_on_commit_callbacks(execute=True):
        post = statements.publish_statement(team.manager, ACTOR, incident, statement,
                                            [channel.pk])
    variant = post.variants.get()
    assert variant.status == VariantStatus.PUBLISHED, variant.last_error
    token = channel_token(channel)
    mine = httpx.get(f"{sandbox.url}/v1/me/posts", headers={"Authorization": f"Bearer {token}"})
    assert statement.text in [p["text"] for p in mine.json()["posts"]]
    kinds = [line.kind for line in services.timeline(incident)]
    assert EntryKind.STATEMENT in kinds and EntryKind.PUBLISHED in kinds


def channel_token(channel: Channel) -> str:
    from socialops.governance.services import credentials_of

    return credentials_of(channel)["token"]


def test_a_statement_pre_approved_by_legal_passes_a_legal_step(
        team: Team, playbook: Playbook, sandbox_channel: Callable[..., Channel],
        django_capture_on_commit_callbacks: Any) -> None:
    from socialops.publishing.models import ApprovalPolicy, ApprovalStep

    policy = ApprovalPolicy.objects.create(organization=team.org, name="Brand then legal")
    ApprovalStep.objects.create(policy=policy, number=1, name="Legal", role="approver")
    channel = sandbox_channel("mastodon")
    incident = services.open_incident(team.manager, ACTOR, title="Recall",
                                      kind="product_recall")
    statement = statements.statements_for(incident)[0]
    playbook.approvers.add(team.approver)
    with django_capture_on_commit_callbacks(execute=True):
        post = statements.publish_statement(team.manager, ACTOR, incident, statement,
                                            [channel.pk])
    variant = post.variants.get()
    assert variant.status == VariantStatus.PUBLISHED
    assert list(variant.decisions.values_list("reviewer", flat=True)) == [team.approver.pk]


def test_crisis_mode_pages_list_held_posts_and_resume(
        team: Team, sandbox_channel: Callable[..., Channel], client: Any) -> None:
    channel = sandbox_channel("mastodon")
    due = make_due(approved_post(team, [channel], "Soldes <b>-50 %</b> ce soir"), team)
    client.force_login(team.manager.user)
    assert client.post("/crisis/crisis-mode/", {"reason": "Rappel en cours"}).status_code == 302
    page = client.get("/crisis/held/").content.decode()
    assert "Soldes &lt;b&gt;-50 %&lt;/b&gt; ce soir" in page and "crisis-banner-slot" in page
    assert 'id="crisis-banner"' in client.get("/crisis/banner/").content.decode()
    pause = team.org.publishing_pauses.get()
    assert pause.reason == "Rappel en cours"
    response = client.post("/crisis/held/", {"pause": pause.pk, "publish": [due[0].pk]})
    assert response.status_code == 302
    pause.refresh_from_db()
    assert pause.resumed_at is not None
    assert 'id="crisis-banner"' not in client.get("/crisis/banner/").content.decode()


def test_link_an_inbox_conversation_by_its_address(
        team: Team, client: Any, make_channel: Callable[..., Channel]) -> None:
    from django.utils import timezone

    from socialops.connectors.base import InboundItem
    from socialops.inbox.models import Conversation
    from socialops.inbox.services import ingest

    channel = make_channel(team.org, network="x")
    ingest(channel, [InboundItem(remote_id="r1", kind="dm", author_handle="fan",
                                 author_name="Fan", text="Où est ma commande ?",
                                 created_at=timezone.now(), thread_key="dm:1")])
    conversation = Conversation.objects.get(organization=team.org)
    incident = services.open_incident(team.manager, ACTOR, title="Outage")
    client.force_login(team.manager.user)
    url = f"/crisis/incidents/{incident.pk}/conversation/"
    client.post(url, {"conversation": f"http://x/inbox/{conversation.pk}/"})
    assert list(incident.conversations.all()) == [conversation]
    client.post(url, {"conversation": "999999"})
    assert incident.conversations.count() == 1
