"""Find the member a request acts as, and objects only within their organization."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from socialops.core.models import Member

SESSION_ORG_KEY = "socialops_organization_id"


def memberships_of(user: Any) -> QuerySet[Member]:
    """Return the active memberships of a user, with their organizations."""
    return (
        Member.objects.filter(user=user, is_active=True)
        .select_related("organization", "user")
        .order_by("organization__name")
    )


def current_member(request: HttpRequest) -> Member | None:
    """Return the member for the organization chosen in this session (or the first one)."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    memberships = list(memberships_of(user))
    if not memberships:
        return None
    wanted = request.session.get(SESSION_ORG_KEY)
    for member in memberships:
        if member.organization_id == wanted:
            return member
    return memberships[0]


def member_in_org(user: Any, organization_id: int) -> Member:
    """Return the user's active membership of an organization, or raise Http404."""
    member = memberships_of(user).filter(organization_id=organization_id).first()
    if member is None:
        raise Http404
    return member
