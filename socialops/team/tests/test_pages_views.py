"""The team's pages: staffing (what-if, PDF), on call, handover, overrides, iCal feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from socialops.core.models import AuditEvent, Member, Organization
from socialops.inbox.models import Conversation, Direction, Kind, Message
from socialops.team.models import HandoffNote, Override, Rotation, RotationMember, TimeOff
from socialops.team.staffing_case import WhatIf, compute, measure


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org()


def traffic(org: Organization, channel: Any, member: Member, per_hour: int,
            hours: int) -> None:
    """Record inbound messages each answered 2 minutes after the previous reply."""
    # Whole clock hours, so that every hour of the week counted is a full one.
    start = (timezone.now() - timedelta(hours=hours + 1)).replace(minute=0, second=0,
                                                                  microsecond=0)
    conversation = Conversation.objects.create(organization=org, channel=channel,
                                               kind=Kind.DM, thread_key="t",
                                               first_inbound_at=start, last_inbound_at=start)
    for hour in range(hours):
        for n in range(per_hour):
            at = start + timedelta(hours=hour, minutes=2 * n)
            Message.objects.create(conversation=conversation, channel=channel,
                                   direction=Direction.IN, text="q", created_at=at)
            Message.objects.create(conversation=conversation, channel=channel,
                                   direction=Direction.OUT, sent_by=member, text="a",
                                   created_at=at + timedelta(seconds=30))


def test_measured_traffic_becomes_staff_per_hour_and_fte(
        org: Organization, make_member: Callable[..., Member],
        make_channel: Callable[..., Any]) -> None:
    member = make_member(org, "responder")
    traffic(org, make_channel(org), member, per_hour=20, hours=24)
    measured = measure(org, weeks=1)
    assert measured.inbound == 480 and measured.replies == 480
    # Consecutive replies are 2 minutes apart (within a working stretch): 120 s each.
    assert measured.reply_s == pytest.approx(120) and measured.handling_measured
    assert sum(measured.arrivals) == pytest.approx(480)
    case = compute(measured, WhatIf(target_s=60, service_level=0.8, max_occupancy=0.85,
                                    shrinkage=0.3, contract_hours=35))
    # 20 an hour x 120 s = 0.67 Erlang: 2 people (occupancy cap), 24 hours a week.
    busy = [a for a in case.agents if a]
    assert len(busy) == 24 and set(busy) == {2}
    assert case.fte == pytest.approx(case.staff_hours / 0.7 / 35)
    doubled = compute(measured, WhatIf(volume=3.0, target_s=60))
    assert max(doubled.agents) > max(case.agents)


def test_the_staffing_page_what_if_errors_and_pdf(
        org: Organization, make_member: Callable[..., Member], client: Client) -> None:
    manager = make_member(org, "manager")
    responder = make_member(org, "responder")
    client.force_login(responder.user)
    assert client.get("/team/staffing/").status_code == 403
    client.force_login(manager.user)
    response = client.get("/team/staffing/")
    assert response.status_code == 200 and 'id="staffing-heatmap"' in response.content.decode()
    response = client.get("/team/staffing/?volume=2&target_minutes=-3&service_level=80"
                          "&concurrency=1")
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    response = client.get("/team/staffing/case.pdf?volume=2")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_on_call_page_handover_note_override_and_time_off(
        org: Organization, make_member: Callable[..., Member], client: Client) -> None:
    manager = make_member(org, "manager")
    responder = make_member(org, "responder")
    rotation = Rotation.objects.create(organization=org, name="Weekdays",
                                       starts_on=date(2026, 1, 5))
    RotationMember.objects.create(rotation=rotation, member=responder)
    client.force_login(responder.user)
    assert client.get("/team/").status_code == 200
    response = client.post(f"/team/rotations/{rotation.pk}/handoff/", {"text": "  "})
    assert response.status_code == 400 and not HandoffNote.objects.exists()
    response = client.post(f"/team/rotations/{rotation.pk}/handoff/",
                           {"text": "<img src=x onerror=alert(1)> two threads open"})
    assert response.status_code == 302
    page = client.get("/team/").content.decode()
    assert "&lt;img src=x" in page and "<img src=x" not in page
    # A responder cannot add overrides; a manager can, and bad periods re-render.
    period = {"member": responder.pk, "starts_at": "2026-07-01T09:00",
              "ends_at": "2026-07-02T09:00", "reason": "swap"}
    assert client.post(f"/team/rotations/{rotation.pk}/", period).status_code == 403
    response = client.post("/team/time-off/", period)
    assert response.status_code == 302 and TimeOff.objects.get().member == responder
    client.force_login(manager.user)
    response = client.post(f"/team/rotations/{rotation.pk}/",
                           {**period, "ends_at": "2026-06-30T09:00"})
    assert response.status_code == 400 and not Override.objects.exists()
    response = client.post(f"/team/rotations/{rotation.pk}/", period)
    assert response.status_code == 302
    override = Override.objects.get()
    assert override.starts_at.isoformat() == "2026-07-01T07:00:00+00:00"  # Paris summer time
    assert AuditEvent.objects.filter(action="team.override_create").exists()


def test_the_secret_shift_feed(org: Organization, make_member: Callable[..., Member],
                               client: Client) -> None:
    responder = make_member(org, "responder")
    rotation = Rotation.objects.create(organization=org, name="All week",
                                       starts_on=date(2026, 1, 5))
    RotationMember.objects.create(rotation=rotation, member=responder)
    client.force_login(responder.user)
    response = client.post("/team/feed/")
    body = response.content.decode()
    url = body.split('id="shift-feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
    client.logout()
    feed = client.get(url.replace("http://testserver", ""))
    assert feed.status_code == 200
    events = [c for c in Calendar.from_ical(feed.content).walk("VEVENT")]
    # One person in a rotation covering all week: one stretch over the whole window.
    assert len(events) == 1 and "All week" in str(events[0]["summary"])
    assert client.get("/team/feed/not-a-token.ics").status_code == 404
    client.force_login(responder.user)
    client.post("/team/feed/", {"action": "revoke"})
    client.logout()
    assert client.get(url.replace("http://testserver", "")).status_code == 404


def test_other_organizations_ids_give_404(org: Organization,
                                          make_org: Callable[..., Organization],
                                          make_member: Callable[..., Member],
                                          client: Client) -> None:
    rotation = Rotation.objects.create(organization=org, name="Theirs",
                                       starts_on=date(2026, 1, 5))
    stranger = make_member(make_org(), "owner")
    client.force_login(stranger.user)
    assert client.get(f"/team/rotations/{rotation.pk}/").status_code == 404
    assert client.post(f"/team/rotations/{rotation.pk}/handoff/",
                       {"text": "x"}).status_code == 404


def test_the_api_shows_on_call_pages_and_staffing(
        org: Organization, make_member: Callable[..., Member], actor: Any,
        client: Client) -> None:
    from socialops.core.paging import PageRequest
    from socialops.core.services import create_token
    from socialops.team import pager

    responder = make_member(org, "responder")
    rotation = Rotation.objects.create(organization=org, name="All week",
                                       starts_on=date(2026, 1, 5))
    RotationMember.objects.create(rotation=rotation, member=responder)
    page = pager.page(PageRequest(organization_id=org.pk, kind="incident", title="Fire",
                                  url="/crisis/1/", dedupe_key="incident:1"))
    assert page is not None
    headers = {"Authorization": f"Bearer {create_token(responder, actor).raw}"}
    assert client.get("/api/v1/team/oncall").status_code == 401
    assert client.get("/api/v1/team/oncall", headers=headers).json() == []  # no channel yet
    pages = client.get("/api/v1/team/pages", headers=headers).json()
    assert [p["title"] for p in pages] == ["Fire"]
    response = client.post(f"/api/v1/team/pages/{page.pk}/acknowledge", headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    assert client.get("/api/v1/team/staffing", headers=headers).status_code == 403


def test_shift_managers_create_rotations_and_set_people(
        org: Organization, make_member: Callable[..., Member],
        make_channel: Callable[..., Any], client: Client) -> None:
    manager, responder = make_member(org, "manager"), make_member(org, "responder")
    channel = make_channel(org)
    form = {"name": "Evenings", "kind": "weekly", "role": "primary", "channels": [channel.pk],
            "time_zone": "Mars/Olympus", "starts_on": "2026-06-01", "handoff_time": "09:00",
            "period_days": "7", "days": ["0", "1", "2"], "day_start": "18:00",
            "day_end": "23:00"}
    client.force_login(responder.user)
    assert client.get("/team/rotations/new/").status_code == 403
    client.force_login(manager.user)
    assert client.get("/team/rotations/new/").status_code == 200
    response = client.post("/team/rotations/new/", form)
    assert response.status_code == 400 and "Mars/Olympus" in response.content.decode()
    response = client.post("/team/rotations/new/", {**form, "time_zone": "America/Montreal"})
    assert response.status_code == 302
    rotation = Rotation.objects.get(organization=org)
    assert list(rotation.channels.all()) == [channel] and rotation.days == [0, 1, 2]
    url = f"/team/rotations/{rotation.pk}/members/"
    for person in (responder, manager):
        client.post(url, {"member": person.pk, "shift_start": "09:00", "shift_end": "17:00",
                          "shift_days": ["0", "1"]})
    assert [s.member for s in rotation.slots.all()] == [responder, manager]
    client.post(f"{url}remove/", {"member": responder.pk})
    assert [s.member for s in rotation.slots.all()] == [manager]
    assert AuditEvent.objects.filter(action__startswith="team.rotation").count() == 4


def test_team_settings_change_escalation_delays(org: Organization,
                                                make_member: Callable[..., Member],
                                                client: Client) -> None:
    from socialops.team.models import TeamSettings

    manager = make_member(org, "manager")
    client.force_login(manager.user)
    values = {"backup_after_minutes": "5", "manager_after_minutes": "15", "target_s": "600",
              "service_level": "0.9", "max_occupancy": "0.8", "shrinkage": "0.35",
              "concurrency": "2", "contract_hours": "35", "weeks": "6"}
    response = client.post("/team/settings/", {**values, "manager_after_minutes": "5"})
    assert response.status_code == 400
    assert not TeamSettings.objects.filter(organization=org, backup_after_minutes=5).exists()
    assert client.post("/team/settings/", values).status_code == 302
    row = TeamSettings.objects.get(organization=org)
    assert (row.backup_after_minutes, row.manager_after_minutes, row.weeks) == (5, 15, 6)
    assert AuditEvent.objects.filter(action="team.settings").count() == 1


def test_team_profiles_own_hours_and_managers_set_by_shift_managers(
        org: Organization, make_member: Callable[..., Member], client: Client) -> None:
    from socialops.team.models import Profile

    manager, responder = make_member(org, "manager"), make_member(org, "responder")
    mine = {"time_zone": "America/Montreal", "languages": "fr, EN", "work_start": "08:00",
            "work_end": "16:00", "work_days": ["0", "1", "2", "3"], "manager": ""}
    client.force_login(responder.user)
    assert client.post("/team/profile/", {**mine, "time_zone": "Nowhere"}).status_code == 400
    assert client.post("/team/profile/", mine).status_code == 302
    profile = Profile.objects.get(member=responder)
    assert (profile.time_zone, profile.languages, profile.work_days) == (
        "America/Montreal", ["en", "fr"], [0, 1, 2, 3])
    # Choosing one's own manager, or editing someone else, needs shift management.
    assert client.post("/team/profile/", {**mine, "manager": manager.pk}).status_code == 403
    assert client.get(f"/team/profile/?member={manager.pk}").status_code == 403
    client.force_login(manager.user)
    response = client.post(f"/team/profile/?member={responder.pk}",
                           {**mine, "manager": manager.pk})
    assert response.status_code == 302
    assert Profile.objects.get(member=responder).manager == manager
    assert client.get("/team/profile/?member=999999").status_code == 404
