"""Automatic assignment: round robin, caps, shifts, languages, grants, going away."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.core.services import create_token
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel
from socialops.inbox import tasks
from socialops.inbox.models import Conversation, Status
from socialops.inbox.rule_models import Availability
from socialops.inbox.services import assignment, close, ingest
from socialops.inbox.services.assignment import auto_assign, update_settings
from socialops.inbox.services.availability import set_availability
from socialops.team.inbox_shifts import team_shifts
from socialops.team.models import Profile, Rotation, RotationMember, TimeOff

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")
SUNDAY_NIGHT = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)  # 04:00 in Paris, a Sunday
MONDAY_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Paris


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org()


@pytest.fixture
def manager(org: Organization, make_member: Callable[..., Member]) -> Member:
    return make_member(org, "manager")


@pytest.fixture
def channel(org: Organization, make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(org)


@pytest.fixture
def no_shift_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run without the team app's provider: everyone available is on shift."""
    monkeypatch.setattr(assignment, "_provider", [])


def _enable(manager: Member, cap: int = 25, **flags: bool) -> None:
    update_settings(manager, auto_assign=True, max_open=cap,
                    respect_shifts=flags.get("shifts", True),
                    respect_languages=flags.get("languages", True), actor=ACTOR)


def _available(*people: Member) -> None:
    for person in people:
        set_availability(person, person, "available", ACTOR)


def _open(channel: Channel, make_item: Callable[..., InboundItem], n: int,
          prefix: str = "c", language: str | None = None) -> list[Conversation]:
    text = ("Hello, question {} about my order" if language == "en"
            else "Bonjour, question {} sur ma commande")
    ingest(channel, [make_item(text.format(i), author=f"{prefix}{i}",
                               kind="dm", thread_key=f"dm:{prefix}{i}", parent=None, post=None,
                               language=language, minutes=i + 1) for i in range(n)])
    return list(Conversation.objects.filter(thread_key__startswith=f"dm:{prefix}")
                .order_by("first_inbound_at"))


def _load() -> Counter[int | None]:
    return Counter(Conversation.objects.filter(status=Status.OPEN).values_list(
        "assignee_id", flat=True))


def test_round_robin_spreads_evenly_and_ties_go_to_who_waited_longest(
        org: Organization, manager: Member, channel: Channel, no_shift_provider: None,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    first, second, third = (make_member(org, "responder") for _ in range(3))
    _available(first, second, third)
    _enable(manager)
    _open(channel, make_item, 6)
    assert _load() == {first.pk: 2, second.pk: 2, third.pk: 2}
    # Everyone holds two: the next one goes to whoever was given one least recently.
    _open(channel, make_item, 1, prefix="late")
    assert Conversation.objects.get(thread_key="dm:late0").assignee_id == first.pk
    event = AuditEvent.objects.filter(action="inbox.auto_assign").order_by("seq").first()
    assert event is not None and event.after == {
        "assigned": 6, "waiting": 0,
        "people": {str(first.pk): 2, str(second.pk): 2, str(third.pk): 2}}


def test_the_cap_leaves_conversations_waiting_until_someone_has_room(
        org: Organization, manager: Member, channel: Channel, no_shift_provider: None,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    first, second = make_member(org, "responder"), make_member(org, "responder")
    _available(first, second)
    _enable(manager, cap=2)
    conversations = _open(channel, make_item, 5)
    assert _load() == {first.pk: 2, second.pk: 2, None: 1}
    client = Client()
    client.force_login(manager.user)
    unassigned = client.get("/inbox/?queue=unassigned").content.decode()
    waiting = Conversation.objects.get(assignee__isnull=True)
    assert f"/inbox/{waiting.pk}/" in unassigned
    mine = next(c for c in conversations if c.pk != waiting.pk)
    mine.refresh_from_db()
    close(mine, manager, ACTOR)
    assert tasks.assign_waiting_conversations() == 1
    waiting.refresh_from_db()
    assert waiting.assignee_id == mine.assignee_id


def test_urgent_conversations_are_assigned_first(
        org: Organization, manager: Member, channel: Channel, no_shift_provider: None,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    person = make_member(org, "responder")
    _available(person)
    _older, newer = _open(channel, make_item, 2)
    Conversation.objects.filter(pk=newer.pk).update(urgent=True)
    _enable(manager, cap=1)
    auto_assign(org, list(Conversation.objects.order_by("pk")))
    assert Conversation.objects.get(assignee=person).pk == newer.pk


def test_only_available_people_who_may_answer_on_the_channel_are_picked(
        org: Organization, manager: Member, channel: Channel, no_shift_provider: None,
        make_member: Callable[..., Member], make_channel: Callable[..., Channel],
        make_item: Callable[..., InboundItem]) -> None:
    answerer = make_member(org, "responder")
    away, offline = make_member(org, "responder"), make_member(org, "responder")
    elsewhere = make_member(org, "responder")
    set_grant(elsewhere, make_channel(org), "only", ["inbox.respond"], ACTOR)
    analyst = make_member(org, "analyst")
    _available(answerer, away, elsewhere)
    set_availability(away, away, "away", ACTOR)
    Availability.objects.create(organization=org, member=analyst, status="available")
    assert offline.pk not in Availability.objects.values_list("member_id", flat=True)
    _enable(manager)
    _open(channel, make_item, 4)
    assert _load() == {answerer.pk: 4}


def test_languages_come_from_team_profiles(
        org: Organization, manager: Member, channel: Channel,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    french, english = make_member(org, "responder"), make_member(org, "responder")
    for person, languages in ((french, ["fr"]), (english, ["en"])):
        # Working all day every day: only the language decides here.
        Profile.objects.create(member=person, languages=languages, work_start=time(0),
                               work_end=time(0), work_days=list(range(7)))
    _available(french, english)
    _enable(manager)
    _open(channel, make_item, 2, prefix="fr", language="fr")
    _open(channel, make_item, 2, prefix="en", language="en")
    owners = {c.thread_key[:5]: c.assignee_id for c in Conversation.objects.all()}
    assert {k[3:5]: v for k, v in owners.items()} == {"fr": french.pk, "en": english.pk}
    ingest(channel, [make_item("👍👍", author="thumbs", kind="dm", thread_key="dm:thumbs",
                               parent=None, post=None)])
    unknown = Conversation.objects.get(thread_key="dm:thumbs")
    assert unknown.language == "unknown" and unknown.assignee_id in {french.pk, english.pk}
    # Without the shift provider nobody's languages are known: anyone gets anything.
    view = assignment.EveryoneOnShift()
    assert view.languages(french.pk) is None


def test_shifts_come_from_the_team_rotation_and_working_hours(
        org: Organization, manager: Member, channel: Channel,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    on_call, day_worker = make_member(org, "responder"), make_member(org, "responder")
    rotation = Rotation.objects.create(organization=org, name="Week-end",
                                       starts_on=date(2026, 2, 2))
    rotation.channels.add(channel)
    RotationMember.objects.create(rotation=rotation, member=on_call, position=0)
    Profile.objects.create(member=day_worker, work_start=time(9), work_end=time(18))
    Profile.objects.create(member=on_call, work_start=time(9), work_end=time(18))
    _available(on_call, day_worker)
    conversations = _open(channel, make_item, 3)
    _enable(manager)
    view = team_shifts(org, SUNDAY_NIGHT)
    assert view.on_shift(on_call.pk, channel.pk) and not view.on_shift(day_worker.pk, channel.pk)
    auto_assign(org, conversations, now=SUNDAY_NIGHT)
    assert _load() == {on_call.pk: 3}
    # Monday morning both work: the next ones go to the day worker, who has none.
    more = _open(channel, make_item, 2, prefix="mon")
    Conversation.objects.filter(pk__in=[c.pk for c in more]).update(assignee=None)
    auto_assign(org, list(Conversation.objects.filter(assignee__isnull=True)),
                now=MONDAY_MORNING)
    assert _load() == {on_call.pk: 3, day_worker.pk: 2}
    # On leave: off shift, even on call.
    TimeOff.objects.create(member=on_call, starts_at=SUNDAY_NIGHT - timedelta(hours=1),
                           ends_at=SUNDAY_NIGHT + timedelta(days=1))
    assert not team_shifts(org, SUNDAY_NIGHT).on_shift(on_call.pk, channel.pk)


def test_going_away_hands_open_conversations_back_to_round_robin(
        org: Organization, manager: Member, channel: Channel, no_shift_provider: None,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    leaving, staying = make_member(org, "responder"), make_member(org, "responder")
    _available(leaving)
    _enable(manager)
    _open(channel, make_item, 3)
    assert _load() == {leaving.pk: 3}
    _available(staying)
    client = Client()
    client.force_login(manager.user)
    response = client.post(f"/inbox/availability/{leaving.pk}/",
                           {"status": "away", "next": "assignment"}, follow=True)
    assert "3 open conversations went back to round robin, 3 reassigned" in (
        response.content.decode())
    assert _load() == {staying.pk: 3}
    event = AuditEvent.objects.get(action="inbox.reassign_away")
    assert event.after == {"released": 3, "reassigned": 3, "waiting": 0}
    assert event.target_id == str(leaving.pk)
    assert AuditEvent.objects.filter(action="inbox.availability", target_id=str(leaving.pk),
                                     after={"status": "away"}).exists()


def test_the_beat_task_takes_back_conversations_of_people_on_leave(
        org: Organization, manager: Member, channel: Channel,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    leaving, staying = make_member(org, "responder"), make_member(org, "responder")
    _available(leaving)
    _enable(manager, shifts=False)
    _open(channel, make_item, 2)
    assert _load() == {leaving.pk: 2}
    _available(staying)
    now = timezone.now()
    TimeOff.objects.create(member=leaving, starts_at=now - timedelta(minutes=5),
                           ends_at=now + timedelta(days=3))
    assert tasks.assign_waiting_conversations() == 2
    assert _load() == {staying.pk: 2}
    assert AuditEvent.objects.get(action="inbox.release_time_off").after == {
        "members": [leaving.pk], "released": 2}
    entry = settings.CELERY_BEAT_SCHEDULE["inbox-assign-waiting"]
    assert entry["task"] == "socialops.inbox.tasks.assign_waiting_conversations"


def test_spam_and_automatic_assignment_off_assign_nobody(
        org: Organization, manager: Member, channel: Channel, no_shift_provider: None,
        make_member: Callable[..., Member], make_item: Callable[..., InboundItem]) -> None:
    person = make_member(org, "responder")
    _available(person)
    spam, real = _open(channel, make_item, 2)
    assert _load() == {None: 2}  # automatic assignment is off by default
    Conversation.objects.filter(pk=spam.pk).update(spam=True)
    _enable(manager)
    auto_assign(org, list(Conversation.objects.order_by("pk")))
    assert dict(Conversation.objects.values_list("pk", "assignee_id")) == {
        spam.pk: None, real.pk: person.pk}


def test_who_may_change_whose_availability(
        org: Organization, manager: Member, make_member: Callable[..., Member]) -> None:
    responder, other = make_member(org, "responder"), make_member(org, "responder")
    analyst = make_member(org, "analyst")
    client = Client()
    client.force_login(responder.user)
    fragment = client.post("/inbox/availability/", {"status": "available"},
                           headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'id="availability-switch"' in fragment.content.decode()
    assert Availability.objects.get(member=responder).status == "available"
    assert client.post(f"/inbox/availability/{other.pk}/",
                       {"status": "away"}).status_code == 403
    with pytest.raises(PermissionDenied):
        set_availability(analyst, analyst, "available", ACTOR)
    token = create_token(manager, ACTOR).raw
    api = client.put(f"/api/v1/inbox/availability/{other.pk}", {"status": "away"},
                     content_type="application/json",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json()["status"] == "away"
    bad = client.put(f"/api/v1/inbox/availability/{other.pk}", {"status": "asleep"},
                     content_type="application/json",
                     headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400
    page = Client()
    page.force_login(manager.user)
    inbox = page.get("/inbox/").content.decode()
    assert 'id="availability-switch"' in inbox and responder.display_name in inbox


def test_the_assignment_page_saves_settings_and_keeps_bad_input(
        org: Organization, manager: Member, make_member: Callable[..., Member]) -> None:
    client = Client()
    client.force_login(manager.user)
    assert client.get("/inbox/assignment/").status_code == 200
    bad = client.post("/inbox/assignment/", {"auto_assign": "on", "max_open": "-3"})
    assert bad.status_code == 200 and 'value="-3"' in bad.content.decode()
    ok = client.post("/inbox/assignment/", {"auto_assign": "on", "max_open": "12",
                                            "respect_languages": "on"})
    assert ok.status_code == 302
    config = assignment.settings_of(org)
    assert (config.auto_assign, config.max_open, config.respect_shifts,
            config.respect_languages) == (True, 12, False, True)
    assert AuditEvent.objects.filter(action="inbox.assignment_settings").count() == 1
    responder = Client()
    responder.force_login(make_member(org, "responder").user)
    assert responder.get("/inbox/assignment/").status_code == 403
