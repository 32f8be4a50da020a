"""The leadership page: request statistics and the decline log."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from socialops.core.permissions import Action
from socialops.requests.statistics import decline_log, request_statistics
from socialops.requests.views import member_of, nav_context

PERIODS = ("30", "90", "365")
LOG_SIZE = 200


def duration_label(value: timedelta | None) -> str:
    """Return a duration as people say it: minutes, hours or days, in the reader's format."""
    if value is None:
        return ""
    hours = value.total_seconds() / 3600
    if hours < 1:
        return _("%(n)s min") % {"n": number_format(hours * 60, 0)}
    if hours < 48:
        return _("%(n)s h") % {"n": number_format(hours, 1)}
    return _("%(n)s days") % {"n": number_format(hours / 24, 1)}


@login_required
@require_GET
def request_statistics_page(request: HttpRequest) -> HttpResponse:
    """Show volume per month, acceptance rate, time to answer, top reasons and the log."""
    member = member_of(request, Action.VIEW_REQUEST_STATS)
    period = request.GET.get("period", "365")
    since = timezone.now() - timedelta(days=int(period)) if period in PERIODS else None
    figures = request_statistics(member, since)
    peak = max((n for _month, n in figures.per_month), default=0)
    return render(request, "requests/statistics.html", {
        "figures": figures, "period": period, "periods": PERIODS,
        "peak": peak, "median_hours": duration_label(figures.median_first_answer),
        "declines": list(decline_log(member, since)[:LOG_SIZE]), **nav_context(member)})
