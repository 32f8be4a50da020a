"""Who is on call: weekly handovers and follow-the-sun shifts across DST and time zones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from socialops.core.models import Member, Organization
from socialops.team.models import (
    CoverRole,
    Override,
    Profile,
    Rotation,
    RotationKind,
    RotationMember,
    TimeOff,
)
from socialops.team.roster import Roster, in_window

PARIS = ZoneInfo("Europe/Paris")
MONTREAL = ZoneInfo("America/Montreal")
UTC = ZoneInfo("UTC")


def rotation(org: Organization, people: list[Member], **fields: Any) -> Rotation:
    item = Rotation.objects.create(organization=org, name=fields.pop("name", "On call"),
                                   **fields)
    for position, member in enumerate(people):
        RotationMember.objects.create(rotation=item, member=member, position=position)
    return item


@pytest.fixture
def team(make_org: Callable[..., Organization],
         make_member: Callable[..., Member]) -> tuple[Organization, list[Member]]:
    org = make_org()
    return org, [make_member(org, "responder") for _ in range(3)]


def holder(org: Organization, at: datetime, channel_id: int | None = None) -> Member | None:
    return Roster(org).cover(channel_id, at).primary


def test_weekly_handover_stays_at_nine_local_across_the_autumn_dst_change(team: Any) -> None:
    org, (ann, bob, _cid) = team
    # Handover every Monday... here every Sunday 09:00 Paris; 2026-10-25 is the DST end.
    rotation(org, [ann, bob], starts_on=date(2026, 10, 18), handoff_time=time(9),
             time_zone="Europe/Paris")
    before = datetime(2026, 10, 25, 8, 59, tzinfo=PARIS)
    after = datetime(2026, 10, 25, 9, 0, tzinfo=PARIS)
    assert holder(org, before) == ann
    assert holder(org, after) == bob
    # 09:00 Paris is 07:00 UTC before the change and 08:00 UTC after it.
    assert holder(org, datetime(2026, 10, 25, 7, 30, tzinfo=UTC)) == ann
    assert holder(org, datetime(2026, 10, 25, 8, 0, tzinfo=UTC)) == bob


def test_weekly_handover_across_the_spring_dst_change(team: Any) -> None:
    org, (ann, bob, cid) = team
    rotation(org, [ann, bob, cid], starts_on=date(2026, 3, 22), handoff_time=time(9),
             time_zone="Europe/Paris")
    # 2026-03-29 02:00 Paris jumps to 03:00; the handover at 09:00 is 07:00 UTC.
    assert holder(org, datetime(2026, 3, 29, 6, 59, tzinfo=UTC)) == ann
    assert holder(org, datetime(2026, 3, 29, 7, 0, tzinfo=UTC)) == bob
    assert holder(org, datetime(2026, 4, 5, 7, 0, tzinfo=UTC)) == cid
    assert holder(org, datetime(2026, 4, 12, 7, 0, tzinfo=UTC)) == ann


def test_follow_the_sun_shifts_run_in_each_persons_time_zone(team: Any) -> None:
    org, (paris, montreal, _cid) = team
    Profile.objects.create(member=paris, time_zone="Europe/Paris")
    Profile.objects.create(member=montreal, time_zone="America/Montreal")
    item = rotation(org, [paris, montreal], kind=RotationKind.FOLLOW_THE_SUN,
                    starts_on=date(2026, 1, 1))
    item.slots.update(shift_start=time(9), shift_end=time(17), shift_days=[0, 1, 2, 3, 4])
    item.slots.filter(member=paris).update(shift_end=time(13))
    # Wednesday 2026-10-28: Paris already on winter time, Montreal not yet (5 h apart).
    assert holder(org, datetime(2026, 10, 28, 9, 0, tzinfo=PARIS)) == paris
    assert holder(org, datetime(2026, 10, 28, 9, 0, tzinfo=MONTREAL)) == montreal
    assert holder(org, datetime(2026, 10, 28, 8, 30, tzinfo=MONTREAL)) is None  # 13:30 Paris
    # After Montreal's change (2026-11-01) they are 6 h apart: 09:00 Montreal = 15:00 Paris.
    assert holder(org, datetime(2026, 11, 4, 14, 30, tzinfo=PARIS)) is None
    assert holder(org, datetime(2026, 11, 4, 15, 0, tzinfo=PARIS)) == montreal
    assert holder(org, datetime(2026, 11, 4, 12, 30, tzinfo=PARIS)) == paris
    assert holder(org, datetime(2026, 11, 4, 17, 0, tzinfo=MONTREAL)) is None
    # Saturday: nobody.
    assert holder(org, datetime(2026, 11, 7, 12, 0, tzinfo=PARIS)) is None


def test_time_off_passes_the_turn_and_an_override_takes_it(team: Any) -> None:
    org, (ann, bob, cid) = team
    item = rotation(org, [ann, bob, cid], starts_on=date(2026, 6, 1), time_zone="Europe/Paris")
    at = datetime(2026, 6, 3, 12, 0, tzinfo=PARIS)
    assert holder(org, at) == ann
    TimeOff.objects.create(member=ann, starts_at=at - timedelta(days=1),
                           ends_at=at + timedelta(days=1))
    assert holder(org, at) == bob
    Override.objects.create(rotation=item, member=cid, starts_at=at - timedelta(hours=1),
                            ends_at=at + timedelta(hours=1))
    assert holder(org, at) == cid
    assert holder(org, at + timedelta(hours=2)) == bob


def test_backup_rotation_channels_and_manager_fallback(
        team: Any, make_channel: Callable[..., Any], make_member: Callable[..., Member]) -> None:
    org, (ann, bob, _cid) = team
    boss = make_member(org, "manager")
    Profile.objects.create(member=ann, manager=boss)
    channel, other = make_channel(org), make_channel(org)
    primary = rotation(org, [ann], starts_on=date(2026, 1, 5), name="Primary")
    primary.channels.set([channel])
    rotation(org, [bob], starts_on=date(2026, 1, 5), role=CoverRole.BACKUP, name="Backup")
    at = datetime(2026, 2, 2, 10, tzinfo=PARIS)
    cover = Roster(org).cover(channel.pk, at)
    assert (cover.primary, cover.backup, cover.manager) == (ann, bob, boss)
    elsewhere = Roster(org).cover(other.pk, at)
    assert elsewhere.primary is None
    assert elsewhere.backup == bob


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 6, 1, 21, 30, tzinfo=PARIS), True),   # Monday evening, in the window
    (datetime(2026, 6, 2, 5, 30, tzinfo=PARIS), True),    # Tuesday early: the Monday night window
    (datetime(2026, 6, 2, 6, 30, tzinfo=PARIS), False),   # after the end
    (datetime(2026, 6, 6, 23, 0, tzinfo=PARIS), False),   # Saturday night: not a listed day
    (datetime(2026, 6, 8, 3, 0, tzinfo=PARIS), False),    # Monday early: Sunday's night, not listed
])
def test_overnight_windows_belong_to_the_day_they_start(moment: datetime,
                                                        expected: bool) -> None:
    assert in_window(moment, [0, 1, 2, 3, 4], time(20), time(6)) is expected
