"""Calendar pages: month, week and list; drag to reschedule; the member's iCal feed."""

from __future__ import annotations

from datetime import date
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can
from socialops.governance.models import ChannelStatus
from socialops.governance.services import channels_for
from socialops.publishing import feeds, pausing, planning, reliability, services
from socialops.publishing.campaigns import campaigns_for, recent_labels
from socialops.publishing.models import AttemptOutcome, VariantStatus
from socialops.publishing.views import _member


def _filters(request: HttpRequest, member: Member, source: Any) -> dict[str, Any]:
    """Read view, anchor day, channel and status from a query or form; ignore bad values."""
    zone = ZoneInfo(member.organization.time_zone)
    view = source.get("view", "month")
    if view not in planning.VIEWS:
        view = "month"
    try:
        anchor = date.fromisoformat(source.get("date", ""))
    except ValueError:
        anchor = timezone.localtime(timezone.now(), zone).date()
    channel = source.get("channel", "")
    status = source.get("status", "")
    campaign = source.get("campaign", "")
    return {
        "view": view, "anchor": anchor,
        "channel": int(channel) if channel.isdigit() else None,
        "status": status if status in VariantStatus.values else "",
        "campaign": campaign if campaign.isdigit() else "",
        "label": source.get("label", "").strip()[:50],
    }


def _query(filters: dict[str, Any], **changes: Any) -> str:
    values = {**filters, **changes}
    params = {"view": values["view"], "date": values["anchor"].isoformat()}
    if values["channel"]:
        params["channel"] = str(values["channel"])
    for name in ("status", "campaign", "label"):
        if values[name]:
            params[name] = values[name]
    return "?" + urlencode(params)


def _context(request: HttpRequest, member: Member, filters: dict[str, Any]) -> dict[str, Any]:
    zone = ZoneInfo(member.organization.time_zone)
    first_weekday = int(get_format("FIRST_DAY_OF_WEEK"))
    span = planning.span_for(filters["view"], filters["anchor"], first_weekday)
    variants = planning.calendar_variants(
        member, span, zone, channel_id=filters["channel"], status=filters["status"],
        campaign_id=int(filters["campaign"]) if filters["campaign"] else None,
        label=filters["label"])
    days = planning.by_day(variants, zone)
    today = timezone.localtime(timezone.now(), zone).date()
    return {
        "filters": filters,
        "span": span,
        "weeks": planning.weeks_of(span) if span.view != "list" else [],
        "week_days": span.days[:7],
        "days": days,
        "list_days": sorted(days.items()),
        "today": today,
        "time_zone": member.organization.time_zone,
        "can_schedule": can(member, Action.SCHEDULE_POSTS, member.organization),
        "channels": list(channels_for(member).exclude(status=ChannelStatus.ARCHIVED)
                         .order_by("network", "display_name")),
        "status_choices": VariantStatus.choices,
        "campaign_choices": [(str(c.pk), c.name) for c in campaigns_for(member)],
        "label_choices": [(label, label) for label in recent_labels(member)],
        "previous_url": _query(filters, anchor=span.previous),
        "next_url": _query(filters, anchor=span.following),
        "today_url": _query(filters, anchor=today),
        "view_urls": [(v, _query(filters, view=v)) for v in planning.VIEWS],
        "pauses": list(pausing.active_pauses(member.organization_id)),
        "feed": feeds.active_feed(member),
    }


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Show the month, a week or the list of publications, filtered by channel and status."""
    member = _member(request)
    context = _context(request, member, _filters(request, member, request.GET))
    partial = request.htmx and request.htmx.target == "calendar-body"  # type: ignore[attr-defined]
    template = "publishing/_calendar_body.html" if partial else "publishing/calendar.html"
    return render(request, template, context)


@login_required
@require_POST
def move(request: HttpRequest) -> HttpResponse:
    """Move a scheduled variant to the day it was dropped on; answer the refreshed calendar."""
    member = _member(request, Action.SCHEDULE_POSTS)
    raw_id = request.POST.get("variant", "")
    if not raw_id.isdigit():
        raise Http404
    variant = services.get_variant_for_member(member, int(raw_id))
    filters = _filters(request, member, request.POST)
    notice, error = "", ""
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        error = _("Drop the publication on a day of the calendar.")
    else:
        try:
            moved = planning.reschedule_to_day(member, Actor.from_request(request), variant, day)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            assert moved.scheduled_at is not None
            when = timezone.localtime(moved.scheduled_at, ZoneInfo(member.organization.time_zone))
            notice = _("Moved to %(when)s.") % {"when": when.strftime("%Y-%m-%d %H:%M")}
    context = {**_context(request, member, filters), "notice": notice, "error": error}
    template = "publishing/_calendar_body.html" if request.htmx else "publishing/calendar.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=200)


@login_required
@require_http_methods(["GET", "POST"])
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Create, regenerate or revoke the member's iCal address; show a new one only once."""
    member = _member(request)
    new_url = ""
    if request.method == "POST":
        actor = Actor.from_request(request)
        if request.POST.get("action") == "revoke":
            feeds.revoke_feed(member, actor)
        else:
            token = feeds.create_feed(member, actor)
            new_url = request.build_absolute_uri(
                reverse("publishing:calendar_feed", args=[token]))
    context = {"feed": feeds.active_feed(member), "new_url": new_url}
    partial = request.htmx  # type: ignore[attr-defined]
    template = "publishing/_calendar_feed.html" if partial else "publishing/calendar_feed.html"
    return render(request, template, context)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a member's calendar as iCal to any client holding the secret address."""
    member = feeds.member_for_token(token)
    if member is None:
        raise Http404
    post_url = request.build_absolute_uri(reverse("publishing:post", args=[0])).replace(
        "/0/", "/{id}/")
    response = HttpResponse(feeds.build_ics(member, post_url),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="socialops.ics"'
    return cast(HttpResponse, response)


@login_required
@require_GET
def reliability_page(request: HttpRequest) -> HttpResponse:
    """Show how publications went out: share on time, delays, failures by reason."""
    member = _member(request)
    days = request.GET.get("days", "30")
    period = int(days) if days in ("7", "30", "90") else 30
    outcome_labels = dict(AttemptOutcome.choices)
    result = reliability.report(member, days=period)
    return render(request, "publishing/reliability.html", {
        "report": result, "days": period, "periods": (7, 30, 90),
        "on_time_seconds": int(reliability.ON_TIME.total_seconds()),
        "failures": [(outcome_labels.get(o, o), code, n) for o, code, n in result.failures],
    })
