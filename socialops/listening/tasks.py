"""Jobs of listening: collect every active query, send alerts, purge old data."""

from __future__ import annotations

import logging

from celery import shared_task

from socialops.listening import alerting, collection, delivery, series
from socialops.listening.models import ListeningQuery

log = logging.getLogger(__name__)


@shared_task
def collect_all() -> int:
    """Queue one collection per active query (beat runs this)."""
    ids = list(ListeningQuery.objects.filter(is_active=True).values_list("pk", flat=True))
    for query_id in ids:
        collect_query.delay(query_id)
    return len(ids)


@shared_task
def collect_query(query_id: int) -> int:
    """Collect one query's new mentions and run the detector; return new alerts."""
    query = ListeningQuery.objects.filter(pk=query_id, is_active=True).first()
    if query is None:
        return 0
    collection.collect(query)
    return len(alerting.evaluate(query))


@shared_task
def send_alert(alert_id: int) -> int:
    """E-mail an alert and queue one webhook delivery per webhook; return deliveries."""
    from socialops.listening.models import Alert

    alert = Alert.objects.select_related("query", "organization").filter(pk=alert_id).first()
    if alert is None:
        return 0
    delivery.email_alert(alert_id)
    ids = delivery.queue_deliveries(alert)
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
    return len(ids)


@shared_task
def deliver_webhook(delivery_id: int) -> str:
    """Send one webhook delivery; reschedule itself with back-off when it failed."""
    outcome = delivery.deliver(delivery_id)
    if outcome.retry_in is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


@shared_task
def purge_expired() -> int:
    """Delete mentions and buckets older than SOCIALOPS_LISTENING_RETENTION_DAYS."""
    mentions, buckets = series.purge_expired()
    return mentions + buckets
