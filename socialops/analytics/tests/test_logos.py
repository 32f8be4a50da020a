"""The organization's logo on PDF reports: upload, re-encoding, refusals, the PDF itself."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader

from socialops.analytics import logos, reports
from socialops.analytics.kpis import Period
from socialops.analytics.models import ReportLogo, ReportSchedule
from socialops.analytics.reports import ReportInput
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization

pytestmark = pytest.mark.django_db


def _image(fmt: str, size: tuple[int, int] = (1200, 400), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (13, 110, 253)).save(out, format=fmt, **save)
    return out.getvalue()


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _upload(client: Client, data: bytes, name: str = "logo.png") -> str:
    response = client.post("/analytics/reports/logo/",
                           {"logo": SimpleUploadedFile(name, data)}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_logo_is_reencoded_without_metadata_and_shown_on_the_pdf(
        make_org: Callable[..., Organization], make_member: Callable[..., Member],
        actor: Actor) -> None:
    org = make_org()
    manager = make_member(org, "manager")
    client = _client(manager)
    exif = Image.Exif()
    exif[0x010E] = "secret GPS and camera notes"  # ImageDescription
    html = _upload(client, _image("JPEG", exif=exif.tobytes()), "logo.jpg")
    assert "Logo saved" in html and "/analytics/reports/logo.png" in html
    logo = ReportLogo.objects.get(organization=org)
    assert (logo.width, logo.height) == (600, 200)  # shrunk to the printed box
    served = client.get("/analytics/reports/logo.png")
    assert served["Content-Type"] == "image/png"
    assert b"secret GPS" not in served.content and bytes(logo.png) == served.content
    with Image.open(io.BytesIO(served.content)) as stored:
        assert stored.format == "PNG" and not stored.getexif() and not stored.info.get("exif")
    assert AuditEvent.objects.filter(organization=org, action="analytics.logo_set").exists()

    report = reports.create_report(manager, ReportInput(
        name="Monthly", sections=["kpis"], language="en", schedule=ReportSchedule.ON_DEMAND,
        recipients=""), actor)
    run = reports.generate(report, Period(date(2026, 10, 1), date(2026, 10, 31)), actor)
    pdf = PdfReader(io.BytesIO(bytes(run.pdf)))
    assert "Monthly" in pdf.pages[0].extract_text()
    assert len(pdf.pages[0].images) == 1

    client.post("/analytics/reports/logo/delete/")
    assert not ReportLogo.objects.filter(organization=org).exists()
    assert client.get("/analytics/reports/logo.png").status_code == 404
    again = reports.generate(report, Period(date(2026, 10, 1), date(2026, 10, 31)), actor)
    assert len(PdfReader(io.BytesIO(bytes(again.pdf))).pages[0].images) == 0


def test_png_text_chunks_are_dropped(make_org: Callable[..., Organization],
                                     make_member: Callable[..., Member]) -> None:
    org = make_org()
    info = PngInfo()
    info.add_text("Comment", "internal path /home/designer/secret")
    _upload(_client(make_member(org, "owner")), _image("PNG", (300, 100), pnginfo=info))
    stored = bytes(ReportLogo.objects.get(organization=org).png)
    assert b"/home/designer" not in stored


@pytest.mark.parametrize(("data", "message"), [
    (b"<svg onload=alert(1)></svg>", "This file is not a PNG or JPEG image."),
    (_image("GIF", (50, 50)), "Upload a PNG or JPEG image (this one is GIF)."),
    (b"\x89PNG" + b"0" * (logos.MAX_BYTES + 10), "This file is too large: at most 2 MB."),
], ids=["svg", "gif", "too-large"])
def test_bad_files_are_refused_with_a_clear_message(
        data: bytes, message: str, make_org: Callable[..., Organization],
        make_member: Callable[..., Member]) -> None:
    org = make_org()
    html = _upload(_client(make_member(org, "manager")), data)
    assert message in html
    assert not ReportLogo.objects.filter(organization=org).exists()


def test_only_report_managers_may_change_the_logo(
        make_org: Callable[..., Organization], make_member: Callable[..., Member]) -> None:
    org = make_org()
    client = _client(make_member(org, "responder"))
    response = client.post("/analytics/reports/logo/",
                           {"logo": SimpleUploadedFile("logo.png", _image("PNG"))})
    assert response.status_code == 403
    assert not ReportLogo.objects.exists()
    # Another organization's logo is never served.
    _upload(_client(make_member(make_org("Other"), "owner")), _image("PNG"))
    assert client.get("/analytics/reports/logo.png").status_code == 404
