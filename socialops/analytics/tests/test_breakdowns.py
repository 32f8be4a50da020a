"""The campaign and team dashboards: figures, links, permissions and other organizations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from socialops.analytics.breakdowns import campaign_dashboard, team_dashboard
from socialops.analytics.kpis import Period, Scope
from socialops.analytics.tests.data import published_post
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Direction, Message
from socialops.publishing.models import Campaign

pytestmark = pytest.mark.django_db
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def autumn(make_org: Callable[..., Organization],
           make_channel: Callable[..., Channel]) -> dict[str, Any]:
    org = make_org()
    insta = make_channel(org, display_name="Arlette Instagram", network="instagram")
    linkedin = make_channel(org, display_name="Arlette LinkedIn", network="linkedin")
    campaign = Campaign.objects.create(
        organization=org, name="Autumn", starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 10), spend=Decimal("120.00"), budget=Decimal("200.00"),
        target_impressions=10_000, target_engagements=200, is_paid=True)
    for n, channel in enumerate((insta, insta, linkedin)):
        published_post(channel, f"<b>Autumn {n}</b>", datetime(2026, 10, 2 + n, 9, tzinfo=UTC),
                       reach=1000, engagements=100 + n, campaign=campaign)
    published_post(insta, "Not in the campaign", datetime(2026, 10, 3, 9, tzinfo=UTC),
                   reach=5000, engagements=999)
    return {"org": org, "campaign": campaign, "insta": insta, "linkedin": linkedin}


def test_campaign_results_against_targets_and_costs(autumn: dict[str, Any]) -> None:
    scope = Scope(autumn["org"].pk, (autumn["insta"].pk, autumn["linkedin"].pk))
    data = campaign_dashboard(scope, autumn["campaign"])
    assert data["totals"] == {"posts": 3, "impressions": 6000, "reach": 3000,
                              "engagements": 303, "clicks": 3}
    assert [(t["key"], t["share"]) for t in data["targets"]] == [
        ("impressions", 0.6), ("engagements", 1.515), ("clicks", None)]
    assert data["costs"] == {"cpm": 20.0, "cpc": 40.0, "cpe": pytest.approx(120 / 303)}
    assert data["budget_used"] == 0.6
    assert [p["engagements"] for p in data["top_posts"]] == [102, 101, 100]
    assert [(c["channel"], c["posts"]) for c in data["channels"]] == [
        ("Arlette Instagram", 2), ("Arlette LinkedIn", 1)]
    assert len(data["series"]) == 10 and sum(d["engagements"] for d in data["series"]) == 303
    # Only the channels in scope count.
    only_linkedin = campaign_dashboard(Scope(autumn["org"].pk, (autumn["linkedin"].pk,)),
                                       autumn["campaign"])
    assert only_linkedin["totals"]["posts"] == 1


def test_campaign_page_is_linked_and_escapes_post_text(
        autumn: dict[str, Any], make_member: Callable[..., Member]) -> None:
    client = _client(make_member(autumn["org"], "analyst"))
    url = f"/analytics/campaigns/{autumn['campaign'].pk}/"
    dashboard = client.get("/analytics/", {"start": "2026-10-01", "end": "2026-10-31"})
    assert url in dashboard.content.decode()
    html = client.get(url).content.decode()
    assert "Autumn" in html and "60.0% of the target of 10,000" in html
    assert "&lt;b&gt;Autumn 2&lt;/b&gt;" in html and "<b>Autumn" not in html
    assert "120.00 EUR" in html and "20.00" in html  # spend and CPM
    assert 'id="campaign-series"' in html


def test_campaign_page_of_another_organization_is_404(
        autumn: dict[str, Any], make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    stranger = make_member(make_org("Other"), "owner")
    assert _client(stranger).get(
        f"/analytics/campaigns/{autumn['campaign'].pk}/").status_code == 404


def test_campaign_page_needs_analytics(autumn: dict[str, Any],
                                       make_member: Callable[..., Member]) -> None:
    # A contributor may not read analytics (docs/permissions.md).
    response = _client(make_member(autumn["org"], "contributor")).get(
        f"/analytics/campaigns/{autumn['campaign'].pk}/")
    assert response.status_code == 403


def _conversation(channel: Channel, at: datetime, assignee: Member | None,
                  answer_after: timedelta | None) -> Conversation:
    return Conversation.objects.create(
        organization_id=channel.organization_id, channel=channel, kind="comment",
        thread_key=f"t{at.isoformat()}{channel.pk}", first_inbound_at=at, last_inbound_at=at,
        first_response_due_at=at + timedelta(hours=1), assignee=assignee,
        first_responded_at=at + answer_after if answer_after else None)


def test_team_dashboard_per_person_and_channel(
        make_org: Callable[..., Organization], make_channel: Callable[..., Channel],
        make_member: Callable[..., Member]) -> None:
    org = make_org()
    insta = make_channel(org, display_name="Arlette Instagram")
    emma, leo = make_member(org, "responder"), make_member(org, "responder")
    start = datetime(2026, 10, 5, 9, tzinfo=UTC)
    # (assignee, who answered first, after how long)
    for n, (assignee, answerer, after) in enumerate([
            (emma, emma, timedelta(minutes=20)), (emma, emma, timedelta(hours=3)),
            (leo, None, None), (None, None, None),
            (leo, emma, timedelta(minutes=10))]):  # Emma answered for Leo
        conversation = _conversation(insta, start + timedelta(hours=n), assignee, after)
        if after:
            Message.objects.create(conversation=conversation, channel=insta, text="Merci",
                                   direction=Direction.OUT, sent_by=answerer,
                                   created_at=start + timedelta(hours=n) + after)
    data = team_dashboard(Scope(org.pk, (insta.pk,)), OCTOBER)
    by_person = {row["member_id"]: row for row in data["people"]}
    assert by_person[emma.pk]["conversations"] == 3
    assert by_person[emma.pk]["response_rate"] == 1.0
    assert by_person[emma.pk]["within_target"] == pytest.approx(2 / 3)
    assert by_person[emma.pk]["median_response_seconds"] == 20 * 60
    assert by_person[emma.pk]["replies"] == 3
    assert by_person[leo.pk]["conversations"] == 1
    assert by_person[leo.pk]["response_rate"] == 0.0 and by_person[leo.pk]["replies"] == 0
    assert by_person[None]["conversations"] == 1
    assert data["channels"] == [{"channel": "Arlette Instagram", "network": insta.network,
                                 "conversations": 5, "answered": 3, "response_rate": 0.6,
                                 "within_target": pytest.approx(2 / 3),
                                 "median_response_seconds": 20 * 60}]


def test_team_page_renders_and_refuses_bad_dates(
        make_org: Callable[..., Organization], make_channel: Callable[..., Channel],
        make_member: Callable[..., Member]) -> None:
    org = make_org()
    insta = make_channel(org)
    manager = make_member(org, "manager")
    _conversation(insta, timezone.now() - timedelta(days=1), manager, timedelta(minutes=5))
    client = _client(manager)
    response = client.get("/analytics/team/")
    assert response.status_code == 200
    html = response.content.decode()
    assert manager.display_name in html and "100.0%" in html
    assert "/analytics/team/" in client.get("/analytics/").content.decode()
    assert client.get("/analytics/team/", {"end": "soon"}).status_code == 400


def test_the_api_serves_both_pages(autumn: dict[str, Any], make_org: Callable[..., Organization],
                                   make_member: Callable[..., Member]) -> None:
    client = _client(make_member(autumn["org"], "analyst"))
    url = f"/api/v1/analytics/campaigns/{autumn['campaign'].pk}"
    data = client.get(url).json()
    assert data["campaign"]["name"] == "Autumn" and data["totals"]["engagements"] == 303
    assert data["costs"]["cpm"] == 20.0 and len(data["series"]) == 10
    assert _client(make_member(make_org("Other"), "owner")).get(url).status_code == 404
    team = client.get("/api/v1/analytics/team", {"start": "2026-10-01", "end": "2026-10-31"})
    assert team.status_code == 200 and team.json() == {"people": [], "channels": []}
    bad = client.get("/api/v1/analytics/team", {"start": "2026-10-31", "end": "2026-10-01"})
    assert bad.status_code == 400
