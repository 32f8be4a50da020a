"""Pages of the analytics app: the dashboard and its CSV/XLSX exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from socialops.analytics.breakdowns import campaign_dashboard, team_dashboard
from socialops.analytics.dashboard import dashboard_data
from socialops.analytics.definitions import DEFINITIONS
from socialops.analytics.exports import TABLES, table_rows
from socialops.analytics.scope import Filters, require_analytics, scope_for, visible_channels
from socialops.analytics.summary import summarize
from socialops.core.models import Member
from socialops.publishing.models import Campaign

KPI_CARDS = ("impressions", "reach", "engagements", "engagement_rate_reach",
             "engagement_rate_impressions", "followers", "follower_change", "follower_growth")


def _member(request: HttpRequest) -> Member:
    return require_analytics(getattr(request, "member", None))


def _slot(slot: dict[str, Any]) -> str:
    # ISO weekday 1 is Monday; 2026-01-05 was a Monday.
    day = date(2026, 1, 4 + slot["weekday"])
    return f"{date_format(day, 'D')} {slot['hour']:02d}:00"


def _filters(request: HttpRequest) -> tuple[Filters, str]:
    try:
        return Filters.parse(request.GET.dict()), ""
    except ValidationError as exc:
        return Filters.parse({}), " ".join(exc.messages)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show the organization's dashboard for a date range, one channel or one network."""
    member = _member(request)
    filters, error = _filters(request)
    scope = scope_for(member, filters)
    data = dashboard_data(scope, filters.period)
    channels = list(visible_channels(member).order_by("display_name")
                    .values("pk", "display_name", "network"))
    cards = [{"key": key, "definition": DEFINITIONS[key], "value": data["kpis"][key],
              "previous": data["change_previous"].get(key),
              "last_year": data["change_last_year"].get(key)} for key in KPI_CARDS]
    return render(request, "analytics/dashboard.html", {
        "filters": filters, "error": error, "data": data, "cards": cards,
        "channels": channels, "networks": sorted({c["network"] for c in channels}),
        "query": urlencode(filters.query()), "definitions": DEFINITIONS,
        "summary": summarize(scope, filters.period),
        "tables": TABLES, "best_times": [_slot(s) for s in data["best_times"]],
        "chart_labels": {
            "impressions": str(DEFINITIONS["impressions"].label),
            "engagements": str(DEFINITIONS["engagements"].label),
            "reach": str(DEFINITIONS["reach"].label),
        },
    }, status=400 if error else 200)


@login_required
@require_GET
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Show one campaign against its targets: results, costs, channels and top posts."""
    member = _member(request)
    # Another organization's campaign is a 404, like one that does not exist.
    item = get_object_or_404(Campaign, pk=campaign_id, organization_id=member.organization_id)
    scope = scope_for(member, Filters.parse({}))
    data = campaign_dashboard(scope, item)
    for row in data["targets"]:
        row["definition"] = DEFINITIONS["link_clicks" if row["key"] == "clicks" else row["key"]]
    return render(request, "analytics/campaign.html", {
        "campaign": item, "data": data, "definitions": DEFINITIONS,
        "chart_labels": {"impressions": str(DEFINITIONS["impressions"].label),
                         "engagements": str(DEFINITIONS["engagements"].label)},
    })


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """Show the inbox's response KPIs per person and per channel for a date range."""
    member = _member(request)
    filters, error = _filters(request)
    scope = scope_for(member, filters)
    return render(request, "analytics/team.html", {
        "filters": filters, "error": error, "data": team_dashboard(scope, filters.period),
        "channels": list(visible_channels(member).order_by("display_name")
                         .values("pk", "display_name", "network")),
        "definitions": DEFINITIONS,
    }, status=400 if error else 200)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """Download one dashboard table (`table`) as CSV or XLSX (`format`), with filters."""
    member = _member(request)
    table, fmt = request.GET.get("table", ""), request.GET.get("format", "csv")
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    try:
        filters = Filters.parse(request.GET.dict())
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain")
    header, rows = table_rows(table, scope_for(member, filters), filters.period)
    name = f"{table}-{filters.period.start}-{filters.period.end}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(_xlsx(header, rows), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    else:
        response = HttpResponse(_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _safe_cell(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet: neutralise post texts.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    return out.getvalue()


def _xlsx(header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
