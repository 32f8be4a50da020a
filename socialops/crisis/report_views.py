"""The post-incident report as a page and as a PDF (WeasyPrint, when installed)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.crisis import report as builder
from socialops.crisis.services import get_incident_for_member


def _member(request: HttpRequest) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_INCIDENTS, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@login_required
@require_GET
def report(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Show the post-incident report."""
    incident = get_incident_for_member(_member(request), incident_id)
    context = {"report": builder.build(incident), "pdf": _pdf_available(), "standalone": False}
    return render(request, "crisis/report.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Return the post-incident report as a PDF, or 501 when WeasyPrint is missing."""
    incident = get_incident_for_member(_member(request), incident_id)
    if not _pdf_available():
        return HttpResponse(_("PDF export needs WeasyPrint on the server."), status=501,
                            content_type="text/plain; charset=utf-8")
    from weasyprint import HTML

    html = render_to_string("crisis/report_document.html",
                            {"report": builder.build(incident), "standalone": True},
                            request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.pdf"'
    return response
