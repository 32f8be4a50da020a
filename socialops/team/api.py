"""REST endpoints of the team app, with the same permissions as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from socialops.core.actors import Actor
from socialops.core.api_auth import api_member
from socialops.governance.services import channels_for
from socialops.team import pager
from socialops.team.models import Page
from socialops.team.roster import Roster
from socialops.team.staffing_case import staffing_case

router = Router(tags=["team"])


class CoverOut(Schema):
    channel_id: int
    channel: str
    primary_member_id: int | None
    backup_member_id: int | None
    manager_member_id: int | None


class PageOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    severity: str
    status: str
    level: int
    channel_id: int | None
    created_at: datetime
    acknowledged_at: datetime | None


class StaffingOut(Schema):
    weeks: int
    inbound: int
    aht_s: float
    agents_per_hour: list[int]
    staff_hours: float
    fte: float


@router.get("/team/oncall", response=list[CoverOut])
def oncall(request: HttpRequest) -> list[CoverOut]:
    """Return who is on call now for each channel the caller may see."""
    member = api_member(request)
    pager.pages_for(member)  # checks VIEW_TEAM
    now = timezone.now()
    roster = Roster(member.organization, now, now)
    rows = []
    for channel in channels_for(member):
        cover = roster.cover(channel.pk, now)
        rows.append(CoverOut(channel_id=channel.pk, channel=channel.display_name,
                             primary_member_id=cover.primary.pk if cover.primary else None,
                             backup_member_id=cover.backup.pk if cover.backup else None,
                             manager_member_id=cover.manager.pk if cover.manager else None))
    return rows


@router.get("/team/pages", response=list[PageOut])
def list_pages(request: HttpRequest) -> list[Page]:
    """Return the pages the caller received (all of them for shift managers)."""
    return pager.pages_for(api_member(request))


@router.post("/team/pages/{page_id}/acknowledge", response=PageOut)
def acknowledge_page(request: HttpRequest, page_id: int) -> Page:
    """Acknowledge a page: escalation stops."""
    member = api_member(request)
    return pager.acknowledge(member, page_id, Actor.from_request(request, via="api"))


@router.get("/team/staffing", response=StaffingOut)
def staffing(request: HttpRequest) -> StaffingOut:
    """Return the staffing case with the organization's saved assumptions."""
    case = staffing_case(api_member(request))
    return StaffingOut(weeks=case.measured.weeks, inbound=case.measured.inbound,
                       aht_s=case.measured.aht_s, agents_per_hour=case.agents,
                       staff_hours=case.staff_hours, fte=case.fte)
