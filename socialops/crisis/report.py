"""Build the post-incident report: timeline, before/during/after, response times, pauses."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from socialops.crisis.models import Incident
from socialops.crisis.services import Line, timeline
from socialops.inbox.models import Conversation
from socialops.listening.series import summary
from socialops.publishing.models import PublishingPause

MAX_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime
    volume: int
    negative_share: float
    urgent: int


@dataclass(frozen=True)
class QueryFigures:
    name: str
    periods: list[Period]


@dataclass(frozen=True)
class Report:
    incident: Incident
    lines: list[Line]
    queries: list[QueryFigures]
    urgent_count: int
    answered: int
    median_response_minutes: float | None
    slowest_response_minutes: float | None
    pauses: list[PublishingPause]
    generated_at: datetime


def periods(incident: Incident) -> list[tuple[str, datetime, datetime]]:
    """Return the before / during / after windows (before and after as long as during, ≤ 24 h).

    "During" starts at the first linked alert's bucket when it precedes the opening.
    """
    end = incident.resolved_at or timezone.now()
    # The crisis started at its first alert's bucket when that came before the incident.
    onsets = [a.bucket_start for a in incident.alerts.all()]
    start = min([incident.opened_at, *onsets])
    span = min(max(end - start, timedelta(hours=1)), MAX_WINDOW)
    return [("before", start - span, start),
            ("during", start, end),
            ("after", end, min(end + span, max(timezone.now(), end)))]


def build(incident: Incident) -> Report:
    """Gather every figure of the report."""
    windows = periods(incident)
    figures = []
    for query in incident.queries.all():
        rows = []
        for label, start, end in windows:
            s = summary(query, start, end)
            rows.append(Period(label, start, end, int(s["volume"]), float(s["negative_share"]),
                               int(s["urgent"])))
        figures.append(QueryFigures(query.name, rows))
    _, start, end = windows[1]
    urgent = list(Conversation.objects.filter(
        organization_id=incident.organization_id, urgent=True,
        first_inbound_at__gte=start, first_inbound_at__lte=end))
    delays = [(c.first_responded_at - c.first_inbound_at).total_seconds() / 60
              for c in urgent if c.first_responded_at]
    return Report(
        incident=incident, lines=timeline(incident), queries=figures,
        urgent_count=len(urgent), answered=len(delays),
        median_response_minutes=round(statistics.median(delays), 1) if delays else None,
        slowest_response_minutes=round(max(delays), 1) if delays else None,
        pauses=list(incident.pauses.select_related("channel", "paused_by__user",
                                                   "resumed_by__user")),
        generated_at=timezone.now())
