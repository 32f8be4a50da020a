"""The offboarding page and its report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from socialops.core.actors import Actor
from socialops.core.forms import BootstrapForm
from socialops.core.models import AuditEvent, Member, Role
from socialops.core.permissions import Action, can
from socialops.core.views import allowed_member, member_of_same_org
from socialops.governance.forms import PersonChoiceField
from socialops.governance.models import Channel
from socialops.governance.offboarding import offboard


class OffboardForm(BootstrapForm):
    successor = PersonChoiceField(
        label=_("Successor"), queryset=Member.objects.none(),
        help_text=_("Takes over their channels as owner or backup owner, their drafts and "
                    "their conversations."),
    )

    def __init__(self, *args: Any, leaving: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            organization_id=leaving.organization_id, is_active=True
        ).exclude(pk=leaving.pk).select_related("user").order_by("user__first_name",
                                                                  "user__email")


@login_required
@require_http_methods(["GET", "POST"])
def offboard_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """Show what offboarding a member will move, then do it in one action."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    leaving = member_of_same_org(by, member_id)
    if leaving.role == Role.OWNER and by.role != Role.OWNER:
        raise PermissionDenied
    form = OffboardForm(request.POST if request.method == "POST" else None, leaving=leaving)
    if request.method == "POST" and form.is_valid():
        try:
            report = offboard(leaving, Actor.from_request(request),
                              successor=form.cleaned_data["successor"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return HttpResponseRedirect(reverse("web:offboarding_report",
                                                args=[report.event_id]))
    channels = Channel.objects.filter(
        Q(owner=leaving) | Q(backup_owner=leaving), organization_id=by.organization_id
    ).select_related("owner__user", "backup_owner__user").order_by("display_name")
    return render(request, "governance/offboard.html", {
        "leaving": leaving, "form": form, "channels": channels,
        "tokens": leaving.api_tokens.filter(revoked_at__isnull=True).count(),
    })


@login_required
@require_GET
def offboarding_report(request: HttpRequest, event_id: int) -> HttpResponse:
    """Show the report an offboarding stored in its audit event."""
    by = allowed_member(request, Action.VIEW_MEMBERS)
    event = AuditEvent.objects.filter(
        organization_id=by.organization_id, pk=event_id, action="member.offboard"
    ).first()
    if event is None:
        raise Http404
    # Member managers and readers of the audit trail may read reports.
    if not (can(by, Action.MANAGE_MEMBERS, by.organization)
            or can(by, Action.VIEW_AUDIT, by.organization)):
        raise PermissionDenied
    return render(request, "governance/offboarding_report.html",
                  {"event": event, "report": event.after or {}})
