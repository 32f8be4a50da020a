"""E-mail an archived report: HTML body with the summary, the PDF attached."""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from socialops.analytics.models import ReportRun
from socialops.core.models import Member

log = logging.getLogger(__name__)


def allowed_recipients(organization_id: int, addresses: list[str]) -> list[str]:
    """Drop the addresses of people who have left the organization (checked at send time).

    An address that belongs to no member (leadership outside socialops) stays; one whose
    only membership here was deactivated — offboarding — no longer gets the figures.
    """
    if not addresses:
        return []
    left = set(
        Member.objects.filter(organization_id=organization_id, is_active=False,
                              user__email__in=addresses).values_list("user__email", flat=True))
    kept = [a for a in addresses if a not in left]
    if left:
        log.info("report recipients skipped (left the organization): %d", len(left))
    return kept


def send_run(run: ReportRun) -> bool:
    """Send the report to its definition's recipients; record the outcome on the run."""
    report = run.definition
    recipients = allowed_recipients(report.organization_id, report.recipient_list())
    if not recipients:
        return False
    with translation.override(run.language):
        subject = _("%(report)s — %(start)s to %(end)s") % {
            "report": report.name, "start": run.period_start.isoformat(),
            "end": run.period_end.isoformat()}
        context = {"run": run, "report": report, "summary": run.summary.splitlines(),
                   "organization_name": report.organization.name}
        text = render_to_string("analytics/email/report.txt", context)
        html = render_to_string("analytics/email/report.html", context)
    message = EmailMultiAlternatives(subject, text, None, recipients)
    message.attach_alternative(html, "text/html")
    filename = f"{report.name}-{run.period_start}-{run.period_end}.pdf".replace("/", "-")
    message.attach(filename, bytes(run.pdf), "application/pdf")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("report %s could not be sent: %s", run.pk, exc)
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED,
                                                   error=str(exc)[:500])
        return False
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.SENT,
                                               sent_to="\n".join(recipients), error="")
    return True
