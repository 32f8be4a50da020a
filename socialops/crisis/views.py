"""Pages of crisis response: incidents, crisis mode, playbooks, the post-incident report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.crisis import services, statements
from socialops.crisis.models import (
    HoldingStatement,
    IncidentKind,
    IncidentStatus,
    Severity,
)
from socialops.governance.services import channels_for
from socialops.listening.services import get_alert_for_member
from socialops.publishing import pausing


def _member(request: HttpRequest, action: Action = Action.VIEW_INCIDENTS) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, action, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _members(member: Member) -> list[Member]:
    return list(Member.objects.filter(organization_id=member.organization_id, is_active=True)
                .select_related("user").order_by("user__first_name", "user__email"))


def _owner(member: Member, value: str) -> Member | None:
    if not value.isdigit():
        return None
    owner = Member.objects.filter(organization_id=member.organization_id, pk=int(value),
                                  is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": _("Choose an active member of the organization.")})
    return owner


@login_required
@require_http_methods(["GET", "POST"])
def incident_list(request: HttpRequest) -> HttpResponse:
    """List incidents, open ones first; open one by hand."""
    member = _member(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        require(member, Action.MANAGE_INCIDENTS, member.organization)
        try:
            incident = services.open_incident(
                member, Actor.from_request(request), title=request.POST.get("title", ""),
                kind=request.POST.get("kind", ""), severity=request.POST.get("severity", ""),
                owner=_owner(member, request.POST.get("owner", "")))
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            return HttpResponseRedirect(reverse("crisis:incident", args=[incident.pk]))
    incidents = list(services.incidents_for(member).order_by("resolved_at", "-opened_at")[:100])
    context = {"incidents": incidents, "errors": errors, "form": request.POST,
               "kinds": IncidentKind.choices, "severities": Severity.choices,
               "members": _members(member),
               "can_manage": can(member, Action.MANAGE_INCIDENTS, member.organization)}
    return render(request, "crisis/incident_list.html", context, status=400 if errors else 200)


@login_required
@require_POST
def incident_from_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Open an incident from a listening alert in one click."""
    member = _member(request, Action.MANAGE_INCIDENTS)
    alert = get_alert_for_member(member, alert_id)
    incident = services.open_from_alert(member, Actor.from_request(request), alert)
    return HttpResponseRedirect(reverse("crisis:incident", args=[incident.pk]))


@login_required
@require_GET
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Show an incident: status, checklist, timeline, statements, crisis mode."""
    member = _member(request)
    incident = services.get_incident_for_member(member, incident_id)
    pauses = list(pausing.active_pauses(member.organization_id))
    context = {
        "incident": incident, "timeline": services.timeline(incident),
        "tasks": list(incident.tasks.select_related("owner__user", "done_by__user")),
        "statements": statements.statements_for(incident),
        "statement_channels": statements.statement_channels(incident.organization_id),
        "pauses": pauses, "held": services.held_variants(member.organization_id),
        "channels": list(channels_for(member).order_by("display_name")),
        "alerts": list(incident.alerts.select_related("query")),
        "conversations": list(incident.conversations.select_related("channel")[:50]),
        "statuses": IncidentStatus.choices, "severities": Severity.choices,
        "kinds": IncidentKind.choices, "members": _members(member),
        "can_manage": can(member, Action.MANAGE_INCIDENTS, incident),
        "can_pause": can(member, Action.PAUSE_PUBLISHING, member.organization),
        "contacts": incident.playbook.escalation_contacts if incident.playbook else [],
    }
    return render(request, "crisis/incident_detail.html", context)


def _back(incident_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("crisis:incident", args=[incident_id]))


@login_required
@require_POST
def incident_change(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Change an incident's status, severity, kind or owner."""
    member = _member(request, Action.MANAGE_INCIDENTS)
    incident = services.get_incident_for_member(member, incident_id)
    try:
        services.change_incident(
            member, Actor.from_request(request), incident,
            status=request.POST.get("status", ""), severity=request.POST.get("severity", ""),
            kind=request.POST.get("kind", ""),
            owner=_owner(member, request.POST.get("owner", "")) or incident.owner)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(incident.pk)


@login_required
@require_POST
def incident_note(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Add a note to the timeline."""
    member = _member(request)
    incident = services.get_incident_for_member(member, incident_id)
    try:
        services.add_note(member, Actor.from_request(request), incident,
                          request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(incident.pk)


@login_required
@require_POST
def incident_conversation(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Link an inbox conversation (by its number or its page's address) to the incident."""
    member = _member(request, Action.MANAGE_INCIDENTS)
    incident = services.get_incident_for_member(member, incident_id)
    digits = "".join(ch for ch in request.POST.get("conversation", "").rstrip("/").split("/")[-1]
                     if ch.isdigit())
    if not digits:
        messages.error(request, _("Give the conversation's number or the address of its page."))
        return _back(incident.pk)
    try:
        services.link_conversation(member, Actor.from_request(request), incident, int(digits))
    except Http404:
        messages.error(request, _("There is no such conversation in this organization."))
    return _back(incident.pk)


@login_required
@require_POST
def incident_task(request: HttpRequest, incident_id: int, task_id: int) -> HttpResponse:
    """Tick or untick a checklist item."""
    member = _member(request, Action.MANAGE_INCIDENTS)
    incident = services.get_incident_for_member(member, incident_id)
    services.toggle_task(member, Actor.from_request(request), incident, task_id)
    return _back(incident.pk)


@login_required
@require_POST
def crisis_mode(request: HttpRequest) -> HttpResponse:
    """Pause publishing for the organization or chosen channels (from an incident or the banner)."""
    member = _member(request, Action.PAUSE_PUBLISHING)
    incident = None
    if request.POST.get("incident", "").isdigit():
        incident = services.get_incident_for_member(member, int(request.POST["incident"]))
    wanted = {int(v) for v in request.POST.getlist("channels") if v.isdigit()}
    channels = [c for c in channels_for(member) if c.pk in wanted]
    if wanted and len(channels) != len(wanted):
        raise Http404
    try:
        services.enter_crisis_mode(member, Actor.from_request(request), incident=incident,
                                   channels=channels, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.warning(request, _("Crisis mode: scheduled publishing is paused."))
    if incident is not None:
        return _back(incident.pk)
    return HttpResponseRedirect(reverse("crisis:held"))


@login_required
@require_http_methods(["GET", "POST"])
def held(request: HttpRequest) -> HttpResponse:
    """List what the active pauses hold; resume one, choosing which overdue posts go out."""
    member = _member(request)
    if request.method == "POST":
        require(member, Action.PAUSE_PUBLISHING, member.organization)
        pause = pausing.get_pause_for_member(member, int(request.POST.get("pause", "0") or 0))
        publish = [int(v) for v in request.POST.getlist("publish") if v.isdigit()]
        try:
            result = services.leave_crisis_mode(member, Actor.from_request(request), pause,
                                                publish=publish)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _(
                "Publishing resumed: %(published)d published now, %(held)d to reschedule.")
                % {"published": len(result.published), "held": len(result.held)})
        return HttpResponseRedirect(reverse("crisis:held"))
    pauses = list(pausing.active_pauses(member.organization_id))
    context = {"pauses": [(p, pausing.due_during_pause(p)) for p in pauses],
               "held": services.held_variants(member.organization_id),
               "can_pause": can(member, Action.PAUSE_PUBLISHING, member.organization),
               "channels": list(channels_for(member).order_by("display_name"))}
    return render(request, "crisis/held.html", context)


@login_required
@require_POST
def statement_publish(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Publish a pre-approved holding statement on chosen channels."""
    member = _member(request, Action.MANAGE_INCIDENTS)
    incident = services.get_incident_for_member(member, incident_id)
    statement = HoldingStatement.objects.filter(
        pk=int(request.POST.get("statement", "0") or 0),
        playbook__organization_id=member.organization_id).first()
    if statement is None:
        raise Http404
    channel_ids = [int(v) for v in request.POST.getlist("channels") if v.isdigit()]
    try:
        statements.publish_statement(member, Actor.from_request(request), incident, statement,
                                     channel_ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The holding statement is being published."))
    return _back(incident.pk)


@login_required
@require_GET
def banner(request: HttpRequest) -> HttpResponse:
    """Return the crisis banner of the member's organization (empty when all is calm)."""
    from socialops.crisis.templatetags.crisis_tags import crisis_banner_context

    member: Member | None = request.member  # type: ignore[attr-defined]
    return render(request, "crisis/_banner_body.html", crisis_banner_context(member))


@login_required
@require_GET
def playbook_list(request: HttpRequest) -> HttpResponse:
    """Show the playbooks: checklists, statements, contacts, approvers."""
    member = _member(request)
    return render(request, "crisis/playbook_list.html",
                  {"playbooks": list(services.playbooks_for(member)),
                   "can_manage": can(member, Action.MANAGE_INCIDENTS, member.organization)})


@login_required
@require_GET
def statement_fill(request: HttpRequest) -> HttpResponse:
    """Return the composer's or the reply box's text area filled with a holding statement."""
    from socialops.crisis.playbooks import offered_statements

    target = request.GET.get("target", "")
    if target not in {"compose", "reply"}:
        raise Http404
    member = _member(request, Action.DRAFT_POSTS if target == "compose" else Action.RESPOND)
    wanted = request.GET.get("holding_statement", "")
    if not wanted.isdigit():
        return HttpResponse(status=204)
    # Only what is on offer right now: pre-approved, of an open incident's playbook.
    statement = next((s for s in offered_statements(member) if s.pk == int(wanted)), None)
    if statement is None:
        raise Http404
    template = "crisis/_compose_text.html" if target == "compose" else "inbox/_reply_text.html"
    return render(request, template, {"text": statement.text})
