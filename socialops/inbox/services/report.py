"""The first-response report: how fast conversations got their first answer, and by whom."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.inbox.models import Conversation, Delivery, Direction, Message

MAX_PERIOD = timedelta(days=366)
# (upper bound, label); the last bucket has no upper bound.
BUCKETS: tuple[tuple[timedelta | None, object], ...] = (
    (timedelta(hours=1), _("0-1 h")),
    (timedelta(hours=4), _("1-4 h")),
    (timedelta(hours=8), _("4-8 h")),
    (timedelta(hours=24), _("8-24 h")),
    (None, _("24 h+")),
)


def bucket_of(delay: timedelta) -> int:
    """Return the index of the bucket a first-response time falls in."""
    for index, (upper, _label) in enumerate(BUCKETS):
        if upper is None or delay < upper:
            return index
    return len(BUCKETS) - 1


@dataclass
class Row:
    """First-response figures of one group (the team, a person or a channel)."""

    label: str
    counts: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    answered: int = 0
    within_target: int = 0
    total_seconds: float = 0.0

    def add(self, delay: timedelta, on_time: bool) -> None:
        self.counts[bucket_of(delay)] += 1
        self.answered += 1
        self.within_target += on_time
        self.total_seconds += delay.total_seconds()

    @property
    def share_within_target(self) -> float | None:
        return self.within_target / self.answered if self.answered else None

    @property
    def average(self) -> timedelta | None:
        return timedelta(seconds=self.total_seconds / self.answered) if self.answered else None


@dataclass
class Report:
    """The figures of a period: overall, per person, per channel."""

    start: datetime
    end: datetime
    overall: Row
    people: list[Row]
    channels: list[Row]
    unanswered: int
    buckets: list[object]


def first_responders(conversation_ids: list[int]) -> dict[int, str]:
    """Return who sent the first reply that went out, per conversation."""
    found: dict[int, str] = {}
    rows = (
        Message.objects.filter(conversation_id__in=conversation_ids, direction=Direction.OUT,
                               delivery=Delivery.SENT)
        .order_by("conversation_id", "created_at", "pk")
        .values_list("conversation_id", "sent_by__user__first_name",
                     "sent_by__user__last_name", "sent_by__user__email")
    )
    for conversation_id, first, last, email in rows.iterator():
        if conversation_id not in found:
            found[conversation_id] = f"{first} {last}".strip() or email or "—"
    return found


def first_response_report(member: Member, start: datetime, end: datetime) -> Report:
    """Return the first-response figures of conversations that started in [start, end)."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    end = min(end, start + MAX_PERIOD)
    rows = list(
        Conversation.objects.filter(
            organization_id=member.organization_id, spam=False,
            first_inbound_at__gte=start, first_inbound_at__lt=end,
        ).values_list("pk", "channel__display_name", "channel__network", "first_inbound_at",
                      "first_responded_at", "first_response_due_at")
    )
    answered = [r for r in rows if r[4] is not None]
    who = first_responders([r[0] for r in answered])
    overall = Row(str(_("Everyone")))
    people: dict[str, Row] = defaultdict(lambda: Row(""))
    channels: dict[str, Row] = defaultdict(lambda: Row(""))
    for pk, channel, network, first_in, responded, due in answered:
        assert responded is not None  # only answered conversations are here
        delay = max(responded - first_in, timedelta(0))
        on_time = due is None or responded <= due
        overall.add(delay, on_time)
        person = who.get(pk, str(_("Unknown")))
        people[person].label = person
        people[person].add(delay, on_time)
        label = f"{channel} ({network})"
        channels[label].label = label
        channels[label].add(delay, on_time)
    return Report(
        start=start, end=end, overall=overall,
        people=sorted(people.values(), key=lambda r: (-r.answered, r.label)),
        channels=sorted(channels.values(), key=lambda r: (-r.answered, r.label)),
        unanswered=len(rows) - len(answered),
        buckets=[label for _upper, label in BUCKETS],
    )
