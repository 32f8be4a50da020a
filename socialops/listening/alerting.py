"""Run the detector on each query's series and turn its decisions into alerts.

After each collection the production detector (`SeasonalCusumDetector`, the same one
`socialops listening detect` and `socialops bench detect` run) is replayed over the
query's last days of *complete* buckets, for volume and for negative share. Replaying
is cheap (a few thousand buckets) and keeps no opaque state in the database; only the
decisions on buckets not evaluated before become alerts. A decision at bucket t uses
buckets up to t only, so a later collection never changes an earlier decision's inputs.

An alert is stored once per (query, metric, bucket); a new alert within the cool-down
of the previous one on the same query and metric is dropped. Each stored alert is
e-mailed to the channel owners, sent to the organization's webhooks and paged (ADR 0007).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from socialops.core.paging import PageRequest, request_page
from socialops.listening.detection import BUCKET, Detector, SeasonalCusumDetector
from socialops.listening.models import Alert, ListeningQuery, Metric, SeriesBucket
from socialops.listening.series import bucket_start

REPLAY = timedelta(days=8)


def cooldown() -> timedelta:
    """Return the minimum time between two alerts of one query and metric."""
    return timedelta(minutes=int(getattr(settings, "SOCIALOPS_LISTENING_ALERT_COOLDOWN_MINUTES",
                                         360)))


def metric_value(metric: str, volume: int, negative: int) -> float:
    """Return what the detector sees for a bucket: the volume, or the negative share in %."""
    if metric == Metric.VOLUME:
        return float(volume)
    return 100.0 * negative / volume if volume else 0.0


def decisions(detector: Detector, points: list[tuple[datetime, float]],
              after: datetime | None) -> list[tuple[datetime, float, str, float, float]]:
    """Feed points in order; return (bucket, score, severity, value, baseline) after ``after``."""
    found = []
    for stamp, value in points:
        alert = detector.update(stamp, value)
        if alert is not None and (after is None or stamp > after):
            found.append((stamp, alert.score, alert.severity, alert.value, alert.baseline))
    return found


def evaluate(query: ListeningQuery, now: datetime | None = None) -> list[Alert]:
    """Decide on the query's complete buckets not evaluated yet; store and send new alerts."""
    now = now or timezone.now()
    last_complete = bucket_start(now) - BUCKET
    if query.evaluated_until is not None and query.evaluated_until >= last_complete:
        return []
    # Zeros before the query existed are not a quiet history: a new query would call its
    # first mentions a spike. The replay starts at the query's creation or first bucket.
    oldest = SeriesBucket.objects.filter(query=query).aggregate(first=Min("start"))["first"]
    known_since = min(filter(None, (bucket_start(query.created_at), oldest)))
    first = max(last_complete - REPLAY, known_since)
    stored = {start: (volume, negative) for start, volume, negative in SeriesBucket.objects.filter(
        query=query, start__gte=first, start__lte=last_complete,
    ).values_list("start", "volume", "negative")}
    starts = [first + i * BUCKET for i in range(int((last_complete - first) / BUCKET) + 1)]
    # A query evaluated for the first time only decides on its newest bucket: the past
    # it was created with (or seeded with) is history, not news.
    after = query.evaluated_until or last_complete - BUCKET
    created: list[Alert] = []
    for metric in Metric.values:
        points = [(start, metric_value(metric, *stored.get(start, (0, 0)))) for start in starts]
        for stamp, score, severity, value, baseline in decisions(
                SeasonalCusumDetector(), points, after):
            alert = _store(query, metric, stamp, score, severity, value, baseline)
            if alert is not None:
                created.append(alert)
    ListeningQuery.objects.filter(pk=query.pk).update(evaluated_until=last_complete)
    query.evaluated_until = last_complete
    return created


def _store(query: ListeningQuery, metric: str, stamp: datetime, score: float, severity: str,
           value: float, baseline: float) -> Alert | None:
    recent = Alert.objects.filter(query=query, metric=metric,
                                  bucket_start__gt=stamp - cooldown()).exists()
    if recent:
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                organization_id=query.organization_id, query=query, metric=metric,
                bucket_start=stamp, score=score, severity=severity, value=value,
                baseline=baseline)
            notify(alert)
    except IntegrityError:  # another worker stored this very decision
        return None
    return alert


def alert_title(alert: Alert) -> str:
    """Return a one-line plain-text description of an alert, in the organization's language."""
    with override(alert.organization.language or "en"):
        if alert.metric == Metric.VOLUME:
            return _("Spike on “%(query)s”: %(value)d mentions in 5 minutes "
                     "(usually %(baseline).0f)") % {
                "query": alert.query.name, "value": alert.value, "baseline": alert.baseline}
        return _("Negative mentions on “%(query)s”: %(value).0f%% of mentions "
                 "(usually %(baseline).0f%%)") % {
            "query": alert.query.name, "value": alert.value, "baseline": alert.baseline}


def alert_url(alert: Alert) -> str:
    """Return the absolute (when SOCIALOPS_BASE_URL is set) address of an alert's page."""
    path = reverse("listening:alert", args=[alert.pk])
    return f"{getattr(settings, 'SOCIALOPS_BASE_URL', '')}{path}"


def notify(alert: Alert) -> None:
    """Page the person on call, and queue the e-mail and the webhooks after commit."""
    from socialops.listening import tasks

    request_page(PageRequest(
        organization_id=alert.organization_id, kind="listening_alert",
        title=alert_title(alert), url=alert_url(alert), dedupe_key=alert.dedupe_key,
        severity=alert.severity,
        details={"query": alert.query.name, "metric": alert.metric,
                 "bucket": alert.bucket_start.isoformat()},
    ))
    transaction.on_commit(lambda: tasks.send_alert.delay(alert.pk))
