"""Report definitions and runs: create, change, delete (audited), generate, schedule, send.

A member may change a report only when they may read analytics on every channel it
covers: an analyst limited to some channels cannot widen a report to others, nor edit
an organization-wide one.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.analytics.dashboard import dashboard_data
from socialops.analytics.kpis import Period, Scope
from socialops.analytics.models import (
    ReportDefinition,
    ReportRun,
    ReportSchedule,
    ReportSection,
)
from socialops.analytics.scope import Filters, require_analytics, visible_channels
from socialops.analytics.summary import summarize
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import Channel

log = logging.getLogger(__name__)
LANGUAGES = ("en", "fr")
MAX_RECIPIENTS = 50
SEND_HOUR = 7  # scheduled reports go out at 07:00, local time


@dataclass(frozen=True)
class ReportInput:
    """The fields of a report definition, as a form or the API gives them."""

    name: str
    sections: list[str]
    language: str
    schedule: str
    recipients: str
    channel: Channel | None = None
    network: str = ""

    def clean(self) -> None:
        """Raise ValidationError listing what is wrong."""
        errors: dict[str, str] = {}
        if not self.name.strip():
            errors["name"] = _("Give the report a name.")
        if not self.sections or set(self.sections) - set(ReportSection.values):
            errors["sections"] = _("Choose at least one section.")
        if self.language not in LANGUAGES:
            errors["language"] = _("Choose English or French.")
        if self.schedule not in ReportSchedule.values:
            errors["schedule"] = _("Choose a frequency.")
        addresses = _addresses(self.recipients)
        if len(addresses) > MAX_RECIPIENTS:
            errors["recipients"] = _("At most 50 recipients.")
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                errors["recipients"] = _("“%(address)s” is not an e-mail address.") % {
                    "address": address}
                break
        if self.schedule != ReportSchedule.ON_DEMAND and not addresses:
            errors["recipients"] = _("A scheduled report needs at least one recipient.")
        if errors:
            raise ValidationError(errors)


def _addresses(text: str) -> list[str]:
    return [a.strip() for a in text.replace(",", "\n").splitlines() if a.strip()]


def reports_for(member: Member) -> QuerySet[ReportDefinition]:
    """Return the organization's reports the member may read."""
    require_analytics(member)
    visible = visible_channels(member)
    return ReportDefinition.objects.filter(organization_id=member.organization_id).filter(
        _visible_q(visible)).select_related("channel")


def _visible_q(visible: QuerySet[Channel]) -> Any:
    from django.db.models import Q

    return Q(channel__isnull=True) | Q(channel__in=visible)


def get_report_for_member(member: Member, report_id: int) -> ReportDefinition:
    """Return one readable report of the member's organization, or raise Http404."""
    report = reports_for(member).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def _covered_channels(organization_id: int, channel: Channel | None,
                      network: str) -> QuerySet[Channel]:
    channels = Channel.objects.filter(organization_id=organization_id)
    if channel is not None:
        channels = channels.filter(pk=channel.pk)
    if network:
        channels = channels.filter(network=network)
    return channels


def can_change(member: Member, channel: Channel | None, network: str) -> bool:
    """Return whether the member may manage a report covering these channels."""
    from socialops.core.permissions import can

    if not can(member, Action.MANAGE_REPORTS, member.organization):
        return False
    covered = set(_covered_channels(member.organization_id, channel, network)
                  .values_list("pk", flat=True))
    return covered <= set(visible_channels(member).values_list("pk", flat=True))


def _require_change(member: Member, channel: Channel | None, network: str) -> None:
    if not can_change(member, channel, network):
        raise PermissionDenied(_("You are not allowed to do this."))


def _snapshot(report: ReportDefinition) -> dict[str, Any]:
    return {"name": report.name, "sections": list(report.sections),
            "language": report.language, "schedule": report.schedule,
            "channel": report.channel_id, "network": report.network,
            "recipients": report.recipient_list()}


def next_run(schedule: str, after: datetime) -> datetime | None:
    """Return when a schedule next sends: Mondays or the 1st, at 07:00 local time."""
    if schedule == ReportSchedule.ON_DEMAND:
        return None
    local = timezone.localtime(after)
    day = local.date()
    tz = timezone.get_current_timezone()
    while True:
        day += timedelta(days=1)
        if (schedule == ReportSchedule.WEEKLY and day.weekday() == 0) or (
                schedule == ReportSchedule.MONTHLY and day.day == 1):
            return datetime.combine(day, time(SEND_HOUR), tz)


def report_period(schedule: str, today: date) -> Period:
    """Return the period a report sent `today` covers: last week, last month, 28 days."""
    if schedule == ReportSchedule.WEEKLY:
        monday = today - timedelta(days=today.weekday() + 7)
        return Period(monday, monday + timedelta(days=6))
    if schedule == ReportSchedule.MONTHLY:
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last.replace(
            day=calendar.monthrange(last.year, last.month)[1]))
    return Period(today - timedelta(days=28), today - timedelta(days=1))


@transaction.atomic
def create_report(member: Member, data: ReportInput, actor: Actor) -> ReportDefinition:
    """Create a report definition; audited."""
    require(member, Action.MANAGE_REPORTS, member.organization)
    data.clean()
    _require_change(member, data.channel, data.network)
    report = ReportDefinition.objects.create(
        organization_id=member.organization_id, name=data.name.strip(),
        sections=list(data.sections), language=data.language, schedule=data.schedule,
        recipients="\n".join(_addresses(data.recipients)), channel=data.channel,
        network=data.network, created_by=member,
        next_run_at=next_run(data.schedule, timezone.now()))
    audit.record(member.organization, actor, "analytics.report_create", report,
                 after=_snapshot(report))
    return report


@transaction.atomic
def update_report(member: Member, report: ReportDefinition, data: ReportInput,
                  actor: Actor) -> ReportDefinition:
    """Change a report definition; the member must cover its old and new channels."""
    _require_change(member, report.channel, report.network)
    data.clean()
    _require_change(member, data.channel, data.network)
    before = _snapshot(report)
    schedule_changed = report.schedule != data.schedule
    report.name, report.sections = data.name.strip(), list(data.sections)
    report.language, report.schedule = data.language, data.schedule
    report.recipients = "\n".join(_addresses(data.recipients))
    report.channel, report.network = data.channel, data.network
    if schedule_changed:
        report.next_run_at = next_run(data.schedule, timezone.now())
    report.save()
    audit.record(member.organization, actor, "analytics.report_update", report,
                 before=before, after=_snapshot(report))
    return report


@transaction.atomic
def delete_report(member: Member, report: ReportDefinition, actor: Actor) -> None:
    """Delete a report definition and its archive; audited."""
    _require_change(member, report.channel, report.network)
    audit.record(member.organization, actor, "analytics.report_delete", report,
                 before=_snapshot(report))
    report.delete()


def _scope(report: ReportDefinition) -> Scope:
    channels = _covered_channels(report.organization_id, report.channel, report.network)
    return Scope(report.organization_id, tuple(channels.values_list("pk", flat=True)))


def generate(report: ReportDefinition, period: Period, actor: Actor) -> ReportRun:
    """Build the report's PDF and summary for a period and archive it (not sent yet)."""
    from socialops.analytics.pdf import render_pdf

    scope = _scope(report)
    data = dashboard_data(scope, period)
    summary = summarize(scope, period, report.language)
    pdf = render_pdf(report, data, summary, report.organization.name)
    with transaction.atomic():
        run = ReportRun.objects.create(
            organization_id=report.organization_id, definition=report,
            period_start=period.start, period_end=period.end, language=report.language,
            summary="\n".join(summary), pdf=pdf, created_at=timezone.now())
        audit.record(report.organization, actor, "analytics.report_run", run,
                     after={"report": report.pk, "start": period.start.isoformat(),
                            "end": period.end.isoformat()})
    return run


def run_on_demand(member: Member, report: ReportDefinition, filters: Filters | None,
                  actor: Actor, *, send: bool = False) -> ReportRun:
    """Generate a report now for a member (and e-mail it when asked)."""
    require(member, Action.MANAGE_REPORTS, member.organization)
    _require_change(member, report.channel, report.network)
    period = filters.period if filters else report_period(report.schedule,
                                                           timezone.localdate())
    run = generate(report, period, actor)
    if send:
        from socialops.analytics.mailing import send_run

        send_run(run)
    return run


def due_reports(now: datetime | None = None) -> list[int]:
    """Return the scheduled reports whose next run has come."""
    now = now or timezone.now()
    return list(ReportDefinition.objects.filter(next_run_at__lte=now)
                .values_list("pk", flat=True))


def run_scheduled(report_id: int, now: datetime | None = None) -> ReportRun | None:
    """Generate and send one due report, once: claiming moves its next run first."""
    now = now or timezone.now()
    report = ReportDefinition.objects.select_related("organization").get(pk=report_id)
    if report.next_run_at is None or report.next_run_at > now:
        return None
    claimed = ReportDefinition.objects.filter(pk=report_id, next_run_at=report.next_run_at) \
        .update(next_run_at=next_run(report.schedule, now))
    if not claimed:
        return None  # another worker took it
    period = report_period(report.schedule, timezone.localtime(now).date())
    run = generate(report, period, Actor.system("reports"))
    from socialops.analytics.mailing import send_run

    send_run(run)
    return run


def runs_for(member: Member) -> QuerySet[ReportRun]:
    """Return the archive of reports the member may read, newest first."""
    return ReportRun.objects.filter(definition__in=reports_for(member)).select_related(
        "definition").defer("pdf")


def get_run_for_member(member: Member, run_id: int) -> ReportRun:
    """Return one archived report the member may read, or raise Http404."""
    run = ReportRun.objects.filter(definition__in=reports_for(member), pk=run_id).first()
    if run is None:
        raise Http404
    return run
