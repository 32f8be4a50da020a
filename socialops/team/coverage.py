"""The coverage map: every channel x hour of the week, its gaps and single points of failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import Channel, ChannelStatus
from socialops.team.roster import Roster, week_start

HOURS = 168


@dataclass
class ChannelCoverage:
    """One channel's cover for each hour of the week (Monday 00:00 first, local time)."""

    channel: Channel
    primary: list[Member | None] = field(default_factory=list)
    backup: list[Member | None] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        """Return the hours nobody covers."""
        return sum(1 for person in self.primary if person is None)

    @property
    def no_backup(self) -> int:
        """Return the hours covered by a primary without a backup."""
        return sum(1 for p, b in zip(self.primary, self.backup, strict=True)
                   if p is not None and b is None)

    @property
    def people(self) -> set[int]:
        """Return the ids of everyone who covers the channel at some hour."""
        return {m.pk for m in self.primary + self.backup if m is not None}

    def cells(self) -> list[tuple[int, str, Member | None, Member | None]]:
        """Return (hour, state, primary, backup) per hour: 'gap', 'single' or 'covered'."""
        rows = []
        for hour, (p, b) in enumerate(zip(self.primary, self.backup, strict=True)):
            state = "gap" if p is None else ("single" if b is None else "covered")
            rows.append((hour, state, p, b))
        return rows


@dataclass
class CoverageMap:
    """The whole organization's coverage for one week."""

    week: date
    channels: list[ChannelCoverage]
    single_channels: list[ChannelCoverage]
    single_languages: dict[str, list[Member]]
    uncovered_languages: list[str]

    @property
    def gap_hours(self) -> int:
        """Return channel-hours without anyone on call."""
        return sum(c.gaps for c in self.channels)

    @property
    def no_backup_hours(self) -> int:
        """Return channel-hours with a primary but no backup."""
        return sum(c.no_backup for c in self.channels)

    @property
    def single_points(self) -> int:
        """Return how many channels and languages rest on one person."""
        return len(self.single_channels) + len(self.single_languages)


def hour_instants(week: date, tz: ZoneInfo) -> list[datetime]:
    """Return the 168 instants at the half hour of each local hour of a week."""
    instants = []
    for day in range(7):
        for hour in range(24):
            local = datetime.combine(week + timedelta(days=day), time(hour, 30), tzinfo=tz)
            instants.append(local)
    return instants


def coverage_map(member: Member, week: date | None = None) -> CoverageMap:
    """Return the coverage of every channel not archived for the week (this week by default)."""
    require(member, Action.VIEW_TEAM, member.organization)
    organization = member.organization
    tz = ZoneInfo(organization.time_zone)
    week = week_start(week or timezone.now().astimezone(tz).date())
    instants = hour_instants(week, tz)
    roster = Roster(organization, instants[0] - timedelta(hours=1),
                    instants[-1] + timedelta(hours=1))
    channels = list(Channel.objects.filter(organization=organization).exclude(
        status=ChannelStatus.ARCHIVED).order_by("display_name"))
    rows = []
    for channel in channels:
        row = ChannelCoverage(channel)
        for at in instants:
            cover = roster.cover(channel.pk, at)
            row.primary.append(cover.primary)
            row.backup.append(cover.backup)
        rows.append(row)
    single = [row for row in rows if len(row.people) == 1]
    # Languages: who, among the people covering channels in that language, speaks it.
    speakers: dict[str, dict[int, Member]] = {}
    for row in rows:
        language = (row.channel.language or "").split("-")[0].lower()
        if not language:
            continue
        people = speakers.setdefault(language, {})
        for person in row.primary + row.backup:
            profile = roster.profiles.get(person.pk) if person else None
            if person is not None and profile is not None and language in profile.languages:
                people[person.pk] = person
    single_languages = {lang: list(people.values()) for lang, people in sorted(speakers.items())
                        if len(people) == 1}
    uncovered = sorted(lang for lang, people in speakers.items() if not people)
    return CoverageMap(week, rows, single, single_languages, uncovered)
