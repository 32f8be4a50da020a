"""The staffing page (heatmap, FTE, what-if) and its one-page business case PDF."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.team import staffing_case
from socialops.team.staffing_case import StaffingCase, WhatIf


class WhatIfForm(forms.Form):
    """Parse the what-if assumptions of the staffing page."""

    volume = forms.FloatField(label=gettext_lazy("Volume factor (1 = measured)"), min_value=0.1,
                              max_value=20, initial=1.0)
    target_minutes = forms.FloatField(label=gettext_lazy("Answer within (minutes)"),
                                      min_value=0.5, max_value=10080)
    service_level = forms.FloatField(label=gettext_lazy("Share answered in time (%)"),
                                     min_value=1, max_value=99)
    concurrency = forms.FloatField(label=gettext_lazy("Conversations handled at once"),
                                   min_value=1, max_value=20)

    def what_if(self, base: WhatIf) -> WhatIf:
        """Return the assumptions with the valid fields applied."""
        data = self.cleaned_data
        return WhatIf(volume=data["volume"], target_s=data["target_minutes"] * 60,
                      service_level=data["service_level"] / 100,
                      max_occupancy=base.max_occupancy, shrinkage=base.shrinkage,
                      concurrency=data["concurrency"], contract_hours=base.contract_hours)


def _staffing_member(request: HttpRequest) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_STAFFING, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _case(request: HttpRequest, member: Member) -> tuple[WhatIfForm, StaffingCase]:
    base = WhatIf.from_settings(staffing_case.team_settings(member.organization))
    initial = {"volume": 1.0, "target_minutes": base.target_s / 60,
               "service_level": round(base.service_level * 100), "concurrency": base.concurrency}
    if any(name in request.GET for name in initial):
        form = WhatIfForm({**initial, **request.GET.dict()})
        what_if = form.what_if(base) if form.is_valid() else base
    else:
        form = WhatIfForm(initial=initial)
        what_if = base
    return form, staffing_case.staffing_case(member, what_if)


def _context(case: StaffingCase) -> dict[str, Any]:
    peak = max(case.peak, 1)
    rows = [(WEEKDAYS[day], [(hour, agents, round(agents / peak, 2))
                              for hour, agents in enumerate(hours)])
            for day, hours in enumerate(case.grid())]
    return {"case": case, "rows": rows, "hours": range(24),
            "fte": staffing_case.fte_label(case.fte),
            "aht_minutes": round(case.measured.aht_s / 60, 1),
            "reply_minutes": round(case.measured.reply_s / 60, 1),
            "target_minutes": round(case.what_if.target_s / 60, 1),
            "service_level_pct": round(case.what_if.service_level * 100),
            "occupancy_pct": round(case.what_if.max_occupancy * 100),
            "shrinkage_pct": round(case.what_if.shrinkage * 100)}


@login_required
@require_GET
def staffing(request: HttpRequest) -> HttpResponse:
    """Show the staff needed per hour of the week, the FTE total and a what-if form."""
    member = _staffing_member(request)
    form, case = _case(request, member)
    context = {**_context(case), "form": form, "query": request.GET.urlencode(),
               "can_manage": can(member, Action.MANAGE_SHIFTS, member.organization)}
    return render(request, "team/staffing.html", context,
                  status=200 if not form.is_bound or form.is_valid() else 400)


@login_required
@require_GET
def staffing_pdf(request: HttpRequest) -> HttpResponse:
    """Return the staffing case as a one-page PDF business case."""
    from socialops.team.pdf import render_pdf, staffing_chart_svg

    member = _staffing_member(request)
    _form, case = _case(request, member)
    try:
        context = {**_context(case), "organization": member.organization,
                   "chart": staffing_chart_svg(case)}
        pdf = render_pdf(request, "team/staffing_pdf.html", context)
    except ImportError:
        return _no_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="staffing-case.pdf"'
    return response


def _no_pdf() -> HttpResponse:
    """Answer 501 when WeasyPrint or matplotlib is not installed (the page still works)."""
    return HttpResponse(_("PDF export needs WeasyPrint and matplotlib, which are not "
                          "installed."), status=501, content_type="text/plain; charset=utf-8")


def _role_report_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    from socialops.team.role_report import job_description, role_report

    people = list(Member.objects.filter(organization=member.organization, is_active=True)
                  .select_related("user"))
    chosen: Member | None = None
    if request.GET.get("member"):
        chosen = next((p for p in people if str(p.pk) == request.GET["member"]), None)
        if chosen is None:
            raise Http404
    language = request.GET.get("language", "")
    if language not in ("en", "fr"):
        language = member.organization.language if member.organization.language in (
            "en", "fr") else "en"
    try:
        days = min(max(int(request.GET.get("days", "90")), 7), 366)
    except ValueError:
        days = 90
    report = role_report(member, chosen, days)
    return {"report": report, "people": people, "chosen": chosen, "language": language,
            "days": days, "draft": job_description(report, language),
            "organization": member.organization, "query": request.GET.urlencode()}


@login_required
@require_GET
def role_report_page(request: HttpRequest) -> HttpResponse:
    """Show what the job consists of, measured, and the job description draft."""
    member = _staffing_member(request)
    return render(request, "team/role_report.html", {
        **_role_report_context(request, member),
        "can_manage": can(member, Action.MANAGE_SHIFTS, member.organization)})


@login_required
@require_GET
def role_report_pdf(request: HttpRequest) -> HttpResponse:
    """Return the job description draft as a PDF."""
    from socialops.team.pdf import render_pdf

    member = _staffing_member(request)
    try:
        pdf = render_pdf(request, "team/role_report_pdf.html",
                         _role_report_context(request, member))
    except ImportError:
        return _no_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="job-description.pdf"'
    return response
