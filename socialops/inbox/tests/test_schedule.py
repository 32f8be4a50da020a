"""Response-time targets in business time: DST in Paris, holidays, defaults, the queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Priority
from socialops.inbox.services import ingest, targets
from socialops.inbox.services.schedule import (
    DEFAULT_TARGET,
    BusinessSchedule,
    ResponsePolicy,
    policy_for,
)

PARIS = ZoneInfo("Europe/Paris")
Week = dict[int, tuple[tuple[time, time], ...]]
EVERY_DAY_8_20: Week = {day: ((time(8), time(20)),) for day in range(7)}
ROUND_THE_CLOCK: Week = {day: ((time(0), time(0)),) for day in range(7)}


def wall(moment: datetime) -> tuple[int, int, int, int]:
    """Return (month, day, hour, minute) on a Paris wall clock."""
    local = moment.astimezone(PARIS)
    return local.month, local.day, local.hour, local.minute


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def test_without_opening_hours_every_minute_counts() -> None:
    schedule = BusinessSchedule(PARIS)
    start = paris(2026, 3, 29, 1, 30)  # 30 minutes before the clocks jump to 03:00
    due = schedule.add(start, timedelta(hours=1))
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert wall(due) == (3, 29, 3, 30)


def test_a_day_open_around_the_clock_has_23_hours_in_march() -> None:
    schedule = BusinessSchedule(PARIS, ROUND_THE_CLOCK)
    start = paris(2026, 3, 28, 12, 0)  # Saturday noon, UTC+1
    due = schedule.add(start, timedelta(hours=24))
    # 24 real hours later; on the wall clock it is 13:00, because an hour vanished.
    assert due == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
    assert wall(due) == (3, 29, 13, 0)
    assert schedule.elapsed(paris(2026, 3, 29, 0, 0), paris(2026, 3, 30, 0, 0)) == timedelta(
        hours=23)


def test_a_day_open_around_the_clock_has_25_hours_in_october() -> None:
    schedule = BusinessSchedule(PARIS, ROUND_THE_CLOCK)
    assert schedule.elapsed(paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0)) == timedelta(
        hours=25)
    due = schedule.add(paris(2026, 10, 24, 12, 0), timedelta(hours=24))
    assert wall(due) == (10, 25, 11, 0)


def test_the_target_pauses_overnight_across_the_march_change() -> None:
    schedule = BusinessSchedule(PARIS, EVERY_DAY_8_20)
    start = paris(2026, 3, 28, 19, 0)  # Saturday 19:00 CET: one business hour left today
    due = schedule.add(start, timedelta(hours=2))
    # Sunday opens at 08:00 CEST (06:00 UTC, not 07:00): one more hour gives 09:00 local.
    assert due == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert due.astimezone(PARIS).hour == 9
    assert schedule.elapsed(start, due) == timedelta(hours=2)


def test_the_target_pauses_overnight_across_the_october_change() -> None:
    schedule = BusinessSchedule(PARIS, EVERY_DAY_8_20)
    start = paris(2026, 10, 24, 19, 30)  # Saturday 19:30 CEST
    due = schedule.add(start, timedelta(hours=1))
    # Sunday opens at 08:00 CET = 07:00 UTC (it was 06:00 UTC the day before).
    assert due == datetime(2026, 10, 25, 7, 30, tzinfo=UTC)
    assert wall(due) == (10, 25, 8, 30)


def test_a_message_at_night_waits_for_the_opening() -> None:
    weekdays: Week = {day: ((time(9), time(18)),) for day in range(5)}
    schedule = BusinessSchedule(PARIS, weekdays)
    friday_evening = paris(2026, 3, 27, 21, 0)
    due = schedule.add(friday_evening, timedelta(minutes=30))
    assert wall(due) == (3, 30, 9, 30)


def test_holidays_are_skipped() -> None:
    weekdays: Week = {day: ((time(9), time(18)),) for day in range(5)}
    schedule = BusinessSchedule(PARIS, weekdays, frozenset({date(2026, 4, 6)}))  # Easter Monday
    due = schedule.add(paris(2026, 4, 3, 17, 0), timedelta(hours=2))
    assert wall(due) == (4, 7, 10, 0)


def test_policy_falls_back_from_channel_to_organization_to_the_public_default() -> None:
    schedule = BusinessSchedule(PARIS)
    policy = ResponsePolicy(schedule, {(7, Priority.URGENT): 30, (None, Priority.URGENT): 60,
                                       (None, Priority.HIGH): 120})
    start = paris(2026, 5, 4, 10, 0).astimezone(UTC)
    assert policy.due(start, 7, Priority.URGENT) == (
        start + timedelta(minutes=22.5), start + timedelta(minutes=30))
    assert policy.due(start, 8, Priority.URGENT)[1] == start + timedelta(minutes=60)
    assert policy.due(start, 7, Priority.HIGH)[1] == start + timedelta(minutes=120)
    # Nothing set for normal: 24 hours of clock time, whatever the opening hours.
    closed_at_night = ResponsePolicy(BusinessSchedule(PARIS, EVERY_DAY_8_20))
    assert closed_at_night.due(start, 7, Priority.NORMAL) == (
        start + DEFAULT_TARGET * 0.75, start + DEFAULT_TARGET)


@pytest.mark.django_db
def test_ingest_starts_the_clock_with_the_channel_target(
        channel: Channel, make_item: Callable[..., Any],
        make_member: Callable[..., Member]) -> None:
    manager = make_member(channel.organization, "manager")
    actor = Actor.system("test")
    targets.set_target(manager, None, Priority.URGENT, 60, actor)
    targets.set_target(manager, channel, Priority.HIGH, 120, actor)
    targets.set_opening_hours(manager, {day: (time(9), time(18)) for day in range(7)}, actor)
    ingest(channel, [
        make_item("Nice shop", thread_key="post:a", parent="a", post="a", minutes=60 * 9),
        make_item("This is really terrible and awful service", thread_key="post:b",
                  parent="b", post="b", minutes=60 * 9),
        make_item("My lawyer will hear about this", thread_key="post:c", parent="c",
                  post="c", minutes=60 * 9),
    ])
    # T0 is 2026-03-02 09:00 UTC (10:00 in Paris); the messages came 9 hours later.
    arrived = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    rows = {c.thread_key.split("/")[0]: c for c in Conversation.objects.all()}
    normal, negative, legal = rows["post:a"], rows["post:b"], rows["post:c"]
    assert normal.response_due_at == arrived + timedelta(hours=24)
    assert negative.priority == Priority.HIGH and legal.priority == Priority.URGENT
    # 19:00 Paris is after closing time: the clock starts at 09:00 the next day.
    next_opening = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert negative.response_due_at == next_opening + timedelta(hours=2)
    assert negative.response_warn_at == next_opening + timedelta(minutes=90)
    assert legal.response_due_at == next_opening + timedelta(hours=1)
    assert legal.first_response_due_at == legal.response_due_at


@pytest.mark.django_db
def test_an_urgent_message_brings_the_due_time_forward(
        channel: Channel, make_item: Callable[..., Any],
        make_member: Callable[..., Member]) -> None:
    targets.set_target(make_member(channel.organization, "manager"), None, Priority.URGENT,
                       60, Actor.system("test"))
    ingest(channel, [make_item("Hello", kind="dm", thread_key="dm:x", parent=None, post=None,
                               minutes=10)])
    ingest(channel, [make_item("I will sue you", kind="dm", thread_key="dm:x", parent=None,
                               post=None, minutes=20)])
    conversation = Conversation.objects.get()
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert conversation.response_due_at == t0 + timedelta(minutes=80)


@pytest.mark.django_db
def test_policy_is_loaded_in_three_queries(channel: Channel,
                                           django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(3):
        policy_for(channel.organization_id, "Europe/Paris")


@pytest.mark.django_db
def test_the_queue_marks_warnings_and_breaches(
        channel: Channel, make_item: Callable[..., Any], make_member: Callable[..., Member],
        client: Any) -> None:
    ingest(channel, [make_item("Late one", thread_key="post:l", parent="l", post="l"),
                     make_item("Soon one", thread_key="post:s", parent="s", post="s"),
                     make_item("Fresh one", thread_key="post:f", parent="f", post="f")])
    now = timezone.now()
    rows = {c.excerpt: c for c in Conversation.objects.all()}
    Conversation.objects.filter(pk=rows["Late one"].pk).update(
        response_warn_at=now - timedelta(hours=2), response_due_at=now - timedelta(hours=1))
    Conversation.objects.filter(pk=rows["Soon one"].pk).update(
        response_warn_at=now - timedelta(minutes=5), response_due_at=now + timedelta(hours=5))
    Conversation.objects.filter(pk=rows["Fresh one"].pk).update(
        response_warn_at=now + timedelta(hours=10), response_due_at=now + timedelta(hours=12))
    client.force_login(make_member(channel.organization, "responder").user)
    html = client.get("/inbox/").content.decode()
    assert html.count('data-breached="true"') == 1 and html.count('data-warning="true"') == 1
    overdue = client.get("/inbox/?queue=overdue").content.decode()
    assert "Late one" in overdue and "Soon one" not in overdue
