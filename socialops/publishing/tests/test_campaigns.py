"""Campaigns: dates, targets and budget; posts attach to them; calendar, import and API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.models import AuditEvent, Member, Organization
from socialops.core.services import create_token
from socialops.governance.models import Channel
from socialops.publishing import bulk_import, campaigns, services
from socialops.publishing.campaigns import CampaignInput
from socialops.publishing.models import Campaign, Post
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(team: Team, make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(team.org, network="bluesky", owner=team.manager,
                        backup_owner=team.publisher)


def _autumn(team: Team, **extra: object) -> Campaign:
    data = CampaignInput(name="Automne 2026", starts_on=date(2026, 9, 1),
                         ends_on=date(2026, 11, 30), goal="Faire connaître la collection",
                         is_paid=True, budget=Decimal("5000"), spend=Decimal("1200.50"),
                         target_impressions=1_000_000)
    for name, value in extra.items():
        setattr(data, name, value)
    return campaigns.save_campaign(team.manager, ACTOR, data)


def test_a_campaign_is_created_audited_and_its_name_is_unique(team: Team,
                                                              channel: Channel) -> None:
    campaign = _autumn(team, channel_ids=[channel.pk])
    assert list(campaign.channels.all()) == [channel]
    assert AuditEvent.objects.filter(action="campaign.create").exists()
    with pytest.raises(ValidationError, match="already called"):
        _autumn(team)


@pytest.mark.parametrize("changes, message", [
    ({"ends_on": date(2026, 8, 1)}, "end on or after"),
    ({"name": "  "}, "name"),
    ({"is_paid": False}, "organic campaign has no spend"),
    ({"currency": "euro"}, "three letters"),
    ({"budget": Decimal("-1")}, "between 0"),
])
def test_bad_campaigns_are_refused_with_a_reason(team: Team, changes: dict[str, object],
                                                 message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _autumn(team, **changes)


def test_only_managers_create_campaigns_and_only_with_their_channels(
    team: Team, make_org: Callable[..., Organization],
    make_channel: Callable[..., Channel],
) -> None:
    with pytest.raises(PermissionDenied):
        campaigns.save_campaign(team.contributor, ACTOR, CampaignInput(
            name="X", starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 2)))
    with pytest.raises(Http404):
        _autumn(team, channel_ids=[make_channel(make_org()).pk])


def test_posts_attach_to_an_open_campaign_only(team: Team, channel: Channel) -> None:
    campaign = _autumn(team)
    post = services.create_post(team.contributor, ACTOR, text="Feuilles d'automne",
                                targets=[(channel.pk, "feed")], campaign_id=campaign.pk)
    assert post.campaign == campaign
    campaigns.set_archived(team.manager, ACTOR, campaign, True)
    with pytest.raises(ValidationError, match="archived"):
        services.create_post(team.contributor, ACTOR, text="Trop tard",
                             targets=[(channel.pk, "feed")], campaign_id=campaign.pk)
    campaigns.attach_post(team.contributor, ACTOR, post, None)
    post.refresh_from_db()
    assert post.campaign is None
    assert AuditEvent.objects.filter(action="post.campaign").exists()


def test_the_calendar_filters_by_campaign_and_label(client: Client, team: Team,
                                                    channel: Channel) -> None:
    campaign = _autumn(team)
    when = timezone.now() + timedelta(days=1)
    services.create_post(team.contributor, ACTOR, text="In the campaign", planned_at=when,
                         targets=[(channel.pk, "feed")], campaign_id=campaign.pk)
    services.create_post(team.contributor, ACTOR, text="Labelled été", planned_at=when,
                         targets=[(channel.pk, "feed")], labels=["été"])
    client.force_login(team.manager.user)
    day = timezone.localtime(when, ZoneInfo(team.org.time_zone)).date().isoformat()
    base = reverse("publishing:calendar") + f"?view=list&date={day}"
    by_campaign = client.get(base + f"&campaign={campaign.pk}").content.decode()
    assert "In the campaign" in by_campaign and "Labelled été" not in by_campaign
    by_label = client.get(base + "&label=été").content.decode()
    assert "Labelled été" in by_label and "In the campaign" not in by_label


def test_an_import_row_names_its_campaign(team: Team, channel: Channel) -> None:
    campaign = _autumn(team)
    zone = ZoneInfo(team.org.time_zone)
    when = (timezone.localtime(timezone.now(), zone) + timedelta(days=2)).strftime(
        "%d/%m/%Y %H:%M")
    text = f"date,message,campaign\n{when},Bonjour,automne 2026\n{when},Salut,Printemps\n"
    plan = bulk_import.plan_import(team.contributor, text.encode(), date_format="dmy",
                                   channel_ids=[channel.pk])
    assert plan.rows[0].campaign == campaign
    assert plan.rows[1].errors == ["No open campaign is called “Printemps”."]


def test_the_pages_create_a_campaign_from_french_amounts(client: Client, team: Team,
                                                         channel: Channel) -> None:
    client.force_login(team.manager.user)
    response = client.post(reverse("publishing:campaigns"), {
        "name": "Noël", "starts_on": "2026-12-01", "ends_on": "2026-12-24", "is_paid": "on",
        "budget": "1 200,50", "spend": "", "currency": "eur", "target_clicks": "5 000",
        "channel": [channel.pk]})
    campaign = Campaign.objects.get(name="Noël")
    assert response.status_code == 302 and campaign.budget == Decimal("1200.50")
    assert campaign.currency == "EUR" and campaign.target_clicks == 5000
    page = client.get(reverse("publishing:campaign", args=[campaign.pk])).content.decode()
    assert "Noël" in page
    bad = client.post(reverse("publishing:campaigns"), {
        "name": "Soldes", "starts_on": "2026-13-01", "ends_on": "2026-12-24"})
    assert "as a date" in bad.content.decode() and not Campaign.objects.filter(
        name="Soldes").exists()
    client.force_login(team.contributor.user)
    assert client.post(reverse("publishing:campaigns"), {"name": "Nope"}).status_code == 403


def test_the_api_creates_and_reads_campaigns_within_the_organization(
    client: Client, team: Team, channel: Channel, make_org: Callable[..., Organization],
    make_member: Callable[..., Member],
) -> None:
    token = create_token(team.manager, ACTOR).raw
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/campaigns", {
        "name": "Rentrée", "starts_on": "2026-09-01", "ends_on": "2026-09-30",
        "channel_ids": [channel.pk]}, content_type="application/json", headers=headers)
    assert created.status_code == 201, created.content
    campaign_id = created.json()["id"]
    post = client.post("/api/v1/posts", {
        "text": "Cartables", "targets": [{"channel_id": channel.pk}],
        "campaign_id": campaign_id}, content_type="application/json", headers=headers)
    assert post.status_code == 201 and post.json()["campaign_id"] == campaign_id
    assert client.get(f"/api/v1/campaigns/{campaign_id}",
                      headers=headers).json()["post_count"] == 1
    bad = client.post("/api/v1/campaigns", {"name": "Rentrée", "starts_on": "2026-09-01",
                                             "ends_on": "2026-09-30"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 400 and "already called" in bad.json()["message"]
    stranger = make_member(make_org(), "owner")
    other = {"Authorization": f"Bearer {create_token(stranger, ACTOR).raw}"}
    assert client.get(f"/api/v1/campaigns/{campaign_id}", headers=other).status_code == 404
    assert Post.objects.get().campaign_id == campaign_id
