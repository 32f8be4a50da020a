"""Pages of the reports: list, create, edit, delete, run now, archive and PDF download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.analytics import logos, reports
from socialops.analytics.models import ReportDefinition, ReportSchedule, ReportSection
from socialops.analytics.reports import ReportInput
from socialops.analytics.scope import Filters, require_analytics, visible_channels
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can


def _member(request: HttpRequest) -> Member:
    return require_analytics(getattr(request, "member", None))


def _input(member: Member, request: HttpRequest) -> ReportInput:
    channel_id = request.POST.get("channel") or ""
    channel = None
    if channel_id:
        channel = visible_channels(member).filter(pk=channel_id if channel_id.isdigit()
                                                  else 0).first()
        if channel is None:
            raise ValidationError({"channel": _("Unknown channel.")})
    return ReportInput(
        name=request.POST.get("name", ""), sections=request.POST.getlist("sections"),
        language=request.POST.get("language", ""), schedule=request.POST.get("schedule", ""),
        recipients=request.POST.get("recipients", ""), channel=channel,
        network=request.POST.get("network", ""))


def _form_context(member: Member, report: ReportDefinition | None, values: dict[str, object],
                  errors: dict[str, list[str]]) -> dict[str, object]:
    channels = list(visible_channels(member).order_by("display_name"))
    return {"report": report, "values": values, "errors": errors,
            "sections": ReportSection.choices, "schedules": ReportSchedule.choices,
            "languages": [("en", _("English")), ("fr", _("French"))], "channels": channels,
            "networks": sorted({c.network for c in channels})}


def _values(report: ReportDefinition | None, request: HttpRequest) -> dict[str, object]:
    if request.method == "POST":
        return {"name": request.POST.get("name", ""),
                "sections": request.POST.getlist("sections"),
                "language": request.POST.get("language", ""),
                "schedule": request.POST.get("schedule", ""),
                "recipients": request.POST.get("recipients", ""),
                "channel": request.POST.get("channel", ""),
                "network": request.POST.get("network", "")}
    if report is None:
        return {"name": "", "sections": list(ReportSection.values), "language": "en",
                "schedule": ReportSchedule.MONTHLY, "recipients": "", "channel": "",
                "network": ""}
    return {"name": report.name, "sections": report.sections, "language": report.language,
            "schedule": report.schedule, "recipients": report.recipients,
            "channel": str(report.channel_id or ""), "network": report.network}


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """List the reports and the archive of generated ones."""
    member = _member(request)
    return render(request, "analytics/report_list.html", {
        "reports": list(reports.reports_for(member)),
        "runs": list(reports.runs_for(member)[:50]),
        "can_manage": can(member, Action.MANAGE_REPORTS, member.organization),
        "logo": logos.ReportLogo.objects.filter(organization=member.organization)
        .only("width", "height", "uploaded_at").first(),
        "logo_max_mb": logos.MAX_BYTES // (1024 * 1024),
    })


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, report_id: int | None = None) -> HttpResponse:
    """Create a report, or change one; bad input re-renders the form with its errors."""
    member = _member(request)
    report = reports.get_report_for_member(member, report_id) if report_id else None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            data = _input(member, request)
            actor = Actor.from_request(request)
            if report is None:
                report = reports.create_report(member, data, actor)
            else:
                report = reports.update_report(member, report, data, actor)
            messages.success(request, _("Report saved."))
            return HttpResponseRedirect(reverse("analytics:reports"))
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    elif not reports.can_change(member, report.channel if report else None,
                                report.network if report else ""):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("You are not allowed to do this."))
    return render(request, "analytics/report_form.html",
                  _form_context(member, report, _values(report, request), errors),
                  status=400 if errors else 200)


@login_required
@require_POST
def report_delete(request: HttpRequest, report_id: int) -> HttpResponse:
    """Delete a report and its archive."""
    member = _member(request)
    report = reports.get_report_for_member(member, report_id)
    reports.delete_report(member, report, Actor.from_request(request))
    messages.success(request, _("Report deleted."))
    return HttpResponseRedirect(reverse("analytics:reports"))


@login_required
@require_POST
def report_run(request: HttpRequest, report_id: int) -> HttpResponse:
    """Generate a report now (for its usual period, or the dates given) and maybe send it."""
    member = _member(request)
    report = reports.get_report_for_member(member, report_id)
    filters = None
    if request.POST.get("start") or request.POST.get("end"):
        try:
            filters = Filters.parse(request.POST.dict())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("analytics:reports"))
    run = reports.run_on_demand(member, report, filters, Actor.from_request(request),
                                send=request.POST.get("send") == "1")
    messages.success(request, _("Report generated."))
    return HttpResponseRedirect(reverse("analytics:report_pdf", args=[run.pk]))


@login_required
@require_GET
def report_pdf(request: HttpRequest, run_id: int) -> HttpResponse:
    """Download an archived report's PDF."""
    run = reports.get_run_for_member(_member(request), run_id)
    response = HttpResponse(bytes(run.pdf), content_type="application/pdf")
    name = f"report-{run.period_start}-{run.period_end}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@require_POST
def logo_upload(request: HttpRequest) -> HttpResponse:
    """Store the uploaded image as the reports' logo; a bad file is refused with why."""
    member = _member(request)
    try:
        logos.set_logo(member, request.FILES.get("logo"), Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Logo saved: it appears on the first page of each report."))
    return HttpResponseRedirect(reverse("analytics:reports"))


@login_required
@require_POST
def logo_delete(request: HttpRequest) -> HttpResponse:
    """Remove the reports' logo."""
    logos.remove_logo(_member(request), Actor.from_request(request))
    messages.success(request, _("Logo removed."))
    return HttpResponseRedirect(reverse("analytics:reports"))


@login_required
@require_GET
def logo_image(request: HttpRequest) -> HttpResponse:
    """Return the organization's report logo (404 when it has none)."""
    png = logos.logo_png(_member(request).organization_id)
    if png is None:
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
