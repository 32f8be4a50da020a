"""Tell the inbox's round robin who is on shift, who is on leave and who speaks what.

Registered with socialops.inbox.services.assignment in TeamConfig.ready() (ADR 0016):
the inbox never imports the team app. One `Roster` is loaded per assignment round, so
the answers cost no query.

A member is on shift for a channel at an instant when they are not on time off and
either hold the turn of a rotation covering the channel (or a follow-the-sun slot of
one, in their own time zone), or are within their working hours (team profile). A
member with no profile and no rotation has told the team app nothing: they count as
on shift, like everyone does when the team app is absent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from socialops.core.models import Organization
from socialops.team.models import RotationKind
from socialops.team.roster import Roster, in_window


class TeamShifts:
    """The team app's view of one instant (implements the inbox's ShiftView)."""

    def __init__(self, organization: Organization, at: datetime) -> None:
        self.at = at
        self.roster = Roster(organization, at, at + timedelta(seconds=1))
        self.in_rotation = {slot.member_id for slots in self.roster.slots.values()
                            for slot in slots}
        self._duty: dict[int, set[int]] = {}

    def _on_duty(self, channel_id: int) -> set[int]:
        if channel_id not in self._duty:
            holders: set[int] = set()
            for rotation in self.roster.rotations:
                if not self.roster.applies(rotation, channel_id):
                    continue
                holder = self.roster.on_duty(rotation, self.at)
                if holder is not None:
                    holders.add(holder.pk)
                if rotation.kind == RotationKind.FOLLOW_THE_SUN:
                    holders |= {s.member_id for s in self.roster.slots[rotation.pk]
                                if in_window(self.at.astimezone(
                                    self.roster.member_zone(s.member_id)),
                                    s.shift_days, s.shift_start, s.shift_end)}
            self._duty[channel_id] = holders
        return self._duty[channel_id]

    def is_away(self, member_id: int) -> bool:
        """Return whether the member is on time off now."""
        return self.roster.is_away(member_id, self.at)

    def on_shift(self, member_id: int, channel_id: int) -> bool:
        """Return whether the member works the channel now."""
        if self.is_away(member_id):
            return False
        if member_id in self._on_duty(channel_id):
            return True
        profile = self.roster.profiles.get(member_id)
        if profile is None:
            return member_id not in self.in_rotation
        local = self.at.astimezone(self.roster.member_zone(member_id))
        return in_window(local, list(profile.work_days), profile.work_start, profile.work_end)

    def languages(self, member_id: int) -> frozenset[str] | None:
        """Return the languages of the member's profile (None: unknown, so any)."""
        profile = self.roster.profiles.get(member_id)
        if profile is None or not profile.languages:
            return None
        return frozenset(str(code).casefold() for code in profile.languages)


def team_shifts(organization: Organization, at: datetime) -> TeamShifts:
    """Return the team's view of an instant (the function registered with the inbox)."""
    return TeamShifts(organization, at)
