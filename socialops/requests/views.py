"""Pages of stakeholder requests: asking, following one's requests, the team's queue."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from socialops.connectors import registry
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.requests import services
from socialops.requests.models import (
    OPEN_STATUSES,
    Attachment,
    RequestKind,
    RequestStatus,
)
from socialops.web.networks import network_label

QUEUE_SIZE = 200
AGES = ("2", "7", "30")


def member_of(request: HttpRequest, action: Action = Action.SUBMIT_REQUESTS) -> Member:
    """Return the signed-in member, refusing those not allowed ``action``."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, action, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def active_members(member: Member) -> list[Member]:
    """Return the active members of the member's organization, by name."""
    return list(Member.objects.filter(organization_id=member.organization_id, is_active=True)
                .select_related("user").order_by("user__first_name", "user__email"))


def pick_member(member: Member, value: str) -> Member | None:
    """Return the active member of the organization with this id, or None."""
    if not value.isdigit():
        return None
    return Member.objects.filter(organization_id=member.organization_id, pk=int(value),
                                 is_active=True).select_related("user").first()


def nav_context(member: Member) -> dict[str, bool]:
    """Return which sections of the requests pages the member may open."""
    return {"can_triage": can(member, Action.TRIAGE_REQUESTS, member.organization),
            "can_manage_guidelines": can(member, Action.MANAGE_GUIDELINES, member.organization),
            "can_see_statistics": can(member, Action.VIEW_REQUEST_STATS, member.organization)}


def form_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Return a refusal's messages by form field; those of no field under "general"."""
    if not hasattr(exc, "error_dict"):
        return {"general": exc.messages}
    errors = dict(exc.message_dict)
    if "__all__" in errors:
        errors["general"] = errors.pop("__all__")
    return errors


@login_required
@require_GET
def request_mine(request: HttpRequest) -> HttpResponse:
    """List the member's own requests, with the team's question or explanation."""
    member = member_of(request)
    mine = services.requests_for(member).filter(requester=member).prefetch_related("events")
    return render(request, "requests/mine.html", {
        "requests": list(mine[:QUEUE_SIZE]), **nav_context(member)})


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationError({"desired_date": _("Give the date as YYYY-MM-DD.")}) from None


CONTENT_FIELDS = ("title", "description", "why", "audience", "desired_date", "link")


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Ask the team for a piece of content (what, why, audience, date, files, link)."""
    member = member_of(request)
    form = {name: request.POST.get(name, "") for name in CONTENT_FIELDS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            data = services.ContentRequestInput(
                title=form["title"], description=form["description"], why=form["why"],
                audience=form["audience"], desired_date=_parse_date(form["desired_date"]),
                link=form["link"])
            created = services.submit_content_request(
                member, Actor.from_request(request), data, request.FILES.getlist("attachments"))
        except ValidationError as exc:
            errors = form_errors(exc)
        else:
            messages.success(request, _("Request sent. The team will answer here and by "
                                        "e-mail."))
            return HttpResponseRedirect(reverse("requests:request_detail", args=[created.pk]))
    return render(request, "requests/new_content.html", {
        "form": form, "errors": errors, **nav_context(member)}, status=400 if errors else 200)


CHANNEL_FIELDS = ("network", "title", "handle", "goal", "audience", "why", "content_ideas",
                  "producers", "owner", "backup", "effort")


@login_required
@require_http_methods(["GET", "POST"])
def request_new_channel(request: HttpRequest) -> HttpResponse:
    """Ask for a new channel through the questionnaire."""
    member = member_of(request)
    form = {name: request.POST.get(name, "") for name in CHANNEL_FIELDS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = services.ChannelRequestInput(
            network=form["network"], title=form["title"], handle=form["handle"],
            goal=form["goal"], audience=form["audience"], why=form["why"],
            content_ideas=form["content_ideas"], producers=form["producers"],
            owner=pick_member(member, form["owner"]), backup=pick_member(member, form["backup"]),
            effort=form["effort"])
        try:
            created = services.submit_channel_request(member, Actor.from_request(request), data)
        except ValidationError as exc:
            errors = form_errors(exc)
        else:
            messages.success(request, _("Request sent. The team will answer here and by "
                                        "e-mail."))
            return HttpResponseRedirect(reverse("requests:request_detail", args=[created.pk]))
    return render(request, "requests/new_channel.html", {
        "form": form, "errors": errors, "members": active_members(member),
        "networks": [(n, network_label(n)) for n in registry.networks()],
        **nav_context(member)}, status=400 if errors else 200)


@login_required
@require_GET
def request_queue(request: HttpRequest) -> HttpResponse:
    """Show the team every request, open ones first, filtered by kind, status and age."""
    member = member_of(request, Action.TRIAGE_REQUESTS)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "open")
    age = request.GET.get("age", "")
    query = services.requests_for(member)
    if kind in RequestKind.values:
        query = query.filter(kind=kind)
    if status == "open":
        query = query.filter(status__in=OPEN_STATUSES)
    elif status in RequestStatus.values:
        query = query.filter(status=status)
    if age in AGES:
        query = query.filter(created_at__lte=timezone.now() - timedelta(days=int(age)))
    rows = list(query.order_by("created_at", "pk")[:QUEUE_SIZE]) if status == "open" else \
        list(query[:QUEUE_SIZE])
    return render(request, "requests/queue.html", {
        "requests": rows, "kind": kind, "status": status, "age": age,
        "kinds": RequestKind.choices, "statuses": RequestStatus.choices, "ages": AGES,
        "now": timezone.now(), **nav_context(member)})


@login_required
@require_GET
def request_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Send a request's file to those who may see the request."""
    member = member_of(request)
    attachment = Attachment.objects.filter(organization_id=member.organization_id,
                                           pk=attachment_id).first()
    if attachment is None:
        raise Http404
    # Seeing the file is seeing the request: the requester or the team.
    services.get_request_for_member(member, attachment.request_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime,
                            as_attachment=attachment.mime == "application/pdf",
                            filename=attachment.original_name or "file")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def detail_context(member: Member, found: Any, **extra: Any) -> dict[str, Any]:
    """Return what the request page shows (shared with the triage actions' error pages)."""
    from socialops.requests.triage_views import triage_context

    context: dict[str, Any] = {
        "req": found, "events": list(found.events.select_related("author__user")),
        "attachments": list(found.attachments.all()),
        "is_requester": found.requester_id == member.pk, "errors": {}, "form": {},
        **nav_context(member)}
    if context["can_triage"]:
        context.update(triage_context(member, found))
    context.update(extra)
    return context


@login_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """Show a request, its timeline and what the viewer may do with it."""
    member = member_of(request)
    found = services.get_request_for_member(member, request_id)
    return render(request, "requests/detail.html", detail_context(member, found))
