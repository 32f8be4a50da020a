"""Pages for the managers: saved replies, response-time targets and hours, the report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member, Team
from socialops.core.permissions import Action, require
from socialops.governance.services import channels_for
from socialops.inbox.models import (
    Holiday,
    OpeningHours,
    Priority,
    ReplyLanguage,
    ResponseTarget,
)
from socialops.inbox.services import reply_approval, saved_replies, targets
from socialops.inbox.services import report as reports
from socialops.inbox.services.saved_replies import SavedReplyData
from socialops.inbox.services.schedule import DEFAULT_TARGET


def _manager(request: HttpRequest) -> Member:
    """Return the member, once allowed to manage the inbox's settings."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


class SavedReplyForm(forms.Form):
    """Parse a saved reply; the service validates it."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=ReplyLanguage.choices)
    team = forms.TypedChoiceField(label=gettext_lazy("Team"), required=False, coerce=int,
                                  empty_value=None)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 6}),
                           max_length=5000)

    def __init__(self, *args: Any, teams: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ChoiceField)
        team_field.choices = [("", _("Whole organization"))] + [
            (team.pk, team.name) for team in teams]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def data_object(self) -> SavedReplyData:
        return SavedReplyData(title=self.cleaned_data["title"], body=self.cleaned_data["body"],
                              language=self.cleaned_data["language"],
                              team_id=self.cleaned_data["team"])


def _teams(member: Member) -> list[Team]:
    return list(Team.objects.filter(organization_id=member.organization_id).order_by("name"))


@login_required
@require_GET
def saved_reply_list(request: HttpRequest) -> HttpResponse:
    """List the organization's saved replies."""
    member = _manager(request)
    rows = list(saved_replies.saved_replies_for(member).order_by("language", "title"))
    return render(request, "inbox/settings/saved_replies.html",
                  {"rows": rows, "variables": saved_replies.VARIABLES})


def _form_page(request: HttpRequest, member: Member, form: SavedReplyForm,
               reply: Any | None) -> HttpResponse:
    return render(request, "inbox/settings/saved_reply_form.html",
                  {"form": form, "reply": reply, "variables": saved_replies.VARIABLES})


def _submit(request: HttpRequest, member: Member, form: SavedReplyForm,
            reply: Any | None) -> HttpResponse:
    if not form.is_valid():
        return _form_page(request, member, form, reply)
    actor = Actor.from_request(request)
    try:
        if reply is None:
            saved_replies.create_saved_reply(member, form.data_object(), actor)
        else:
            saved_replies.update_saved_reply(member, reply, form.data_object(), actor)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _form_page(request, member, form, reply)
    messages.success(request, _("Saved reply saved."))
    return HttpResponseRedirect(reverse("inbox:saved_replies"))


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_create(request: HttpRequest) -> HttpResponse:
    """Write a new saved reply."""
    member = _manager(request)
    if request.method == "POST":
        return _submit(request, member, SavedReplyForm(request.POST, teams=_teams(member)),
                       None)
    initial = {"language": member.organization.language}
    return _form_page(request, member, SavedReplyForm(initial=initial, teams=_teams(member)),
                      None)


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_edit(request: HttpRequest, saved_reply_id: int) -> HttpResponse:
    """Change a saved reply."""
    member = _manager(request)
    reply = saved_replies.get_saved_reply(member, saved_reply_id)
    if request.method == "POST":
        return _submit(request, member, SavedReplyForm(request.POST, teams=_teams(member)),
                       reply)
    initial = {"title": reply.title, "language": reply.language, "team": reply.team_id or "",
               "body": reply.body}
    return _form_page(request, member, SavedReplyForm(initial=initial, teams=_teams(member)),
                      reply)


@login_required
@require_POST
def saved_reply_delete(request: HttpRequest, saved_reply_id: int) -> HttpResponse:
    """Delete a saved reply."""
    member = _manager(request)
    reply = saved_replies.get_saved_reply(member, saved_reply_id)
    saved_replies.delete_saved_reply(member, reply, Actor.from_request(request))
    messages.success(request, _("Saved reply deleted."))
    return HttpResponseRedirect(reverse("inbox:saved_replies"))


PRIORITIES = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]


@login_required
@require_GET
def response_times(request: HttpRequest) -> HttpResponse:
    """Show the targets per channel and priority, the opening hours and the holidays."""
    member = _manager(request)
    channels = list(channels_for(member).select_related(None).order_by("display_name")
                    .only("pk", "display_name", "network"))
    found = {(t.channel_id, t.priority): t.minutes
             for t in ResponseTarget.objects.filter(organization_id=member.organization_id)}
    rows: list[dict[str, Any]] = [
        {"channel": None, "cells": [(p, found.get((None, p))) for p in PRIORITIES]}]
    rows += [{"channel": c, "cells": [(p, found.get((c.pk, p))) for p in PRIORITIES]}
             for c in channels]
    hours = {h.weekday: h for h in OpeningHours.objects.filter(
        organization_id=member.organization_id)}
    week = [(day, WEEKDAYS[day], hours.get(day)) for day in range(7)]
    context = {
        "priorities": [(p.value, p.label) for p in PRIORITIES],
        "rows": rows,
        "week": week,
        "holidays": list(Holiday.objects.filter(organization_id=member.organization_id,
                                                day__gte=timezone.localdate() - timedelta(
                                                    days=31))),
        "time_zone": member.organization.time_zone,
        "default_hours": int(DEFAULT_TARGET.total_seconds() // 3600),
    }
    return render(request, "inbox/settings/response_times.html", context)


def _back_to_times() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("inbox:response_times"))


def _run(request: HttpRequest, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back_to_times()


def _minutes(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError(_("Give the target in whole minutes."))
    return int(raw)


@login_required
@require_POST
def targets_save(request: HttpRequest) -> HttpResponse:
    """Save every target of the table (an empty cell clears it)."""
    member = _manager(request)
    channels = {c.pk: c for c in channels_for(member).select_related(None).only("pk")}

    def save() -> None:
        wanted: list[tuple[Any, int, int | None]] = []
        for key in request.POST:
            value = request.POST.get(key, "")
            if not key.startswith("target-"):
                continue
            _prefix, channel_part, priority_part = [*key.split("-"), "", ""][:3]
            if not priority_part.isdigit() or not (channel_part == "all"
                                                    or channel_part.isdigit()):
                continue
            channel = None if channel_part == "all" else channels.get(int(channel_part))
            if channel_part != "all" and channel is None:
                raise Http404
            wanted.append((channel, int(priority_part), _minutes(value)))
        current = {(t.channel_id, t.priority): t.minutes for t in
                   ResponseTarget.objects.filter(organization_id=member.organization_id)}
        for channel, priority, minutes in wanted:
            if current.get((channel.pk if channel else None, priority)) != minutes:
                targets.set_target(member, channel, priority, minutes,
                                   Actor.from_request(request))

    return _run(request, save, _("Response-time targets saved."))


def _parse_time(raw: str) -> time | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(_("Give times as HH:MM.")) from exc


@login_required
@require_POST
def hours_save(request: HttpRequest) -> HttpResponse:
    """Save the weekly opening hours (a day without times is closed)."""
    member = _manager(request)

    def save() -> None:
        hours: targets.Hours = {}
        for day in range(7):
            opens = _parse_time(request.POST.get(f"opens-{day}", ""))
            closes = _parse_time(request.POST.get(f"closes-{day}", ""))
            if (opens is None) != (closes is None):
                raise ValidationError(_("Give both the opening and the closing time, "
                                        "or neither for a closed day."))
            hours[day] = (opens, closes) if opens is not None and closes is not None else None
        targets.set_opening_hours(member, hours, Actor.from_request(request))

    return _run(request, save, _("Opening hours saved."))


@login_required
@require_POST
def holiday_add(request: HttpRequest) -> HttpResponse:
    """Add a holiday."""
    member = _manager(request)

    def save() -> None:
        try:
            day = date.fromisoformat(request.POST.get("day", ""))
        except ValueError as exc:
            raise ValidationError(_("Give the holiday's date.")) from exc
        targets.add_holiday(member, day, request.POST.get("name", ""),
                            Actor.from_request(request))

    return _run(request, save, _("Holiday added."))


@login_required
@require_POST
def holiday_delete(request: HttpRequest, holiday_id: int) -> HttpResponse:
    """Remove a holiday."""
    member = _manager(request)
    return _run(request, lambda: targets.delete_holiday(member, holiday_id,
                                                        Actor.from_request(request)),
                _("Holiday removed."))


def _period(request: HttpRequest, zone: ZoneInfo) -> tuple[date, date]:
    today = timezone.localdate(timezone=zone)
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today - timedelta(days=29)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return start, min(end, start + reports.MAX_PERIOD - timedelta(days=1))


@login_required
@require_GET
def response_report(request: HttpRequest) -> HttpResponse:
    """Show the first-response time distribution over a chosen period."""
    member = _manager(request)
    try:
        zone = ZoneInfo(member.organization.time_zone)
    except (ValueError, KeyError):
        zone = ZoneInfo("UTC")
    start, end = _period(request, zone)
    report = reports.first_response_report(
        member, datetime.combine(start, time(0), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone))
    tables = [(_("All conversations"), [report.overall], "report-overall"),
              (_("Per person (first answer)"), report.people, "report-people"),
              (_("Per channel"), report.channels, "report-channels")]
    return render(request, "inbox/settings/report.html",
                  {"report": report, "start": start, "end": end, "tables": tables})


@login_required
@require_http_methods(["GET", "POST"])
def reply_approval_settings(request: HttpRequest) -> HttpResponse:
    """Choose which replies need an approval before they go out."""
    member = _manager(request)
    channels = list(channels_for(member).select_related(None).order_by("display_name")
                    .only("pk", "display_name", "network"))
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("channels") if v.isdigit()]
        try:
            reply_approval.set_policy(member, urgent=request.POST.get("urgent") == "on",
                                      channel_ids=ids, actor=Actor.from_request(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Reply approval saved."))
            return HttpResponseRedirect(reverse("inbox:reply_approval"))
    policy = reply_approval.policy_of(member.organization_id)
    chosen = set(policy.channels.values_list("pk", flat=True)) if policy else set()
    return render(request, "inbox/settings/reply_approval.html", {
        "channels": [(c, c.pk in chosen) for c in channels],
        "urgent": bool(policy and policy.urgent),
    })
