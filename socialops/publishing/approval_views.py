"""Pages to set the approval steps of the organization and of single channels."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, can
from socialops.governance.models import Channel
from socialops.publishing import approval_policies
from socialops.publishing.approval_policies import MAX_STEPS, StepInput
from socialops.publishing.models import ApprovalPolicy, StepMode
from socialops.publishing.views import _member


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    """List the approval policies: the default one and the channels' own."""
    member = _member(request)
    return render(request, "publishing/approval_policies.html", {
        "policies": list(approval_policies.policies_for(member)),
        "can_manage": can(member, Action.MANAGE_APPROVALS, member.organization),
    })


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(_("Enter a whole number of hours."))
    return int(value)


def _steps_from(request: HttpRequest) -> list[StepInput]:
    return [StepInput(
        name=request.POST.get(f"step-{n}-name", ""),
        mode=request.POST.get(f"step-{n}-mode", StepMode.ANY),
        role=request.POST.get(f"step-{n}-role", ""),
        member_ids=[int(v) for v in request.POST.getlist(f"step-{n}-members") if v.isdigit()],
    ) for n in range(1, MAX_STEPS + 1)]


def _form_from(policy: ApprovalPolicy | None) -> dict[str, Any]:
    steps = list(policy.steps.all()) if policy else []
    rows = [StepInput(name=s.name, mode=s.mode, role=s.role,
                      member_ids=[m.pk for m in s.members.all()]) for s in steps]
    return {"name": policy.name if policy else "",
            "channel": policy.channel_id if policy and policy.channel_id else "",
            "expire": policy.expire_after_hours if policy and policy.expire_after_hours else "",
            "steps": rows + [StepInput(name="") for _n in range(MAX_STEPS - len(rows))]}


def _choices(member: Member) -> dict[str, Any]:
    approving = [r for r, actions in ROLE_ACTIONS.items() if Action.APPROVE_POSTS in actions]
    return {
        "channels": Channel.objects.filter(organization_id=member.organization_id)
        .order_by("network", "display_name"),
        "roles": [(r.value, Role(r).label) for r in approving],
        "approvers": Member.objects.filter(organization_id=member.organization_id,
                                           is_active=True, role__in=approving)
        .select_related("user").order_by("user__email"),
        "modes": StepMode.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    """Create or change a policy; a bad step re-shows the form with what was typed."""
    member = _member(request, Action.MANAGE_APPROVALS)
    policy = (approval_policies.get_policy_for_member(member, policy_id)
              if policy_id is not None else None)
    form = _form_from(policy)
    if request.method == "POST":
        channel = request.POST.get("channel", "")
        form = {"name": request.POST.get("name", ""), "channel": int(channel)
                if channel.isdigit() else "", "expire": request.POST.get("expire", ""),
                "steps": _steps_from(request)}
        try:
            approval_policies.save_policy(
                member, Actor.from_request(request), name=form["name"], steps=form["steps"],
                channel_id=form["channel"] or None,
                expire_after_hours=_int_or_none(form["expire"]), policy=policy)
            messages.success(request, _("Approval policy saved."))
            return HttpResponseRedirect(reverse("publishing:approval_policies"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    return render(request, "publishing/approval_policy_form.html",
                  {"policy": policy, "form": form, **_choices(member)})


@login_required
@require_POST
def policy_delete(request: HttpRequest, policy_id: int) -> HttpResponse:
    """Remove a policy."""
    member = _member(request, Action.MANAGE_APPROVALS)
    policy = approval_policies.get_policy_for_member(member, policy_id)
    approval_policies.delete_policy(member, Actor.from_request(request), policy)
    messages.success(request, _("Approval policy removed."))
    return HttpResponseRedirect(reverse("publishing:approval_policies"))
