"""Seed the demo organization's analytics data from the sandbox, as collection would."""

from __future__ import annotations

import logging

from django.test.utils import override_settings
from django.utils import timezone

from socialops.analytics import reports
from socialops.analytics.collection import collect_channel
from socialops.analytics.models import ReportSchedule, ReportSection
from socialops.analytics.reports import ReportInput
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel, Transport

log = logging.getLogger(__name__)
# Over a year, so that "vs last year" has numbers on the first start, not only 90 days.
DEMO_BACKFILL_DAYS = 400
DEMO_MANAGER = "sophie.durand"


def seed_analytics_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Collect real metrics from the sandbox, then archive last month's leadership report."""
    with override_settings(SOCIALOPS_SANDBOX_URL=sandbox_url):
        for channel_id in Channel.objects.filter(
            organization=org, transport=Transport.SANDBOX
        ).values_list("pk", flat=True):
            outcome = collect_channel(channel_id, backfill_days=DEMO_BACKFILL_DAYS)
            if outcome.error:
                log.warning("demo metrics of channel %s: %s", channel_id, outcome.error)
    manager = members.get(DEMO_MANAGER)
    if manager is None:
        return
    actor = Actor.system("demo")
    report = reports.create_report(manager, ReportInput(
        name="Rapport mensuel de la direction", sections=list(ReportSection.values),
        language="fr", schedule=ReportSchedule.MONTHLY,
        recipients="direction@maison-arlette.example"), actor)
    reports.generate(report, reports.report_period(ReportSchedule.MONTHLY,
                                                   timezone.localdate()), actor)
