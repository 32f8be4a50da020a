"""Detection wiring: causal decisions, alerts once per cool-down, e-mail, paging, webhooks."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail

from socialops.core import paging
from socialops.core.models import Member
from socialops.listening import alerting
from socialops.listening.delivery import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from socialops.listening.detection import BUCKET, SeasonalCusumDetector
from socialops.listening.models import Alert, DeliveryStatus, SeriesBucket, Webhook
from socialops.listening.services import create_webhook

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday


def normal(i: int) -> int:
    """Return a quiet daily cycle: about 2 mentions per bucket at night, 12 at midday."""
    hour = (i % 288) / 12
    return round(2 + 10 * max(0.0, math.sin(math.pi * (hour - 6) / 14)))


def _history(query: Any, days: int, spike_at: int | None = None) -> datetime:
    rows = []
    for i in range(days * 288):
        volume = normal(i) + (60 if spike_at is not None and i >= spike_at else 0)
        negative = volume // 5 + (55 if spike_at is not None and i >= spike_at else 0)
        rows.append(SeriesBucket(query=query, start=START + i * BUCKET, volume=volume,
                                 negative=min(negative, volume)))
    SeriesBucket.objects.bulk_create(rows)
    return START + days * 288 * BUCKET


def test_decisions_are_causal() -> None:
    values = [(START + i * BUCKET, float(normal(i) + (50 if i > 8 * 288 + 100 else 0)))
              for i in range(9 * 288)]
    full = alerting.decisions(SeasonalCusumDetector(), values, None)
    assert full, "the spike must be found"
    for cut in (8 * 288 + 101, 8 * 288 + 110, 9 * 288 - 1):
        truncated = alerting.decisions(SeasonalCusumDetector(), values[:cut], None)
        assert truncated == [d for d in full if d[0] < values[cut][0]]


@pytest.fixture
def pages() -> Iterator[list[paging.PageRequest]]:
    received: list[paging.PageRequest] = []
    paging.register_pager(received.append)
    yield received
    paging._pagers.remove(received.append)


def test_spike_alerts_once_pages_and_emails(
        manager: Member, make_query: Callable[..., Any], pages: list[paging.PageRequest],
        django_capture_on_commit_callbacks: Any) -> None:
    query = make_query(manager, "arlette")
    spike = 7 * 288 + 130  # Monday of the second week, 10:50 UTC
    _history(query, 7 * 1 + 1, spike_at=spike)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerting.evaluate(query, now=START + (7 * 288 + 100) * BUCKET) == []
        found: list[Alert] = []
        for i in range(spike, spike + 40, 4):  # collections every 20 minutes
            found += alerting.evaluate(query, now=START + (i + 1) * BUCKET)
    volume = [a for a in found if a.metric == "volume"]
    assert len(volume) == 1  # one episode, one alert: the cool-down holds the rest
    alert = volume[0]
    assert START + spike * BUCKET <= alert.bucket_start <= START + (spike + 3) * BUCKET
    assert alert.created_at is not None
    assert alert.severity in ("high", "critical")
    assert Alert.objects.filter(query=query, metric="volume").count() == 1
    assert [p.dedupe_key for p in pages if p.details["metric"] == "volume"] == [
        f"listening-alert:{alert.pk}"]
    assert pages[0].kind == "listening_alert" and pages[0].url.endswith(f"/{alert.pk}/")
    assert any(manager.user.email in m.to and query.name in m.subject for m in mail.outbox)
    # Re-evaluating the same time decides nothing new.
    assert alerting.evaluate(query, now=START + (spike + 40) * BUCKET) == []


def test_a_quiet_week_raises_nothing(manager: Member, make_query: Callable[..., Any]) -> None:
    query = make_query(manager, "arlette")
    end = _history(query, 8)
    # Decide on the whole second week at once (the first one is the baseline).
    query.evaluated_until = START + 7 * 288 * BUCKET
    assert alerting.evaluate(query, now=end) == []
    assert query.evaluated_until == end - BUCKET


class _Receiver(BaseHTTPRequestHandler):
    fail_first = 2
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        status = 503 if len(type(self).received) <= type(self).fail_first else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver
    server.shutdown()


def test_webhooks_are_signed_retried_and_slack_or_teams_shaped(
        manager: Member, actor: Any, make_query: Callable[..., Any], settings: Any,
        receiver: tuple[str, type[_Receiver]], django_capture_on_commit_callbacks: Any) -> None:
    settings.SOCIALOPS_WEBHOOKS_ALLOW_PRIVATE = True
    url, handler = receiver
    slack = create_webhook(manager, actor, name="Slack", url=url, kind="slack")
    teams = create_webhook(manager, actor, name="Teams", url=url, kind="teams")
    query = make_query(manager, "arlette")
    with django_capture_on_commit_callbacks(execute=True):
        alert = Alert.objects.create(organization=manager.organization, query=query,
                                     metric="volume", bucket_start=START, score=20,
                                     severity="high", value=80, baseline=9)
        alerting.notify(alert)
    # Two 503s (retried with back-off; Celery runs eagerly in tests), then two 200s.
    assert len(handler.received) == 4
    bodies = {}
    for headers, body in handler.received:
        secret = slack.secret if b'"blocks"' in body else teams.secret
        assert verify(secret, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
        assert not verify("wrong", headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
        bodies["slack" if b'"blocks"' in body else "teams"] = json.loads(body)
    assert "80 mentions" in bodies["slack"]["text"]
    assert bodies["teams"]["@type"] == "MessageCard"
    statuses = {d.webhook.name: (d.status, d.attempts) for d in
                alert.deliveries.select_related("webhook")}
    assert {s for s, _ in statuses.values()} == {DeliveryStatus.DELIVERED}
    assert sum(a for _, a in statuses.values()) == 4


def test_webhook_url_must_be_public(manager: Member, actor: Any) -> None:
    from django.core.exceptions import ValidationError

    for url in ("http://example.com/hook", "https://127.0.0.1/hook", "https://10.0.0.3/x"):
        with pytest.raises(ValidationError):
            create_webhook(manager, actor, name="x", url=url, kind="slack")
    assert not Webhook.objects.exists()


def test_a_new_query_is_not_a_spike_against_the_time_before_it_existed(
        manager: Member, make_query: Callable[..., Any]) -> None:
    from django.utils import timezone

    from socialops.listening.series import bucket_start

    query = make_query(manager, "arlette")
    now = bucket_start(timezone.now())
    SeriesBucket.objects.bulk_create(
        SeriesBucket(query=query, start=now + i * BUCKET, volume=80) for i in range(6))
    query.evaluated_until = now - BUCKET
    assert alerting.evaluate(query, now=now + 6 * BUCKET) == []
