"""The actions of the request page: ask, answer, accept, decline, reopen.

Each action answers with a redirect to the request page, or re-renders that page with
the error next to the form and what was typed still in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can
from socialops.governance.models import ChannelStatus
from socialops.governance.services import channels_for
from socialops.publishing.validation import placement_label, publishable_placements
from socialops.requests import services
from socialops.requests.guidelines import guidelines_for
from socialops.requests.models import RequestKind, StakeholderRequest
from socialops.requests.views import (
    active_members,
    detail_context,
    form_errors,
    member_of,
    pick_member,
)


def triage_context(member: Member, found: StakeholderRequest) -> dict[str, Any]:
    """Return the choices the triage forms offer."""
    context: dict[str, Any] = {
        "guidelines": list(guidelines_for(member).filter(is_active=True)),
        "draft_text": services.draft_text(found)}
    if found.kind == RequestKind.CONTENT:
        channels = channels_for(member).exclude(status=ChannelStatus.ARCHIVED).order_by(
            "network", "display_name", "pk")
        context["targets"] = [
            {"channel": c, "placements": [(p, placement_label(p))
                                          for p in publishable_placements(c.network)]}
            for c in channels]
    else:
        context["members"] = active_members(member)
        # Adding a channel is governance's decision: managers can ask or decline only.
        context["can_create_channel"] = can(member, Action.MANAGE_CHANNELS, member.organization)
    return context


def _parse_targets(values: list[str]) -> list[tuple[int, str]]:
    targets = []
    for value in values:
        channel_id, _sep, placement = value.partition(":")
        if not channel_id.isdigit() or not placement:
            raise Http404
        targets.append((int(channel_id), placement))
    return targets


def _act(request: HttpRequest, request_id: int, action: Action, form_fields: tuple[str, ...],
         call: Callable[[Member, Actor, StakeholderRequest], object], done: str) -> HttpResponse:
    member = member_of(request, action)
    found = services.get_request_for_member(member, request_id)
    try:
        call(member, Actor.from_request(request), found)
    except ValidationError as exc:
        errors = form_errors(exc)
        form = {name: request.POST.get(name, "") for name in form_fields}
        form["targets"] = request.POST.getlist("target")  # type: ignore[assignment]
        found.refresh_from_db()
        return render(request, "requests/detail.html",
                      detail_context(member, found, errors=errors, form=form), status=400)
    messages.success(request, done)
    return HttpResponseRedirect(reverse("requests:request_detail", args=[request_id]))


@login_required
@require_POST
def request_question(request: HttpRequest, request_id: int) -> HttpResponse:
    """Ask the requester a question."""
    return _act(request, request_id, Action.TRIAGE_REQUESTS, ("question",),
                lambda m, a, r: services.ask_question(m, a, r, request.POST.get("question", "")),
                _("Question sent to the requester."))


@login_required
@require_POST
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    """Answer the team's question (the requester)."""
    return _act(request, request_id, Action.SUBMIT_REQUESTS, ("answer",),
                lambda m, a, r: services.answer_question(m, a, r, request.POST.get("answer", "")),
                _("Answer sent to the team."))


def _accept(request: HttpRequest) -> Callable[[Member, Actor, StakeholderRequest], object]:
    def call(member: Member, actor: Actor, found: StakeholderRequest) -> object:
        if found.kind == RequestKind.CONTENT:
            return services.accept_content_request(
                member, actor, found, targets=_parse_targets(request.POST.getlist("target")),
                text=request.POST.get("text", ""))
        return services.approve_channel_request(
            member, actor, found, handle=request.POST.get("handle", ""),
            display_name=request.POST.get("display_name", ""),
            owner=pick_member(member, request.POST.get("owner", "")),
            backup=pick_member(member, request.POST.get("backup", "")))
    return call


@login_required
@require_POST
def request_accept(request: HttpRequest, request_id: int) -> HttpResponse:
    """Accept a request: a draft post for content, a channel for a channel request."""
    return _act(request, request_id, Action.TRIAGE_REQUESTS,
                ("text", "handle", "display_name", "owner", "backup"), _accept(request),
                _("Request accepted; the requester is told by e-mail."))


@login_required
@require_POST
def request_decline(request: HttpRequest, request_id: int) -> HttpResponse:
    """Decline a request with a guideline and a personal sentence."""
    guideline = request.POST.get("guideline", "")
    return _act(request, request_id, Action.TRIAGE_REQUESTS, ("guideline", "note"),
                lambda m, a, r: services.decline(
                    m, a, r, guideline_id=int(guideline) if guideline.isdigit() else None,
                    note=request.POST.get("note", "")),
                _("Request declined; the requester is told by e-mail."))


@login_required
@require_POST
def request_reopen(request: HttpRequest, request_id: int) -> HttpResponse:
    """Put a declined request back in the queue."""
    return _act(request, request_id, Action.TRIAGE_REQUESTS, (),
                lambda m, a, r: services.reopen(m, a, r), _("Request reopened."))
