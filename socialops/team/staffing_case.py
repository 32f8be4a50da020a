"""Measure the inbox's traffic and turn it into staff per hour of the week and an FTE total."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import number_format

from socialops.core.models import Member, Organization
from socialops.core.permissions import Action, require
from socialops.inbox.models import Direction, Message
from socialops.team.models import TeamSettings
from socialops.team.staffing import erlang_c_staffing

HOURS_PER_WEEK = 168
# Two replies by the same person less than this apart are one working stretch: the
# gap is the time spent reading and answering the second conversation.
SESSION_GAP = timedelta(minutes=15)
# Below this many measured gaps, the handling time is assumed, not measured.
MIN_SAMPLES = 10
DEFAULT_REPLY_S = 300.0


@dataclass(frozen=True)
class WhatIf:
    """The assumptions a manager can vary on the staffing page."""

    volume: float = 1.0
    target_s: float = 3600.0
    service_level: float = 0.8
    max_occupancy: float = 0.85
    shrinkage: float = 0.3
    concurrency: float = 1.0
    contract_hours: float = 35.0

    @classmethod
    def from_settings(cls, settings: TeamSettings) -> WhatIf:
        """Return the organization's saved assumptions, volume unchanged."""
        return cls(1.0, float(settings.target_s), settings.service_level,
                   settings.max_occupancy, settings.shrinkage, settings.concurrency,
                   settings.contract_hours)


@dataclass(frozen=True)
class Measured:
    """Traffic measured in the inbox over whole weeks."""

    weeks: int
    arrivals: list[float]  # mean inbound messages per hour of the week (0 = Monday 00:00)
    inbound: int
    replies: int
    reply_s: float
    reply_samples: int
    aht_s: float  # handling time per inbound message

    @property
    def handling_measured(self) -> bool:
        """Return whether enough replies were timed to trust the handling time."""
        return self.reply_samples >= MIN_SAMPLES


@dataclass
class StaffingCase:
    """Staff needed per hour of the week and the FTE it adds up to."""

    measured: Measured
    what_if: WhatIf
    agents: list[int] = field(default_factory=list)
    staff_hours: float = 0.0
    fte: float = 0.0
    peak: int = 0

    def grid(self) -> list[list[int]]:
        """Return the agents as 7 rows (Monday first) of 24 hours."""
        return [self.agents[day * 24:(day + 1) * 24] for day in range(7)]


def team_settings(organization: Organization) -> TeamSettings:
    """Return the organization's team settings, created with defaults when missing."""
    settings, _created = TeamSettings.objects.get_or_create(organization=organization)
    return settings


def measure(organization: Organization, weeks: int, now: datetime | None = None) -> Measured:
    """Measure arrivals per hour of the week and the handling time over the last weeks."""
    now = now or timezone.now()
    tz = ZoneInfo(organization.time_zone)
    since = now - timedelta(weeks=weeks)
    rows = Message.objects.filter(conversation__organization=organization,
                                  created_at__gte=since, created_at__lt=now)
    counts = [0] * HOURS_PER_WEEK
    inbound = 0
    for created in rows.filter(direction=Direction.IN, spam=False).values_list(
            "created_at", flat=True).iterator():
        local = created.astimezone(tz)
        counts[local.weekday() * 24 + local.hour] += 1
        inbound += 1
    gaps: list[float] = []
    replies = 0
    previous: dict[int, datetime] = {}
    for member_id, created in rows.filter(direction=Direction.OUT, sent_by__isnull=False
                                          ).order_by("sent_by", "created_at").values_list(
            "sent_by", "created_at").iterator():
        replies += 1
        before = previous.get(member_id)
        if before is not None and created - before <= SESSION_GAP:
            gaps.append((created - before).total_seconds())
        previous[member_id] = created
    reply_s = sum(gaps) / len(gaps) if len(gaps) >= MIN_SAMPLES else DEFAULT_REPLY_S
    # Work per inbound message: a reply's handling time times the replies per message.
    aht_s = reply_s * (replies / inbound) if inbound and replies else reply_s
    return Measured(weeks, [c / weeks for c in counts], inbound, replies, reply_s,
                    len(gaps), max(aht_s, 1.0))


def compute(measured: Measured, what_if: WhatIf) -> StaffingCase:
    """Return the staff needed each hour to meet the target, and the FTE total."""
    case = StaffingCase(measured, what_if)
    aht = measured.aht_s / what_if.concurrency
    for arrivals in measured.arrivals:
        volume = arrivals * what_if.volume
        if volume <= 0:
            case.agents.append(0)
            continue
        result = erlang_c_staffing(arrivals=volume, period_s=3600, aht_s=aht,
                                   target_s=what_if.target_s,
                                   service_level=what_if.service_level,
                                   max_occupancy=what_if.max_occupancy)
        case.agents.append(result.agents)
    case.staff_hours = float(sum(case.agents))
    # People rostered for those hours, paid time not answering included, per contract week.
    case.fte = case.staff_hours / (1 - what_if.shrinkage) / what_if.contract_hours
    case.peak = max(case.agents, default=0)
    return case


def staffing_case(member: Member, what_if: WhatIf | None = None,
                  now: datetime | None = None) -> StaffingCase:
    """Return the organization's staffing case, as the member is allowed to see it."""
    require(member, Action.VIEW_STAFFING, member.organization)
    settings = team_settings(member.organization)
    measured = measure(member.organization, settings.weeks, now)
    return compute(measured, what_if or WhatIf.from_settings(settings))


def fte_label(value: float) -> str:
    """Return an FTE figure rounded up to one decimal (never under-staff in a report).

    Formatted for the active language: "10.5" in English, "10,5" in French.
    """
    return number_format(math.ceil(value * 10 - 1e-9) / 10, 1)
