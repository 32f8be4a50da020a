"""Coverage gaps and single points of failure; workload arithmetic and who may see it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.test import Client

from socialops.core.models import Member, Organization
from socialops.inbox.models import Conversation, Direction, Kind, Message, Sentiment
from socialops.team import workload
from socialops.team.coverage import coverage_map
from socialops.team.models import CoverRole, Profile, Rotation, RotationMember

PARIS = ZoneInfo("Europe/Paris")
WEEK = date(2026, 6, 1)  # a Monday


def rotation(org: Organization, people: list[Member], channels: list[Any],
             **fields: Any) -> Rotation:
    item = Rotation.objects.create(organization=org, name=fields.pop("name", "R"),
                                   starts_on=date(2026, 1, 5), **fields)
    item.channels.set(channels)
    for position, member in enumerate(people):
        RotationMember.objects.create(rotation=item, member=member, position=position)
    return item


def test_gaps_missing_backups_and_single_points_are_counted(
        make_org: Callable[..., Organization], make_member: Callable[..., Member],
        make_channel: Callable[..., Any]) -> None:
    org = make_org()
    ann, bob, viewer = (make_member(org, "responder") for _ in range(3))
    Profile.objects.create(member=ann, languages=["fr", "en"])
    Profile.objects.create(member=bob, languages=["fr"])
    french = make_channel(org, language="fr")
    english = make_channel(org, language="en")
    nobody = make_channel(org, language="fr")
    # French: weekdays 08:00-20:00 primary Ann/Bob, backup Bob/Ann weekdays 09:00-18:00.
    rotation(org, [ann, bob], [french], days=[0, 1, 2, 3, 4], day_start=time(8),
             day_end=time(20))
    rotation(org, [bob, ann], [french], role=CoverRole.BACKUP, days=[0, 1, 2, 3, 4],
             day_start=time(9), day_end=time(18))
    # English: Ann alone, every day, all day.
    rotation(org, [ann], [english])
    result = coverage_map(viewer, WEEK)
    rows = {row.channel.pk: row for row in result.channels}
    assert rows[french.pk].gaps == 168 - 5 * 12
    assert rows[french.pk].no_backup == 5 * 3  # 08-09 and 18-20 each weekday
    assert rows[english.pk].gaps == 0 and rows[english.pk].no_backup == 168
    assert rows[nobody.pk].gaps == 168
    assert result.gap_hours == 108 + 0 + 168
    assert [row.channel.pk for row in result.single_channels] == [english.pk]
    assert list(result.single_languages) == ["en"]
    assert result.single_points == 2


def test_the_coverage_page_shows_gaps(make_org: Callable[..., Organization],
                                      make_member: Callable[..., Member],
                                      make_channel: Callable[..., Any], client: Client) -> None:
    org = make_org()
    viewer = make_member(org, "contributor")
    make_channel(org, display_name="<script>Brand</script>")
    client.force_login(viewer.user)
    response = client.get("/team/coverage/?week=2026-06-01")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="coverage-gaps">168<' in body
    assert "&lt;script&gt;Brand" in body and "<script>Brand" not in body


@pytest.fixture
def people(make_org: Callable[..., Organization],
           make_member: Callable[..., Member]) -> dict[str, Member]:
    org = make_org()
    found = {name: make_member(org, role) for name, role in
             [("boss", "manager"), ("worker", "responder"), ("peer", "responder")]}
    Profile.objects.create(member=found["worker"], manager=found["boss"],
                           time_zone="Europe/Paris", work_start=time(9), work_end=time(17))
    return found


def replies(member: Member, channel: Any, moments: list[datetime], negative: int = 0) -> None:
    conversation = Conversation.objects.create(
        organization=member.organization, channel=channel, kind=Kind.DM,
        thread_key=f"t{moments[0].timestamp()}", first_inbound_at=moments[0],
        last_inbound_at=moments[0])
    for index in range(negative):
        Message.objects.create(conversation=conversation, channel=channel,
                               direction=Direction.IN, text="bad", sentiment=Sentiment.NEGATIVE,
                               created_at=moments[0] - timedelta(minutes=index + 1))
    for moment in moments:
        Message.objects.create(conversation=conversation, channel=channel,
                               direction=Direction.OUT, sent_by=member, text="ok",
                               created_at=moment)


def test_workload_arithmetic_and_the_after_hours_signal(
        people: dict[str, Member], make_channel: Callable[..., Any]) -> None:
    worker = people["worker"]
    channel = make_channel(worker.organization)
    now = datetime(2026, 6, 26, 12, 0, tzinfo=PARIS)  # Friday of the 4th week
    for week in range(4):
        monday = datetime(2026, 6, 1, tzinfo=PARIS) + timedelta(weeks=week)
        # Every evening 19:00-22:00, one reply every 20 minutes: 3 after-hours hours a day.
        for day in range(2 if week == 0 else 3):
            begins = monday + timedelta(days=day, hours=19)
            replies(worker, channel, [begins + timedelta(minutes=20 * i) for i in range(9)],
                    negative=2)
    result = workload.compute(worker, now)
    first, *later = result.weeks
    assert first.messages == 18 and first.after_hours == 6 and first.active_hours == 6
    assert first.longest_stretch_h == pytest.approx(160 / 60)
    assert first.negative == 4
    assert all(w.after_hours == 9 and w.messages == 27 for w in later)
    assert result.weeks[-1].after_hours_share == 1.0
    # Four weeks above 5 after-hours hours: the signal names the streak.
    assert any("4 weeks running" in signal for signal in result.signals)
    assert workload.signals([workload.Week(WEEK, after_hours=6)] * 2) == []


def test_workload_is_visible_to_the_person_and_their_manager_only(
        people: dict[str, Member], client: Client) -> None:
    worker, boss, peer = people["worker"], people["boss"], people["peer"]
    assert workload.workload_for(worker, worker.pk).member == worker
    assert workload.workload_for(boss, worker.pk).member == worker
    with pytest.raises(Http404):
        workload.workload_for(peer, worker.pk)
    client.force_login(peer.user)
    assert client.get(f"/team/workload/?member={worker.pk}").status_code == 404
    assert client.get("/team/workload/").status_code == 200
    client.force_login(boss.user)
    response = client.get(f"/team/workload/?member={worker.pk}")
    assert response.status_code == 200 and worker.display_name in response.content.decode()
