"""Send an alert out: e-mail to the people who run listening, signed webhooks.

Webhook bodies are Slack-compatible (`text` + `blocks`), Teams-compatible (a
MessageCard) or plain JSON. Every request carries
`X-Socialops-Signature: sha256=<hex HMAC of "<timestamp>.<body>">` and
`X-Socialops-Timestamp`, keyed with the webhook's own secret, so a receiver can check
that the alert came from us and is fresh. A failed delivery is retried with
exponential back-off by the Celery task, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from socialops.connectors.errors import ConnectorError
from socialops.connectors.http import HttpClient
from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action
from socialops.listening.alerting import alert_title, alert_url
from socialops.listening.models import (
    Alert,
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookKind,
)

MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
SIGNATURE_HEADER = "X-Socialops-Signature"
TIMESTAMP_HEADER = "X-Socialops-Timestamp"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the signature header value of a body sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Return whether a signature header matches (for receivers and tests)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def payload(kind: str, alert: Alert) -> dict[str, Any]:
    """Return the JSON body for one webhook format."""
    title = alert_title(alert)
    url = alert_url(alert)
    if kind == WebhookKind.SLACK:
        return {"text": f"{title} <{url}>", "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": (
                f"{alert.get_severity_display()} · {alert.bucket_start.isoformat()} · <{url}>")}]},
        ]}
    if kind == WebhookKind.TEAMS:
        return {"@type": "MessageCard", "@context": "https://schema.org/extensions",
                "summary": title, "title": title,
                "themeColor": "D9534F" if alert.severity in ("high", "critical") else "F0AD4E",
                "sections": [{"facts": [
                    {"name": "severity", "value": alert.severity},
                    {"name": "bucket", "value": alert.bucket_start.isoformat()},
                    {"name": "value", "value": f"{alert.value:g}"},
                    {"name": "baseline", "value": f"{alert.baseline:g}"}]}],
                "potentialAction": [{"@type": "OpenUri", "name": "socialops",
                                     "targets": [{"os": "default", "uri": url}]}]}
    return {"event": "listening.alert", "id": alert.pk, "query": alert.query.name,
            "metric": alert.metric, "severity": alert.severity, "score": alert.score,
            "value": alert.value, "baseline": alert.baseline,
            "bucket_start": alert.bucket_start.isoformat(), "title": title, "url": url}


def _recipients(alert: Alert) -> list[str]:
    roles = [r.value for r in Role if Action.MANAGE_LISTENING in ROLE_ACTIONS[r]]
    members = Member.objects.filter(organization_id=alert.organization_id, is_active=True,
                                    role__in=roles).select_related("user")
    return sorted({m.user.email for m in members if m.user.email})


def email_alert(alert_id: int) -> bool:
    """E-mail an alert to the members who run listening, once."""
    if not Alert.objects.filter(pk=alert_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()):
        return False
    alert = Alert.objects.select_related("query", "organization").get(pk=alert_id)
    recipients = _recipients(alert)
    if not recipients:
        return False
    with override(alert.organization.language or "en"):
        subject = _("[socialops] %(title)s") % {"title": alert_title(alert)}
        body = _("%(title)s\n\nSeverity: %(severity)s\nOpen the alert: %(url)s\n") % {
            "title": alert_title(alert), "severity": alert.get_severity_display(),
            "url": alert_url(alert)}
    send_mail(subject, body, None, recipients)
    return True


def queue_deliveries(alert: Alert) -> list[int]:
    """Create one pending delivery per active webhook of the alert's organization."""
    hooks = Webhook.objects.filter(organization_id=alert.organization_id, is_active=True)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=h, alert=alert) for h in hooks], ignore_conflicts=True)
    return list(WebhookDelivery.objects.filter(
        alert=alert, status=DeliveryStatus.PENDING).values_list("pk", flat=True))


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str
    retry_in: float | None = None


def deliver(delivery_id: int, *, http: HttpClient | None = None) -> DeliveryOutcome:
    """Send one pending delivery; return when to retry if it failed and attempts remain."""
    delivery = WebhookDelivery.objects.select_related(
        "webhook", "alert__query", "alert__organization").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return DeliveryOutcome(delivery.status if delivery else "gone")
    hook = delivery.webhook
    body = json.dumps(payload(hook.kind, delivery.alert), separators=(",", ":")).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
               SIGNATURE_HEADER: sign(hook.secret, stamp, body)}
    client = http or HttpClient(max_retries=0, read_timeout=10.0, allow_private=bool(
        getattr(settings, "SOCIALOPS_WEBHOOKS_ALLOW_PRIVATE", False)))
    delivery.attempts += 1
    try:
        response = client.post(hook.url, content=body, headers=headers, retry_safe=False)
    except ConnectorError as exc:
        delivery.last_status_code = exc.status
        delivery.last_error = str(exc)[:500]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status"])
        if delivery.status == DeliveryStatus.FAILED:
            return DeliveryOutcome(DeliveryStatus.FAILED)
        return DeliveryOutcome(DeliveryStatus.PENDING,
                               retry_in=BACKOFF_BASE_SECONDS * 2 ** (delivery.attempts - 1))
    finally:
        if http is None:
            client.close()
    delivery.status = DeliveryStatus.DELIVERED
    delivery.last_status_code = response.status_code
    delivery.last_error = ""
    delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["attempts", "status", "last_status_code", "last_error",
                                 "delivered_at"])
    return DeliveryOutcome(DeliveryStatus.DELIVERED)
