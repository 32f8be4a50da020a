"""Response-time targets counted in business time, in the organization's time zone.

A target counts only the minutes when the team is open: the weekly opening hours,
minus the holidays. The arithmetic walks the opening intervals day by day, each built
from local wall-clock times and measured in UTC, so a day that loses or gains an hour
when the clocks change (Europe/Paris: last Sunday of March and of October) counts
the real minutes it has. With no opening hours set, every minute is business time.
When no target is set, the public default applies: 24 hours of clock time, because
that is what the public is promised whatever the team's hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialops.inbox.models import Holiday, OpeningHours, ResponseTarget

DEFAULT_TARGET = timedelta(hours=24)
WARN_SHARE = 0.75
# Without a single open minute in this many days the schedule is treated as broken.
MAX_DAYS = 400

Interval = tuple[time, time]


@dataclass(frozen=True)
class BusinessSchedule:
    """Weekly opening intervals (0 = Monday) and holidays, in one time zone."""

    zone: ZoneInfo
    week: dict[int, tuple[Interval, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @property
    def always_open(self) -> bool:
        return not self.week

    def _intervals(self, day: date) -> Iterable[tuple[datetime, datetime]]:
        """Yield the day's opening intervals as UTC datetimes."""
        if day in self.holidays:
            return
        for opens, closes in self.week.get(day.weekday(), ()):
            start = datetime.combine(day, opens, tzinfo=self.zone)
            end_day = day + timedelta(days=1) if closes <= opens else day
            end = datetime.combine(end_day, closes, tzinfo=self.zone)
            # Converting to UTC resolves wall-clock times that do not exist (the hour
            # skipped in March) or exist twice (the hour repeated in October).
            yield start.astimezone(UTC), end.astimezone(UTC)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """Return when `duration` of business time has passed after `start`."""
        if self.always_open:
            # In UTC: adding to a Paris datetime would add wall-clock time, not real time.
            return start.astimezone(UTC) + duration
        left = duration
        cursor = start.astimezone(UTC)
        day = cursor.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(MAX_DAYS):
            for opens, closes in self._intervals(day):
                begin = max(opens, cursor)
                if closes <= begin:
                    continue
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
                cursor = closes
            day += timedelta(days=1)
        raise ValueError("the opening hours leave no business time")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Return the business time between two instants."""
        if self.always_open or end <= start:
            return max(end.astimezone(UTC) - start.astimezone(UTC), timedelta(0))
        total = timedelta(0)
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        while day <= last:
            for opens, closes in self._intervals(day):
                begin, finish = max(opens, start), min(closes, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class ResponsePolicy:
    """The targets and business hours of one organization, loaded once per batch."""

    schedule: BusinessSchedule
    # (channel id or None for every channel, priority) -> minutes
    targets: dict[tuple[int | None, int], int] = field(default_factory=dict)

    def target_for(self, channel_id: int, priority: int) -> int | None:
        """Return the target in minutes for a channel and priority, or None (default)."""
        minutes = self.targets.get((channel_id, priority))
        return minutes if minutes is not None else self.targets.get((None, priority))

    def due(self, start: datetime, channel_id: int, priority: int
            ) -> tuple[datetime, datetime]:
        """Return (warning time, due time) of a response the contact waits for since start."""
        minutes = self.target_for(channel_id, priority)
        if minutes is None:
            start = start.astimezone(UTC)
            return start + DEFAULT_TARGET * WARN_SHARE, start + DEFAULT_TARGET
        target = timedelta(minutes=minutes)
        return (self.schedule.add(start, target * WARN_SHARE),
                self.schedule.add(start, target))


def schedule_for(organization_id: int, time_zone: str) -> BusinessSchedule:
    """Return an organization's business hours and holidays."""
    week: dict[int, list[Interval]] = {}
    for weekday, opens, closes in OpeningHours.objects.filter(
            organization_id=organization_id).values_list("weekday", "opens", "closes"):
        week.setdefault(weekday, []).append((opens, closes))
    holidays = frozenset(
        Holiday.objects.filter(organization_id=organization_id).values_list("day", flat=True)
    )
    return BusinessSchedule(_zone(time_zone), {k: tuple(v) for k, v in week.items()},
                            holidays)


def policy_for(organization_id: int, time_zone: str) -> ResponsePolicy:
    """Load an organization's response-time policy (three small queries)."""
    targets: dict[tuple[int | None, int], int] = {
        (channel_id, priority): minutes
        for channel_id, priority, minutes in ResponseTarget.objects.filter(
            organization_id=organization_id).values_list("channel_id", "priority", "minutes")
    }
    return ResponsePolicy(schedule_for(organization_id, time_zone), targets)
