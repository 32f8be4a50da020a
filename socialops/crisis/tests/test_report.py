"""The post-incident report: before / during / after figures, response times, pauses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.crisis import report, services
from socialops.listening.detection import BUCKET
from socialops.listening.models import Alert, SeriesBucket
from socialops.listening.series import bucket_start
from socialops.publishing.tests.conftest import Team

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def test_report_compares_before_during_after_and_lists_pauses(team: Team, alert: Alert) -> None:
    onset = bucket_start(timezone.now()) - 6 * BUCKET
    alert.bucket_start = onset
    alert.save()
    SeriesBucket.objects.bulk_create(
        [SeriesBucket(query=alert.query, start=onset - i * BUCKET, volume=2) for i in (1, 2, 3)]
        + [SeriesBucket(query=alert.query, start=onset + i * BUCKET, volume=50, negative=40)
           for i in range(4)])
    incident = services.open_from_alert(team.manager, ACTOR, alert)
    services.enter_crisis_mode(team.manager, ACTOR, incident=incident)
    services.change_incident(team.manager, ACTOR, incident, status="resolved",
                             severity="high", kind="other", owner=team.manager)
    built = report.build(incident)
    figures = {p.label: (p.volume, p.negative_share) for p in built.queries[0].periods}
    assert figures["before"] == (6, 0.0)
    assert figures["during"] == (200, 0.8)
    assert [p.channel_id for p in built.pauses] == [None]
    assert built.incident.resolved_at is not None
    assert built.lines[0].at <= built.lines[-1].at
    assert built.generated_at - built.incident.resolved_at < timedelta(minutes=1)


def test_report_pages(team: Team, alert: Alert, client: Any) -> None:
    incident = services.open_from_alert(team.manager, ACTOR, alert)
    client.force_login(team.manager.user)
    page = client.get(f"/crisis/incidents/{incident.pk}/report/")
    assert page.status_code == 200 and "Volumes and sentiment" in page.content.decode()
    client.force_login(team.contributor.user)
    assert client.get(f"/crisis/incidents/{incident.pk}/report/").status_code == 403
