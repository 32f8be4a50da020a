"""Pages about the organization's people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from socialops.core.models import Member, Role, Team
from socialops.core.permissions import Action, require

# One line per role for the legend; docs/permissions.md has the full table.
ROLE_DESCRIPTIONS = {
    Role.OWNER: _("Everything, including the organization's settings and ownership."),
    Role.ADMIN: _("Manages members, roles, channels, credentials and API tokens."),
    Role.MANAGER: _("Leads the team: plans, approves and reads the audit trail."),
    Role.PUBLISHER: _("Prepares and publishes content on the channels."),
    Role.RESPONDER: _("Answers the community in the inbox."),
    Role.CONTRIBUTOR: _("Submits content requests and drafts; never touches credentials."),
    Role.APPROVER: _("Approves or rejects drafts and replies (legal, brand, executive)."),
    Role.ANALYST: _("Reads analytics, reports and the audit trail."),
}


def members_of_organization(organization_id: int) -> QuerySet[Member]:
    """Return every member of an organization with their user and teams."""
    return (
        Member.objects.filter(organization_id=organization_id)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("-is_active", "user__first_name", "user__last_name", "user__email")
    )


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """List the organization's members, their roles and teams."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_MEMBERS, member.organization if member else None)
    assert member is not None  # require() refused None above
    context = {
        "members": list(members_of_organization(member.organization_id)),
        "roles": [(label, ROLE_DESCRIPTIONS[Role(value)]) for value, label in Role.choices],
    }
    return render(request, "core/member_list.html", context)
