"""How reliably publications go out: on time, how late, and why they failed.

A publication is *on time* when it went live within `ON_TIME` of its scheduled time.
Delays are measured from the scheduled time to the time the network accepted the post;
posts held on purpose (a pause, a network's rate limit) count as late: the team sees
every delay, and the failure table says which were rate limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.publishing.models import AttemptOutcome, PublishAttempt, Variant, VariantStatus
from socialops.web.networks import network_label

ON_TIME = timedelta(seconds=60)
# Outcomes of an attempt that did not publish, as the failure table counts them.
FAILED_OUTCOMES = (AttemptOutcome.FAILED, AttemptOutcome.AUTH_EXPIRED, AttemptOutcome.UNKNOWN,
                   AttemptOutcome.RATE_LIMITED, AttemptOutcome.RETRY)


def percentile(values: list[float], share: float) -> float | None:
    """Return the value below which `share` of the values lie (nearest rank), or None."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))  # ceil without floats
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Reliability:
    """The figures of one channel, one network, or everything."""

    label: str
    due: int = 0
    published: int = 0
    on_time: int = 0
    failed: int = 0
    delays: list[float] = field(default_factory=list, repr=False)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def p50_s(self) -> float | None:
        return percentile(self.delays, 0.5)

    @property
    def p95_s(self) -> float | None:
        return percentile(self.delays, 0.95)

    def add(self, variant: Variant) -> None:
        self.due += 1
        if variant.status == VariantStatus.PUBLISHED and variant.published_at:
            assert variant.scheduled_at is not None
            delay = max(0.0, (variant.published_at - variant.scheduled_at).total_seconds())
            self.published += 1
            self.delays.append(delay)
            if delay <= ON_TIME.total_seconds():
                self.on_time += 1
        elif variant.status in (VariantStatus.FAILED, VariantStatus.UNKNOWN):
            self.failed += 1


@dataclass
class Report:
    """Reliability over a period: overall, per network, per channel, failures by reason."""

    start: datetime
    end: datetime
    overall: Reliability
    networks: list[Reliability]
    channels: list[Reliability]
    failures: list[tuple[str, str, int]]  # (outcome, error code, count)


def _group(variants: Iterable[Variant]) -> tuple[Reliability, dict[str, Reliability],
                                                  dict[int, Reliability]]:
    overall = Reliability(label="")
    networks: dict[str, Reliability] = {}
    channels: dict[int, Reliability] = {}
    for variant in variants:
        overall.add(variant)
        networks.setdefault(variant.channel.network,
                            Reliability(label=network_label(variant.channel.network))).add(variant)
        channels.setdefault(variant.channel_id,
                            Reliability(label=f"{variant.channel.display_name} · "
                                              f"{network_label(variant.channel.network)}")).add(variant)
    return overall, networks, channels


def report(member: Member, *, days: int = 30, now: datetime | None = None) -> Report:
    """Return how the organization's publications due in the last `days` days went out."""
    require(member, Action.VIEW_POSTS, member.organization)
    end = now or timezone.now()
    start = end - timedelta(days=days)
    due = (Variant.objects.filter(organization_id=member.organization_id,
                                  scheduled_at__gte=start, scheduled_at__lt=end,
                                  status__in=[VariantStatus.PUBLISHED, VariantStatus.FAILED,
                                              VariantStatus.UNKNOWN])
           .select_related("channel").only("status", "scheduled_at", "published_at",
                                           "channel__network", "channel__display_name"))
    overall, networks, channels = _group(due)
    reasons: Counter[tuple[str, str]] = Counter(
        PublishAttempt.objects.filter(
            variant__organization_id=member.organization_id, started_at__gte=start,
            started_at__lt=end, outcome__in=FAILED_OUTCOMES,
        ).values_list("outcome", "error_code"))
    return Report(
        start=start, end=end, overall=overall,
        networks=sorted(networks.values(), key=lambda r: r.label),
        channels=sorted(channels.values(), key=lambda r: (r.on_time_share or 0, r.label)),
        failures=[(outcome, code, n) for (outcome, code), n in reasons.most_common()],
    )
