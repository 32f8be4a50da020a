"""Reports: definitions, PDF (text extracted), e-mail to a local SMTP server, permissions."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from socialops.analytics import reports
from socialops.analytics.kpis import Period
from socialops.analytics.models import ReportDefinition, ReportRun, ReportSchedule
from socialops.analytics.reports import ReportInput
from socialops.analytics.tasks import run_due_reports
from socialops.analytics.tests.data import fill_days, published_post
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel

pytestmark = pytest.mark.django_db
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


class Sink:
    """Collect the messages a local SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.received.set()
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    sink = Sink()
    with socket.socket() as probe:  # a free loopback port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Maison Éloïse")


@pytest.fixture
def channels(org: Organization, make_channel: Callable[..., Channel]) -> tuple[Channel, Channel]:
    a = make_channel(org, display_name="Éloïse Instagram")
    b = make_channel(org, network="x", display_name="Éloïse X")
    for channel, engagements in ((a, 50), (b, 40)):
        fill_days(channel, date(2026, 8, 31), 31, engagements=engagements)
    fill_days(a, OCTOBER.start, 31, impressions=1200, reach=600, engagements=80)
    fill_days(b, OCTOBER.start, 31, engagements=40)
    published_post(a, "Les reels d\u2019automne sont là", datetime(2026, 10, 8, 9, tzinfo=UTC),
                   reach=3000, engagements=420)
    return a, b


def _input(**changes: Any) -> ReportInput:
    values: dict[str, Any] = {"name": "Rapport mensuel", "sections": ["summary", "kpis",
                                                                     "daily", "channels"],
                              "language": "fr", "schedule": ReportSchedule.MONTHLY,
                              "recipients": "direction@eloise.example\ncom@eloise.example"}
    values.update(changes)
    return ReportInput(**values)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_carries_the_summary_in_the_reports_language(
    org: Organization, channels: Any, make_member: Callable[..., Member], actor: Actor,
) -> None:
    manager = make_member(org, "manager")
    report = reports.create_report(manager, _input(), actor)
    run = reports.generate(report, OCTOBER, actor)
    text = " ".join(_pdf_text(bytes(run.pdf)).split())
    assert "Rapport mensuel" in text and "Maison Éloïse" in text
    assert "Les interactions ont augmenté de 33,3 % pour atteindre 3 720" in text
    assert "Éloïse Instagram" in text
    assert "Page 1 / " in text
    assert run.summary.startswith("Les interactions ont augmenté")
    assert AuditEvent.objects.filter(organization=org, action="analytics.report_run").exists()


def test_the_report_is_emailed_with_its_pdf(org: Organization, channels: Any,
                                            make_member: Callable[..., Member], actor: Actor,
                                            smtp: Sink) -> None:
    report = reports.create_report(make_member(org, "manager"), _input(language="en"), actor)
    run = reports.generate(report, OCTOBER, actor)
    from socialops.analytics.mailing import send_run

    assert send_run(run)
    assert smtp.received.wait(5)
    message = smtp.messages[0]
    assert message["To"] == "direction@eloise.example, com@eloise.example"
    parts = list(message.walk())
    html = next(p for p in parts if p.get_content_type() == "text/html")
    assert "Engagements rose 33.3% to 3,720" in html.get_payload(decode=True).decode()
    pdf = next(p for p in parts if p.get_content_type() == "application/pdf")
    assert pdf.get_filename().endswith("2026-10-01-2026-10-31.pdf")
    attached = pdf.get_payload(decode=True)
    assert isinstance(attached, bytes)
    assert "Engagements rose 33.3%" in " ".join(_pdf_text(attached)
                                                .split())
    run.refresh_from_db()
    assert run.status == ReportRun.Status.SENT


def test_scheduled_reports_run_once_when_due(org: Organization, channels: Any,
                                             make_member: Callable[..., Member],
                                             actor: Actor, smtp: Sink) -> None:
    report = reports.create_report(make_member(org, "manager"), _input(), actor)
    assert report.next_run_at is not None and report.next_run_at.day == 1
    assert report.next_run_at.hour == 7
    ReportDefinition.objects.filter(pk=report.pk).update(
        next_run_at=datetime(2026, 11, 1, 6, tzinfo=UTC))
    assert run_due_reports() == 1
    assert run_due_reports() == 0  # moved to next month: nothing twice
    run = ReportRun.objects.get(definition=report)
    assert run.status == ReportRun.Status.SENT
    assert smtp.received.wait(5)


def test_periods_of_schedules() -> None:
    assert reports.report_period(ReportSchedule.MONTHLY, date(2026, 11, 1)) == OCTOBER
    assert reports.report_period(ReportSchedule.WEEKLY, date(2026, 11, 4)) == Period(
        date(2026, 10, 26), date(2026, 11, 1))
    after = datetime(2026, 11, 4, 12, tzinfo=UTC)
    assert reports.next_run(ReportSchedule.WEEKLY, after).date() == date(2026, 11, 9)
    assert reports.next_run(ReportSchedule.ON_DEMAND, after) is None


def test_bad_definitions_are_refused_with_reasons(org: Organization,
                                                  make_member: Callable[..., Member],
                                                  actor: Actor) -> None:
    manager = make_member(org, "manager")
    with pytest.raises(ValidationError) as caught:
        reports.create_report(manager, _input(name=" ", sections=[], recipients="not-an-email",
                                              language="de"), actor)
    assert set(caught.value.message_dict) == {"name", "sections", "recipients", "language"}
    assert not ReportDefinition.objects.exists()


def test_an_analyst_cannot_change_reports_of_channels_not_granted(
    org: Organization, channels: tuple[Channel, Channel], make_member: Callable[..., Member],
    actor: Actor,
) -> None:
    a, b = channels
    manager = make_member(org, "manager")
    analyst = make_member(org, "analyst")
    set_grant(analyst, a, "only", ["analytics.view"], actor)
    analyst.refresh_from_db()
    on_b = reports.create_report(manager, _input(channel=b), actor)
    whole = reports.create_report(manager, _input(name="Tout"), actor)
    # The analyst reads and changes reports of channel A only.
    mine = reports.create_report(analyst, _input(name="Instagram", channel=a), actor)
    assert list(reports.reports_for(analyst)) == [mine, whole]
    with pytest.raises(PermissionDenied):
        reports.update_report(analyst, whole, _input(name="Tout (modifié)"), actor)
    with pytest.raises(PermissionDenied):
        reports.create_report(analyst, _input(channel=b), actor)
    with pytest.raises(PermissionDenied):
        reports.update_report(analyst, mine, _input(channel=None), actor)
    client = Client()
    client.force_login(analyst.user)
    assert client.get(f"/analytics/reports/{on_b.pk}/").status_code == 404
    assert client.post(f"/analytics/reports/{whole.pk}/delete/").status_code == 403
    assert ReportDefinition.objects.count() == 3


def test_pages_create_run_and_download(org: Organization, channels: Any,
                                       make_member: Callable[..., Member]) -> None:
    client = Client()
    client.force_login(make_member(org, "manager").user)
    bad = client.post("/analytics/reports/new/", {"name": "", "sections": ["kpis"],
                                                  "language": "en", "schedule": "monthly"})
    assert bad.status_code == 400 and "Give the report a name." in bad.content.decode()
    response = client.post("/analytics/reports/new/", {
        "name": "Weekly", "sections": ["summary", "kpis"], "language": "en",
        "schedule": "on_demand", "recipients": ""})
    assert response.status_code == 302
    report = ReportDefinition.objects.get(name="Weekly")
    ran = client.post(f"/analytics/reports/{report.pk}/run/",
                      {"start": "2026-10-01", "end": "2026-10-31"})
    assert ran.status_code == 302
    pdf = client.get(ran["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert "Engagements rose" in _pdf_text(pdf.content)
    listing = client.get("/analytics/reports/").content.decode()
    assert "Weekly" in listing and "2026-10-01" in listing
    outsider = Client()
    outsider.force_login(make_member(Organization.objects.create(name="Other", slug="other"),
                                     "owner").user)
    run = ReportRun.objects.get()
    assert outsider.get(f"/analytics/archive/{run.pk}.pdf").status_code == 404


def test_a_report_is_not_sent_to_someone_who_left(org: Organization, channels: Any,
                                                 make_member: Callable[..., Member],
                                                 actor: Actor, smtp: Sink) -> None:
    from socialops.analytics.mailing import send_run
    from socialops.core.services import set_member_active

    leaver = make_member(org, "analyst", email="leaver@eloise.example")
    report = reports.create_report(make_member(org, "manager"), _input(
        language="en", recipients="direction@eloise.example\nleaver@eloise.example"), actor)
    run = reports.generate(report, OCTOBER, actor)
    set_member_active(leaver, False, actor)
    assert send_run(run)
    assert smtp.received.wait(5)
    assert smtp.messages[0]["To"] == "direction@eloise.example"
