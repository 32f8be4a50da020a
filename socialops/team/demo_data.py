"""Seed the demo organization's team data: profiles, rotations with visible gaps, history.

The demo starts with gaps on purpose: French channels uncovered on weekday nights
and weekend nights, English channels covered by one follow-the-sun pair with no
backup, LinkedIn covered by nobody, and customer care resting on Emma alone, who
has also been answering late in the evening for weeks (her burnout signal).
Four weeks of answered conversations give the staffing page measured traffic.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.paging import PageRequest
from socialops.governance.models import Channel
from socialops.inbox.models import (
    Conversation,
    Delivery,
    Direction,
    Kind,
    Message,
    Sentiment,
    Status,
)
from socialops.team import pager
from socialops.team.models import (
    CoverRole,
    HandoffNote,
    Profile,
    Rotation,
    RotationKind,
    RotationMember,
    TeamSettings,
)

# login: (time zone, languages, work start hour, work end hour, manager login)
PROFILES = {
    "claire.martin": ("Europe/Paris", ["fr", "en"], 9, 18, None),
    "hugo.bernard": ("Europe/Paris", ["fr"], 9, 18, "claire.martin"),
    "sophie.durand": ("Europe/Paris", ["fr", "en"], 9, 18, "claire.martin"),
    "lucas.petit": ("Europe/Paris", ["fr"], 9, 18, "sophie.durand"),
    "emma.leroy": ("Europe/Paris", ["fr"], 9, 17, "sophie.durand"),
    "amina.diallo": ("America/Montreal", ["fr", "en"], 9, 17, "sophie.durand"),
    "julien.girard": ("Europe/Paris", ["fr", "en"], 9, 18, "claire.martin"),
}
WEEKS = 4
SEED = 8


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKS)


def _rotation(org: Organization, name: str, channels: list[Channel], people: list[Member],
              **fields: object) -> Rotation:
    rotation = Rotation.objects.create(organization=org, name=name,
                                       starts_on=_monday(timezone.now().date()), **fields)
    rotation.channels.set(channels)
    for position, member in enumerate(people):
        RotationMember.objects.create(rotation=rotation, member=member, position=position)
    return rotation


def _rotations(org: Organization, members: dict[str, Member]) -> None:
    channels = list(Channel.objects.filter(organization=org))
    french = [c for c in channels if c.language == "fr" and c.network != "linkedin"
              and c.handle != "ArletteService"]
    english = [c for c in channels if c.language == "en"]
    care = [c for c in channels if c.handle == "ArletteService"]
    weekdays = [0, 1, 2, 3, 4]
    _rotation(org, "Community FR — weekdays", french,
              [members["emma.leroy"], members["sophie.durand"], members["lucas.petit"]],
              kind=RotationKind.WEEKLY, role=CoverRole.PRIMARY, days=weekdays,
              day_start=time(8), day_end=time(22))
    _rotation(org, "Community FR — weekends", french,
              [members["lucas.petit"], members["emma.leroy"]],
              kind=RotationKind.WEEKLY, role=CoverRole.PRIMARY, days=[5, 6],
              day_start=time(10), day_end=time(18))
    _rotation(org, "Backup FR — office hours", french,
              [members["hugo.bernard"], members["sophie.durand"]],
              kind=RotationKind.WEEKLY, role=CoverRole.BACKUP, days=weekdays,
              day_start=time(9), day_end=time(18))
    # Customer care: Emma alone, around the clock (a single point of failure).
    _rotation(org, "Customer care", care, [members["emma.leroy"]],
              kind=RotationKind.WEEKLY, role=CoverRole.PRIMARY)
    sun = _rotation(org, "English — follow the sun", english,
                    [members["lucas.petit"], members["amina.diallo"]],
                    kind=RotationKind.FOLLOW_THE_SUN, role=CoverRole.PRIMARY)
    # Lucas covers Paris mornings, Amina her Montreal working day: no backup, no weekend.
    sun.slots.filter(member=members["lucas.petit"]).update(shift_start=time(9),
                                                           shift_end=time(13))
    sun.slots.filter(member=members["amina.diallo"]).update(shift_start=time(9),
                                                            shift_end=time(17))


def _traffic(org: Organization, members: dict[str, Member]) -> None:
    """Create four weeks of answered conversations (closed), with a daily rhythm."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, repeatable on purpose
    tz = ZoneInfo(org.time_zone)
    channels = list(Channel.objects.filter(organization=org).exclude(network="linkedin"))
    start = datetime.combine(_monday(timezone.now().date()), time(0), tzinfo=tz)
    end = timezone.now() - timedelta(days=1)
    responders = [members["sophie.durand"], members["lucas.petit"], members["amina.diallo"]]
    emma = members["emma.leroy"]
    conversations: list[Conversation] = []
    pending: list[tuple[int, datetime, Member, bool]] = []
    hour = start
    count = 0
    while hour < end:
        local = hour.astimezone(tz)
        weekend = local.weekday() >= 5
        rate = (15 if 9 <= local.hour < 19 else 8 if 19 <= local.hour < 23 else 1.5)
        rate *= 0.6 if weekend else 1.0
        for _n in range(_poisson(rng, rate)):
            arrived = hour + timedelta(seconds=rng.randrange(3600))
            channel = rng.choice(channels)
            negative = rng.random() < 0.25
            count += 1
            conversations.append(Conversation(
                organization=org, channel=channel, kind=rng.choice(list(Kind)),
                thread_key=f"demo-history-{count}", status=Status.CLOSED,
                sentiment=Sentiment.NEGATIVE if negative else Sentiment.NEUTRAL,
                excerpt="…", message_count=2, first_inbound_at=arrived,
                last_inbound_at=arrived, first_responded_at=arrived))
            # Emma answers the evenings (after her 17:00 end) and customer care.
            evening = local.hour >= 17
            person = emma if evening or channel.handle == "ArletteService" else \
                rng.choice(responders)
            pending.append((len(conversations) - 1, arrived, person, negative))
        hour += timedelta(hours=1)
    Conversation.objects.bulk_create(conversations, batch_size=500)
    messages: list[Message] = []
    for index, arrived, person, negative in pending:
        conversation = conversations[index]
        replied = arrived + timedelta(minutes=rng.uniform(3, 12))
        conversation.first_responded_at = replied
        messages.append(Message(conversation=conversation, channel=conversation.channel,
                                direction=Direction.IN, author_handle="fan",
                                text="Bonjour !", created_at=arrived,
                                sentiment=Sentiment.NEGATIVE if negative else Sentiment.NEUTRAL,
                                delivery=Delivery.RECEIVED))
        messages.append(Message(conversation=conversation, channel=conversation.channel,
                                direction=Direction.OUT, sent_by=person, text="Merci !",
                                created_at=replied, delivery=Delivery.SENT, sent_at=replied))
    Message.objects.bulk_create(messages, batch_size=1000)
    Conversation.objects.bulk_update(conversations, ["first_responded_at"], batch_size=500)


# What Sophie did recently, as her audit trail records it (the demo's history is made
# by the system actor; these give her role report more than replies).
SOPHIE_ACTIONS = {"post.create": 24, "post.schedule": 20, "post.approve": 14,
                  "post.request_changes": 4, "incident.open": 1, "incident.note": 6,
                  "channel.owners": 2, "member.add": 1, "analytics.report_send": 4,
                  "team.page_acknowledge": 3}


def _history(org: Organization, sophie: Member) -> None:
    actor = Actor.for_user(sophie.user)
    for action, count in SOPHIE_ACTIONS.items():
        for _n in range(count):
            audit.record(org, actor, action, target_type="demo.history")


def _poisson(rng: random.Random, mean: float) -> int:
    """Return a Poisson draw by counting exponential gaps within one unit of time."""
    total, count = rng.expovariate(1.0), 0
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count


def seed_team_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Fill the demo organization with team data (called once, after posts and inbox)."""
    with transaction.atomic():
        TeamSettings.objects.update_or_create(organization=org, defaults={"target_s": 900})
        for login, (zone, languages, begins, ends, manager) in PROFILES.items():
            if login not in members:
                continue
            Profile.objects.update_or_create(member=members[login], defaults={
                "time_zone": zone, "languages": languages, "work_start": time(begins),
                "work_end": time(ends),
                "manager": members.get(manager) if manager else None})
        _rotations(org, members)
        _traffic(org, members)
        if "sophie.durand" in members:
            _history(org, members["sophie.durand"])
        rotation = Rotation.objects.get(organization=org, name="Community FR — weekdays")
        HandoffNote.objects.create(
            organization=org, rotation=rotation, author=members.get("sophie.durand"),
            text="Delivery delays in Belgium: use the saved reply “Retard de livraison”. "
                 "Two angry threads on Facebook are still open.")
    pager.page(PageRequest(organization_id=org.pk, kind="response_breach",
                           title="Response time target missed on Arlette Service client",
                           url="/inbox/?queue=overdue", dedupe_key="demo:breach:1",
                           channel_id=Channel.objects.filter(
                               organization=org, handle="ArletteService").values_list(
                               "pk", flat=True).first()))
