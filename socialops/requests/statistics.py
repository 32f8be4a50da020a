"""Figures for leadership: volume, acceptance rate, time to answer, top reasons to decline."""

from __future__ import annotations

import statistics as stats
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.requests.models import (
    Guideline,
    RequestKind,
    RequestStatus,
    StakeholderRequest,
)


@dataclass
class RequestStatistics:
    """The request figures of one organization over a period."""

    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    per_month: list[tuple[datetime, int]] = field(default_factory=list)
    accepted: int = 0
    declined: int = 0
    waiting: int = 0
    median_first_answer: timedelta | None = None
    top_reasons: list[tuple[Guideline, int]] = field(default_factory=list)

    @property
    def acceptance_rate(self) -> float | None:
        """Share of decided requests that were accepted (None before any decision)."""
        decided = self.accepted + self.declined
        return self.accepted / decided if decided else None


def _scope(member: Member, since: datetime | None) -> QuerySet[StakeholderRequest]:
    require(member, Action.VIEW_REQUEST_STATS, member.organization)
    query = StakeholderRequest.objects.filter(organization_id=member.organization_id)
    return query.filter(created_at__gte=since) if since is not None else query


def request_statistics(member: Member, since: datetime | None = None,
                       top: int = 5) -> RequestStatistics:
    """Return the figures of the requests submitted since a time (all of them without one)."""
    rows = list(_scope(member, since).values_list("kind", "status", "created_at",
                                                  "first_answer_at", "guideline_id"))
    result = RequestStatistics(total=len(rows))
    result.by_kind = {kind: sum(1 for r in rows if r[0] == kind) for kind in RequestKind.values}
    months: Counter[datetime] = Counter()
    reasons: Counter[int] = Counter()
    waits = []
    for _kind, status, created_at, first_answer_at, guideline_id in rows:
        local = timezone.localtime(created_at)
        months[local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)] += 1
        if first_answer_at is not None:
            waits.append((first_answer_at - created_at).total_seconds())
        if status == RequestStatus.ACCEPTED:
            result.accepted += 1
        elif status == RequestStatus.DECLINED:
            result.declined += 1
            if guideline_id is not None:
                reasons[guideline_id] += 1
        else:
            result.waiting += 1
    result.per_month = sorted(months.items())
    result.median_first_answer = timedelta(seconds=stats.median(waits)) if waits else None
    guidelines = Guideline.objects.in_bulk([pk for pk, _n in reasons.most_common(top)])
    result.top_reasons = [(guidelines[pk], n) for pk, n in reasons.most_common(top)]
    return result


def decline_log(member: Member, since: datetime | None = None) -> QuerySet[StakeholderRequest]:
    """Return the declined requests, the latest refusal first."""
    return _scope(member, since).filter(status=RequestStatus.DECLINED).select_related(
        "guideline", "decided_by__user").order_by("-decided_at", "-pk")
