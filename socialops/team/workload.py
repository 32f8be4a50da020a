"""Workload per person and week, and burnout signals with documented thresholds.

Visible to the person and to their manager (Profile.manager) only: `visible_members`
is the single check, and the page asks it for every member it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core.models import AuditEvent, Member
from socialops.core.permissions import Action, require
from socialops.inbox.models import Direction, Message, Sentiment
from socialops.team.models import Profile
from socialops.team.roster import Roster, in_window, week_start

WEEKS = 4
# Two actions less than this apart belong to one continuous stretch of work.
STRETCH_GAP = timedelta(minutes=30)
# Burnout thresholds (docs/team.md explains why these values).
AFTER_HOURS_HOURS = 5  # active hours outside one's own working hours, per week ...
AFTER_HOURS_WEEKS = 3  # ... for this many weeks running
LONG_STRETCH_HOURS = 10  # longest continuous stretch in a week
ON_CALL_DAYS = 10  # consecutive days on call
NEGATIVE_MESSAGES = 40  # negative messages read in conversations one answered, per week
APPROVAL_ACTIONS = ("post.approve", "post.reject", "post.request_changes")
PUBLISH_ACTIONS = ("post.schedule",)


@dataclass
class Week:
    """One person's figures for one week (Monday in their own time zone)."""

    start: date
    messages: int = 0
    posts: int = 0
    approvals: int = 0
    incidents: int = 0
    active_hours: int = 0
    after_hours: int = 0
    longest_stretch_h: float = 0.0
    on_call_run: int = 0
    negative: int = 0

    @property
    def after_hours_share(self) -> float:
        """Return the share of active hours outside the person's working hours."""
        return self.after_hours / self.active_hours if self.active_hours else 0.0


@dataclass
class Workload:
    """A person's recent weeks and the burnout signals they raise."""

    member: Member
    weeks: list[Week]
    signals: list[str] = field(default_factory=list)


def visible_members(viewer: Member) -> list[Member]:
    """Return the members whose workload the viewer may see: themselves and their reports."""
    require(viewer, Action.VIEW_TEAM, viewer.organization)
    reports = Member.objects.filter(organization=viewer.organization, is_active=True,
                                    team_profile__manager=viewer).select_related("user")
    return [viewer, *[m for m in reports if m.pk != viewer.pk]]


def workload_for(viewer: Member, member_id: int, now: datetime | None = None) -> Workload:
    """Return a member's workload if the viewer is that member or their manager, else 404."""
    allowed = {m.pk: m for m in visible_members(viewer)}
    if member_id not in allowed:
        raise Http404
    return compute(allowed[member_id], now)


def _profile(member: Member) -> Profile:
    return Profile.objects.filter(member=member).first() or Profile(member=member)


def _stretches(moments: list[datetime]) -> list[tuple[datetime, datetime]]:
    stretches: list[tuple[datetime, datetime]] = []
    for moment in sorted(moments):
        if stretches and moment - stretches[-1][1] <= STRETCH_GAP:
            stretches[-1] = (stretches[-1][0], moment)
        else:
            stretches.append((moment, moment))
    return stretches


def compute(member: Member, now: datetime | None = None, weeks: int = WEEKS) -> Workload:
    """Return the member's last weeks (this one included) and their signals."""
    now = now or timezone.now()
    profile = _profile(member)
    tz = ZoneInfo(profile.time_zone)
    first = week_start(now.astimezone(tz).date()) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, time(0), tzinfo=tz)
    rows = [Week(first + timedelta(weeks=i)) for i in range(weeks)]

    def row(moment: datetime) -> Week | None:
        index = (moment.astimezone(tz).date() - first).days // 7
        return rows[index] if 0 <= index < weeks else None

    replies = list(Message.objects.filter(direction=Direction.OUT, sent_by=member,
                                          created_at__gte=since, created_at__lte=now)
                   .values_list("created_at", "conversation_id"))
    events = list(AuditEvent.objects.filter(organization=member.organization,
                                            actor=member.user, created_at__gte=since,
                                            created_at__lte=now)
                  .values_list("created_at", "action"))
    moments = [created for created, _conv in replies] + [created for created, _a in events]
    for created, _conv in replies:
        if (week := row(created)) is not None:
            week.messages += 1
    for created, action in events:
        week = row(created)
        if week is None:
            continue
        week.posts += action in PUBLISH_ACTIONS
        week.approvals += action in APPROVAL_ACTIONS
        week.incidents += action.startswith("incident.")
    # Active hours: distinct local clock hours with any action.
    hours: set[datetime] = {m.astimezone(tz).replace(minute=0, second=0, microsecond=0)
                            for m in moments}
    for hour in hours:
        if (week := row(hour)) is not None:
            week.active_hours += 1
            if not in_window(hour.replace(minute=30), profile.work_days, profile.work_start,
                             profile.work_end):
                week.after_hours += 1
    for begins, ends in _stretches(moments):
        if (week := row(begins)) is not None:
            week.longest_stretch_h = max(week.longest_stretch_h,
                                         (ends - begins).total_seconds() / 3600)
    # Negative messages received in the conversations the person answered that week.
    by_week: dict[int, set[int]] = {}
    for created, conversation_id in replies:
        index = (created.astimezone(tz).date() - first).days // 7
        by_week.setdefault(index, set()).add(conversation_id)
    for index, conversations in by_week.items():
        if not 0 <= index < weeks:
            continue
        begins = datetime.combine(rows[index].start, time(0), tzinfo=tz)
        rows[index].negative = Message.objects.filter(
            Q(sentiment=Sentiment.NEGATIVE) | Q(urgent=True), direction=Direction.IN,
            conversation_id__in=conversations, created_at__gte=begins,
            created_at__lt=begins + timedelta(weeks=1)).count()
    _on_call_runs(member, rows, tz, now)
    return Workload(member, rows, signals(rows))


def _on_call_runs(member: Member, rows: list[Week], tz: ZoneInfo, now: datetime) -> None:
    """Set, for each week, the longest run of consecutive days on call reaching into it."""
    begins = datetime.combine(rows[0].start, time(0), tzinfo=tz)
    roster = Roster(member.organization, begins, now)
    run = 0
    day = rows[0].start
    while day <= now.astimezone(tz).date():
        instants = [datetime.combine(day, time(hour, 30), tzinfo=tz) for hour in range(0, 24, 3)]
        on_call = any((cover := roster.on_duty(rotation, at)) is not None
                      and cover.pk == member.pk
                      for rotation in roster.rotations for at in instants)
        run = run + 1 if on_call else 0
        week = rows[min((day - rows[0].start).days // 7, len(rows) - 1)]
        week.on_call_run = max(week.on_call_run, run)
        day += timedelta(days=1)


def signals(rows: list[Week]) -> list[str]:
    """Return the burnout signals the weeks raise, as sentences for the person."""
    found: list[str] = []
    streak = 0
    for week in rows:
        streak = streak + 1 if week.after_hours > AFTER_HOURS_HOURS else 0
    if streak >= AFTER_HOURS_WEEKS:
        found.append(_("More than %(hours)s after-hours active hours for %(weeks)s weeks "
                       "running.") % {"hours": AFTER_HOURS_HOURS, "weeks": streak})
    latest = rows[-1]
    if any(w.longest_stretch_h > LONG_STRETCH_HOURS for w in rows[-2:]):
        found.append(_("A stretch of more than %(hours)s hours without a 30-minute break.")
                     % {"hours": LONG_STRETCH_HOURS})
    if max(w.on_call_run for w in rows) >= ON_CALL_DAYS:
        found.append(_("%(days)s or more consecutive days on call.") % {"days": ON_CALL_DAYS})
    if latest.negative > NEGATIVE_MESSAGES:
        found.append(_("More than %(count)s negative or urgent messages read this week.")
                     % {"count": NEGATIVE_MESSAGES})
    return found
