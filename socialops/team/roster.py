"""Decide who is on call for a channel at an instant: primary, backup, manager fallback.

Times are resolved on local wall clocks: a weekly rotation hands over at its
handover time in its own time zone (09:00 stays 09:00 across daylight saving
changes), and a follow-the-sun shift runs in the member's own time zone. A
`Roster` loads an organization's rotations once, so the coverage map can ask for
thousands of instants without a query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialops.core.models import Member, Organization, Role
from socialops.team.models import (
    CoverRole,
    Override,
    Profile,
    Rotation,
    RotationKind,
    RotationMember,
    TimeOff,
)


@dataclass(frozen=True)
class Cover:
    """Who answers for a channel at an instant (None when nobody)."""

    primary: Member | None
    backup: Member | None
    manager: Member | None


def in_window(local: datetime, days: list[int], start: time, end: time) -> bool:
    """Return whether a local time falls in a daily window on the given weekdays.

    start == end means the whole day; end before start runs past midnight and
    belongs to the day it started.
    """
    moment = local.time().replace(tzinfo=None)
    if start == end:
        return local.weekday() in days
    if start < end:
        return local.weekday() in days and start <= moment < end
    if moment >= start:
        return local.weekday() in days
    return moment < end and (local.weekday() - 1) % 7 in days


def turn_index(rotation: Rotation, local: datetime) -> int:
    """Return how many handovers a weekly rotation has had by a local wall-clock time."""
    first = datetime.combine(rotation.starts_on, rotation.handoff_time)
    elapsed = local.replace(tzinfo=None) - first
    return elapsed // timedelta(days=rotation.period_days)


class Roster:
    """An organization's rotations, overrides, time off and profiles, loaded once."""

    def __init__(self, organization: Organization, start: datetime | None = None,
                 end: datetime | None = None) -> None:
        self.organization = organization
        self.rotations = list(Rotation.objects.filter(organization=organization)
                              .prefetch_related("channels"))
        self.channels = {r.pk: {c.pk for c in r.channels.all()} for r in self.rotations}
        self.slots: dict[int, list[RotationMember]] = {r.pk: [] for r in self.rotations}
        for slot in RotationMember.objects.filter(rotation__organization=organization,
                                                  member__is_active=True).select_related(
                "member__user"):
            self.slots[slot.rotation_id].append(slot)
        overrides = Override.objects.filter(rotation__organization=organization
                                            ).select_related("member__user")
        away = TimeOff.objects.filter(member__organization=organization)
        if start is not None and end is not None:
            overrides = overrides.filter(ends_at__gt=start, starts_at__lt=end)
            away = away.filter(ends_at__gt=start, starts_at__lt=end)
        self.overrides = list(overrides)
        self.away = list(away)
        self.profiles = {p.member_id: p for p in Profile.objects.filter(
            member__organization=organization).select_related("manager__user")}
        self.fallback_manager = (Member.objects.filter(
            organization=organization, is_active=True, role__in=[Role.MANAGER, Role.OWNER])
            .select_related("user").order_by("role", "pk").first())
        self.zones: dict[str, ZoneInfo] = {}

    def zone(self, name: str) -> ZoneInfo:
        """Return a time zone, cached."""
        if name not in self.zones:
            self.zones[name] = ZoneInfo(name)
        return self.zones[name]

    def is_away(self, member_id: int, at: datetime) -> bool:
        """Return whether the member is on time off at the instant."""
        return any(t.member_id == member_id and t.starts_at <= at < t.ends_at for t in self.away)

    def applies(self, rotation: Rotation, channel_id: int | None) -> bool:
        """Return whether a rotation covers the channel (no channel listed: all of them)."""
        listed = self.channels[rotation.pk]
        return not listed or channel_id is None or channel_id in listed

    def on_duty(self, rotation: Rotation, at: datetime) -> Member | None:
        """Return who holds the rotation's turn at an instant, or None."""
        for override in self.overrides:
            if override.rotation_id == rotation.pk and override.starts_at <= at < override.ends_at:
                return override.member
        slots = self.slots[rotation.pk]
        if not slots:
            return None
        if rotation.kind == RotationKind.FOLLOW_THE_SUN:
            for slot in slots:
                tz = self.member_zone(slot.member_id)
                if (in_window(at.astimezone(tz), slot.shift_days, slot.shift_start,
                              slot.shift_end) and not self.is_away(slot.member_id, at)):
                    return slot.member
            return None
        local = at.astimezone(self.zone(rotation.time_zone))
        if not in_window(local, rotation.days, rotation.day_start, rotation.day_end):
            return None
        first = turn_index(rotation, local) % len(slots)
        # Someone on leave passes the turn to the next person in the rotation.
        for step in range(len(slots)):
            slot = slots[(first + step) % len(slots)]
            if not self.is_away(slot.member_id, at):
                return slot.member
        return None

    def member_zone(self, member_id: int) -> ZoneInfo:
        """Return the member's time zone (the organization's when they have no profile)."""
        profile = self.profiles.get(member_id)
        return self.zone(profile.time_zone if profile else self.organization.time_zone)

    def manager_of(self, member: Member | None) -> Member | None:
        """Return the member's manager, or the organization's first manager or owner."""
        profile = self.profiles.get(member.pk) if member else None
        if profile is not None and profile.manager is not None and profile.manager.is_active:
            return profile.manager
        return self.fallback_manager

    def cover(self, channel_id: int | None, at: datetime) -> Cover:
        """Return primary, backup and manager for a channel at an instant."""
        found: dict[str, Member | None] = {CoverRole.PRIMARY: None, CoverRole.BACKUP: None}
        for rotation in self.rotations:
            if found[rotation.role] is None and self.applies(rotation, channel_id):
                found[rotation.role] = self.on_duty(rotation, at)
        primary, backup = found[CoverRole.PRIMARY], found[CoverRole.BACKUP]
        if backup is not None and primary is not None and backup.pk == primary.pk:
            backup = None
        return Cover(primary, backup, self.manager_of(primary or backup))

    def shifts(self, member: Member, start: datetime, end: datetime,
               step: timedelta = timedelta(minutes=30)) -> list[tuple[datetime, datetime, str]]:
        """Return the member's on-call stretches between two instants, with the rotation name."""
        stretches: list[tuple[datetime, datetime, str]] = []
        for rotation in self.rotations:
            current: datetime | None = None
            at = start
            while at < end:
                holder = self.on_duty(rotation, at)
                mine = holder is not None and holder.pk == member.pk
                if mine and current is None:
                    current = at
                elif not mine and current is not None:
                    stretches.append((current, at, rotation.name))
                    current = None
                at += step
            if current is not None:
                stretches.append((current, end, rotation.name))
        return sorted(stretches)


def week_start(day: date) -> date:
    """Return the Monday of the week of a day."""
    return day - timedelta(days=day.weekday())
