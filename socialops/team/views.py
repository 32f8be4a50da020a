"""Pages of the team app: on call now, pages, coverage map, shift feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance.services import channels_for
from socialops.team import pager, shifts
from socialops.team.coverage import coverage_map
from socialops.team.models import HandoffNote
from socialops.team.roster import Roster


def _member(request: HttpRequest) -> Member:
    """Return the member the request acts as, once allowed to see the team pages."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_TEAM, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _nav(member: Member) -> dict[str, Any]:
    return {"can_staffing": can(member, Action.VIEW_STAFFING, member.organization),
            "can_manage": can(member, Action.MANAGE_SHIFTS, member.organization)}


class HandoffForm(forms.Form):
    """Parse a handover note."""

    text = forms.CharField(label=gettext_lazy("Handover note"), max_length=shifts.NOTE_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    """Parse an override or time off: who, from, until, why."""

    member = forms.TypedChoiceField(label=gettext_lazy("Who"), coerce=int)
    starts_at = forms.DateTimeField(label=gettext_lazy("From"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=gettext_lazy("Until"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.pk, m.display_name) for m in members]


def _members(member: Member) -> list[Member]:
    return list(Member.objects.filter(organization=member.organization, is_active=True)
                .select_related("user"))


def _oncall_context(member: Member, now: datetime) -> dict[str, Any]:
    roster = Roster(member.organization, now, now)
    rows = [(channel, roster.cover(channel.pk, now))
            for channel in channels_for(member).order_by("display_name")]
    rotations = shifts.rotations_for(member)
    on_duty = {rotation.pk: roster.on_duty(rotation, now) for rotation in rotations}
    notes = list(HandoffNote.objects.filter(organization=member.organization)
                 .select_related("author__user", "rotation")[:10])
    return {"rows": rows, "rotations": [(r, on_duty[r.pk]) for r in rotations],
            "notes": notes, "now": now, "has_feed": shifts.has_feed(member),
            "handoff_form": HandoffForm(), **_nav(member)}


@login_required
@require_GET
def oncall(request: HttpRequest) -> HttpResponse:
    """Show who is on call now for every channel, the rotations and the handover notes."""
    member = _member(request)
    return render(request, "team/oncall.html", _oncall_context(member, timezone.now()))


@login_required
@require_POST
def handoff(request: HttpRequest, rotation_id: int) -> HttpResponse:
    """Leave a handover note on a rotation."""
    member = _member(request)
    shifts.get_rotation(member, rotation_id)
    form = HandoffForm(request.POST)
    if form.is_valid():
        try:
            shifts.add_handoff(member, rotation_id, form.cleaned_data["text"],
                               Actor.from_request(request))
        except ValidationError as exc:
            form.add_error("text", exc)
    if not form.is_valid() or form.errors:
        context = {**_oncall_context(member, timezone.now()), "handoff_form": form,
                   "handoff_rotation": rotation_id}
        return render(request, "team/oncall.html", context, status=400)
    messages.success(request, _("Handover note saved."))
    return HttpResponseRedirect(reverse("team:oncall"))


def _local(value: datetime, member: Member) -> datetime:
    """Read a datetime-local field in the organization's time zone."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=ZoneInfo(member.organization.time_zone))
    return value


@login_required
def rotation(request: HttpRequest, rotation_id: int) -> HttpResponse:
    """Show a rotation; shift managers add overrides (swaps) there."""
    member = _member(request)
    item = shifts.get_rotation(member, rotation_id)
    form = PeriodForm(request.POST or None, members=_members(member))
    status = 200
    if request.method == "POST":
        require(member, Action.MANAGE_SHIFTS, member.organization)
        if form.is_valid():
            data = form.cleaned_data
            try:
                shifts.add_override(member, item.pk, data["member"],
                                    _local(data["starts_at"], member),
                                    _local(data["ends_at"], member), data["reason"],
                                    Actor.from_request(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Override saved."))
                return HttpResponseRedirect(reverse("team:rotation", args=[item.pk]))
        status = 400
    from socialops.team.rotation_views import SlotForm

    context = {"rotation": item, "slots": item.slots.select_related("member__user"),
               "slot_form": SlotForm(members=_members(member)),
               "overrides": item.overrides.select_related("member__user")
               .filter(ends_at__gt=timezone.now()),
               "form": form, **_nav(member)}
    return render(request, "team/rotation.html", context, status=status)


@login_required
def time_off(request: HttpRequest) -> HttpResponse:
    """Record time off: one's own, or anyone's for shift managers."""
    member = _member(request)
    allowed = (_members(member) if can(member, Action.MANAGE_SHIFTS, member.organization)
               else [member])
    form = PeriodForm(request.POST or None, members=allowed, initial={"member": member.pk})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                shifts.add_time_off(member, data["member"], _local(data["starts_at"], member),
                                    _local(data["ends_at"], member), data["reason"],
                                    Actor.from_request(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Time off saved."))
                return HttpResponseRedirect(reverse("team:oncall"))
        status = 400
    return render(request, "team/time_off.html", {"form": form, **_nav(member)}, status=status)


@login_required
@require_GET
def pages(request: HttpRequest) -> HttpResponse:
    """List the pages the member received (all of them for shift managers)."""
    member = _member(request)
    return render(request, "team/pages.html", {"pages": pager.pages_for(member),
                                               "member": member, **_nav(member)})


@login_required
@require_POST
def page_acknowledge(request: HttpRequest, page_id: int) -> HttpResponse:
    """Acknowledge a page: escalation stops."""
    member = _member(request)
    pager.acknowledge(member, page_id, Actor.from_request(request))
    messages.success(request, _("Page acknowledged."))
    return HttpResponseRedirect(reverse("team:pages"))


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Show every channel x hour of the week with its cover, gaps and single points."""
    member = _member(request)
    week: date | None = None
    if request.GET.get("week"):
        try:
            week = date.fromisoformat(request.GET["week"])
        except ValueError:
            messages.error(request, _("Choose a valid date."))
    result = coverage_map(member, week)
    return render(request, "team/coverage.html", {
        "map": result, "hours": range(24), "days": [WEEKDAYS_ABBR[d] for d in range(7)],
        **_nav(member)})


@login_required
@require_POST
def feed_manage(request: HttpRequest) -> HttpResponse:
    """Create (or replace) or revoke the member's secret shift feed address."""
    member = _member(request)
    actor = Actor.from_request(request)
    if request.POST.get("action") == "revoke":
        shifts.revoke_feed(member, actor)
        messages.success(request, _("The shift feed address no longer works."))
        return HttpResponseRedirect(reverse("team:oncall"))
    token = shifts.create_feed(member, actor)
    url = request.build_absolute_uri(reverse("team:shift_feed", args=[token]))
    context = {**_oncall_context(member, timezone.now()), "feed_url": url}
    return render(request, "team/oncall.html", context)


@require_GET
def shift_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Serve a member's on-call shifts as iCal to any client holding the secret address."""
    member = shifts.member_for_token(token)
    if member is None:
        raise Http404
    response = HttpResponse(shifts.build_ics(member), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="on-call.ics"'
    return cast(HttpResponse, response)


@login_required
@require_GET
def workload(request: HttpRequest) -> HttpResponse:
    """Show a person's workload and burnout signals (theirs, or a report's for a manager)."""
    from socialops.team.workload import (
        AFTER_HOURS_HOURS,
        AFTER_HOURS_WEEKS,
        LONG_STRETCH_HOURS,
        NEGATIVE_MESSAGES,
        ON_CALL_DAYS,
        visible_members,
        workload_for,
    )

    member = _member(request)
    try:
        member_id = int(request.GET.get("member", member.pk))
    except ValueError:
        raise Http404 from None
    result = workload_for(member, member_id)
    return render(request, "team/workload.html", {
        "workload": result, "people": visible_members(member),
        "thresholds": {"after_hours": AFTER_HOURS_HOURS, "weeks": AFTER_HOURS_WEEKS,
                       "stretch": LONG_STRETCH_HOURS, "on_call": ON_CALL_DAYS,
                       "negative": NEGATIVE_MESSAGES},
        **_nav(member)})
