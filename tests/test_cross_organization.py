"""No route shows or changes another organization's objects: they answer 404.

For every route that takes an object's id, an owner of organization B (who may do
everything in B) asks for organization A's object, by the page and by the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Team
from socialops.core.services import create_token
from socialops.governance.models import Channel, ChannelGrant
from socialops.inbox.models import Conversation, Holiday, Message, SavedReply, UrgentNotice
from socialops.inbox.rule_models import Rule
from socialops.inbox.services import ingest
from socialops.publishing.models import (
    ApprovalPolicy,
    Campaign,
    MediaAsset,
    PublishingPause,
    Rendition,
)
from socialops.publishing.services import create_post
from tests.test_route_access import ROUTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(make_org: Callable[..., Organization], make_member: Callable[..., Member],
           make_channel: Callable[..., Channel], settings: Any, tmp_path: Any) -> dict[str, int]:
    """Return the ids of one object of each kind in organization A."""
    settings.MEDIA_ROOT = str(tmp_path)
    org = make_org("Theirs")
    manager = make_member(org, "manager")
    channel = make_channel(org, network="x")
    post = create_post(manager, Actor.for_user(manager.user), text="Secret launch",
                       targets=[(channel.pk, "feed")])
    variant = post.variants.get()
    asset = MediaAsset.objects.create(
        organization=org, post=post, file=ContentFile(b"x", "a.jpg"),
        preview=ContentFile(b"x", "p.jpg"), mime="image/jpeg", width=1, height=1,
        size_bytes=1)
    rendition = Rendition.objects.create(asset=asset, variant=variant,
                                         file=ContentFile(b"x", "r.jpg"), mime="image/jpeg",
                                         width=1, height=1, size_bytes=1)
    ingest(channel, [InboundItem(
        remote_id="r1", kind="dm", author_handle="fan", author_name="Fan",
        text="Je vais porter plainte", created_at=timezone.now(), thread_key="dm:1")])
    conversation = Conversation.objects.get(organization=org)
    message = Message.objects.filter(conversation=conversation).first()
    assert message is not None
    notice = UrgentNotice.objects.filter(organization=org).first() or UrgentNotice.objects.create(
        organization=org, conversation=conversation, message=message, channel=channel,
        created_at=timezone.now())
    team = Team.objects.create(organization=org, name="Secret team")
    return {
        "post_id": post.pk, "variant_id": variant.pk, "asset_id": asset.pk,
        "image_id": asset.pk, "rendition_id": rendition.pk,
        "conversation_id": conversation.pk, "message_id": message.pk,
        "saved_reply_id": SavedReply.objects.create(
            organization=org, language="fr", title="t", body="b").pk,
        "holiday_id": Holiday.objects.create(organization=org, day=date(2026, 12, 25),
                                             name="Noël").pk,
        "notice_id": notice.pk, "member_id": manager.pk, "team_id": team.pk,
        "channel_id": channel.pk,
        "pause_id": PublishingPause.objects.create(organization=org, reason="r",
                                                   paused_at=timezone.now()).pk,
        "event_id": AuditEvent.objects.filter(organization=org).order_by("seq").last().pk,
        "policy_id": ApprovalPolicy.objects.create(organization=org, name="Legal").pk,
        "campaign_id": Campaign.objects.create(organization=org, name="Secret",
                                               starts_on=date(2026, 1, 1),
                                               ends_on=date(2026, 1, 31)).pk,
        "grant_id": ChannelGrant.objects.create(member=manager, channel=channel, effect="allow",
                                                actions=["inbox.respond"]).pk,
        "rule_id": Rule.objects.create(organization=org, name="Secret", add_tags=["x"]).pk,
        **_listening_and_crisis(org, manager),
        **_team(org),
        **_analytics(org),
        **_requests(org, manager),
    }


def _requests(org: Organization, manager: Member) -> dict[str, int]:
    """Return ids of a stakeholder request, its file and a guideline of org."""
    from socialops.requests.models import Attachment, Guideline, StakeholderRequest

    request = StakeholderRequest.objects.create(
        organization=org, kind="content", requester=manager, requester_name="Secret",
        title="Secret", created_at=timezone.now())
    return {"request_id": request.pk,
            "guideline_id": Guideline.objects.create(organization=org, slug="secret").pk,
            "attachment_id": Attachment.objects.create(
                organization=org, request=request, file=ContentFile(b"%PDF-", "a.pdf"),
                mime="application/pdf", size_bytes=5).pk}


def _analytics(org: Organization) -> dict[str, int]:
    """Return ids of a report definition and an archived report run of org."""
    from socialops.analytics.models import ReportDefinition, ReportRun

    report = ReportDefinition.objects.create(organization=org, name="Secret",
                                             sections=["kpis"], schedule="on_demand")
    run = ReportRun.objects.create(organization=org, definition=report, language="en",
                                   period_start=date(2026, 1, 1), period_end=date(2026, 1, 31),
                                   pdf=b"%PDF", created_at=timezone.now())
    return {"report_id": report.pk, "run_id": run.pk}


def _team(org: Organization) -> dict[str, int]:
    """Return ids of an on-call rotation and a page of org."""
    from socialops.team.models import Page, Rotation

    return {"rotation_id": Rotation.objects.create(organization=org, name="Secret",
                                                   starts_on=date(2026, 1, 5)).pk,
            "page_id": Page.objects.create(organization=org, kind="incident", title="Secret",
                                           dedupe_key="k", created_at=timezone.now()).pk}


def _listening_and_crisis(org: Organization, manager: Member) -> dict[str, int]:
    """Return ids of a listening query, alert, webhook, incident and incident task of org."""
    from socialops.crisis.models import Incident, IncidentTask
    from socialops.listening.models import Alert, ListeningQuery, Webhook

    query = ListeningQuery.objects.create(organization=org, name="Secret", expression="x")
    alert = Alert.objects.create(organization=org, query=query, metric="volume",
                                 bucket_start=timezone.now(), severity="high", score=1,
                                 value=10, baseline=1)
    incident = Incident.objects.create(organization=org, title="Secret", owner=manager,
                                       opened_at=timezone.now())
    return {"query_id": query.pk, "alert_id": alert.pk, "incident_id": incident.pk,
            "webhook_id": Webhook.objects.create(organization=org, name="w",
                                                 url="https://example.com/", secret="s").pk,
            "task_id": IncidentTask.objects.create(incident=incident, text="t").pk,
            **_playbook(org)}


def _playbook(org: Organization) -> dict[str, int]:
    """Return ids of a crisis playbook and one of its holding statements of org."""
    from socialops.crisis.models import HoldingStatement, Playbook

    playbook = Playbook.objects.create(organization=org, kind="outage", name="Secret")
    return {"playbook_id": playbook.pk, "statement_id": HoldingStatement.objects.create(
        playbook=playbook, language="en", text="Secret").pk}


def _with_ids(path: str, ids: dict[str, int]) -> str:
    path = re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids[m.group(1)]) if m.group(1) in ids
                  else ("submit" if m.group(1) == "action" else "x"), path)
    return "/" + path


OBJECT_ROUTES = [(name, path) for name, path in ROUTES if re.search(r"<(?:int:)?\w+_id>", path)]


def test_every_object_route_is_covered() -> None:
    params = {p for _name, path in OBJECT_ROUTES for p in re.findall(r"<(?:int:)?(\w+_id)>", path)}
    known = {"post_id", "variant_id", "asset_id", "image_id", "rendition_id", "conversation_id",
             "message_id", "saved_reply_id", "holiday_id", "notice_id", "member_id", "team_id",
             "channel_id", "pause_id", "event_id", "grant_id", "policy_id",
             "campaign_id", "query_id", "alert_id", "webhook_id", "incident_id", "task_id",
             "rotation_id", "page_id", "report_id", "run_id", "playbook_id", "statement_id",
             "rule_id", "request_id", "guideline_id", "attachment_id"}
    assert params <= known, f"add an object of these kinds to the fixture: {params - known}"


@pytest.mark.parametrize(("name", "path"), OBJECT_ROUTES, ids=[r[0] for r in OBJECT_ROUTES])
def test_an_owner_of_another_organization_gets_404(
    name: str, path: str, theirs: dict[str, int], make_org: Callable[..., Organization],
    make_member: Callable[..., Member], actor: Actor,
) -> None:
    mine = make_org("Mine")
    owner = make_member(mine, "owner")
    client = Client()
    headers: dict[str, str] = {}
    if path.startswith("api/"):
        headers = {"Authorization": f"Bearer {create_token(owner, actor).raw}"}
    else:
        client.force_login(owner.user)
    url = _with_ids(path, theirs)
    missing = _with_ids(path, dict.fromkeys(theirs, 999_999))
    for method in ("get", "post", "patch", "delete"):
        response = getattr(client, method)(url, headers=headers)
        if response.status_code in {404, 405}:
            continue
        # An API operation may refuse a request without a body before it looks the
        # object up; then it must answer exactly as for an object that does not exist.
        assert path.startswith("api/") and response.status_code in {400, 422}, (
            method, url, response.status_code)
        absent = getattr(client, method)(missing, headers=headers)
        assert (absent.status_code, absent.content) == (response.status_code, response.content)
