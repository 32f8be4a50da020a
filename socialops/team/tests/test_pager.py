"""Paging through the core hook: dedupe, e-mail, escalation timings, acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.core.paging import PageRequest, request_page
from socialops.team import pager
from socialops.team.models import (
    CoverRole,
    Page,
    PageNotice,
    PageStatus,
    Profile,
    Rotation,
    RotationMember,
    TeamSettings,
)

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2026, 6, 3, 12, 0, tzinfo=PARIS)


@pytest.fixture
def setup(make_org: Callable[..., Organization], make_member: Callable[..., Member],
          make_channel: Callable[..., Any]) -> dict[str, Any]:
    org = make_org()
    people = {name: make_member(org, role, email=f"{name}@brand.example")
              for name, role in [("primary", "responder"), ("backup", "publisher"),
                                 ("boss", "manager"), ("other", "responder")]}
    Profile.objects.create(member=people["primary"], manager=people["boss"])
    for role, name in [(CoverRole.PRIMARY, "primary"), (CoverRole.BACKUP, "backup")]:
        rotation = Rotation.objects.create(organization=org, name=name, role=role,
                                           starts_on=date(2026, 1, 5))
        RotationMember.objects.create(rotation=rotation, member=people[name])
    TeamSettings.objects.create(organization=org, backup_after_minutes=10,
                                manager_after_minutes=25)
    return {"org": org, "channel": make_channel(org), **people}


def request(setup: dict[str, Any], key: str = "listening-alert:1") -> PageRequest:
    return PageRequest(organization_id=setup["org"].pk, kind="listening_alert",
                       title="<b>Spike</b> on the brand", url="/listening/alerts/1/",
                       dedupe_key=key, channel_id=setup["channel"].pk, severity="critical")


def paged(page: Page) -> list[tuple[str, int]]:
    return [(n.member.user.email.split("@")[0], n.level)
            for n in PageNotice.objects.filter(page=page).order_by("sent_at", "level")]


def test_the_core_hook_pages_the_person_on_call_once_per_cause(
        setup: dict[str, Any], mailoutbox: list[Any],
        django_capture_on_commit_callbacks: Any) -> None:
    for _attempt in range(2):
        # The pager runs once the caller's transaction commits, its e-mail after its own.
        with django_capture_on_commit_callbacks(execute=True):
            request_page(request(setup))
    page = Page.objects.get(organization=setup["org"])
    assert page.status == PageStatus.OPEN
    assert paged(page) == [("primary", 0)]
    assert [m.to for m in mailoutbox] == [["primary@brand.example"]]
    assert "<b>Spike</b> on the brand" in mailoutbox[0].subject
    assert "/listening/alerts/1/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(organization=setup["org"], action="team.page").count() == 1


def test_escalation_to_backup_then_manager_on_time_and_only_once(
        setup: dict[str, Any], mailoutbox: list[Any],
        django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = pager.page(request(setup), now=T0)
    assert page is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert pager.escalate_due(T0 + timedelta(minutes=9, seconds=59)) == 0
        assert pager.escalate_due(T0 + timedelta(minutes=10)) == 1
        assert pager.escalate_due(T0 + timedelta(minutes=10)) == 0  # twice: nothing more
    assert paged(page) == [("primary", 0), ("backup", 1)]
    # The manager comes 25 minutes after the first page, i.e. 15 after the backup.
    with django_capture_on_commit_callbacks(execute=True):
        assert pager.escalate_due(T0 + timedelta(minutes=24)) == 0
        assert pager.escalate_due(T0 + timedelta(minutes=25)) == 1
        assert pager.escalate_due(T0 + timedelta(hours=5)) == 0
    assert paged(page) == [("primary", 0), ("backup", 1), ("boss", 2)]
    assert [m.to[0].split("@")[0] for m in mailoutbox] == ["primary", "backup", "boss"]
    page.refresh_from_db()
    assert page.escalate_at is None and page.status == PageStatus.OPEN


def test_acknowledging_stops_the_escalation(setup: dict[str, Any]) -> None:
    page = pager.page(request(setup), now=T0)
    assert page is not None
    pager.acknowledge(setup["primary"], page.pk, Actor.system("test"))
    assert pager.escalate_due(T0 + timedelta(hours=1)) == 0
    page.refresh_from_db()
    assert (page.status, page.acknowledged_by) == (PageStatus.ACKNOWLEDGED, setup["primary"])


def test_only_the_people_paged_or_shift_managers_acknowledge(
        setup: dict[str, Any], make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    page = pager.page(request(setup), now=T0)
    assert page is not None
    with pytest.raises(PermissionDenied):
        pager.acknowledge(setup["other"], page.pk, Actor.system("test"))
    stranger = make_member(make_org(), "owner")
    with pytest.raises(Http404):
        pager.acknowledge(stranger, page.pk, Actor.system("test"))
    assert pager.pages_for(setup["other"]) == []
    assert pager.pages_for(setup["boss"]) == [page]
    pager.acknowledge(setup["boss"], page.pk, Actor.system("test"))


def test_nobody_on_call_goes_straight_to_the_manager_and_uncovered_is_recorded(
        setup: dict[str, Any], make_org: Callable[..., Organization]) -> None:
    Rotation.objects.filter(organization=setup["org"]).delete()
    page = pager.page(request(setup), now=T0)
    assert page is not None and paged(page) == [("boss", 2)]
    empty = make_org()
    lonely = pager.page(PageRequest(organization_id=empty.pk, kind="incident", title="x",
                                    url="", dedupe_key="k"), now=T0)
    assert lonely is not None and lonely.status == PageStatus.UNCOVERED


def test_the_page_list_acknowledges_and_escapes_titles(setup: dict[str, Any],
                                                        client: Client) -> None:
    page = pager.page(request(setup), now=T0)
    assert page is not None
    client.force_login(setup["primary"].user)
    response = client.get("/team/pages/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "&lt;b&gt;Spike&lt;/b&gt;" in body and "<b>Spike</b>" not in body
    response = client.post(f"/team/pages/{page.pk}/acknowledge/")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.status == PageStatus.ACKNOWLEDGED
