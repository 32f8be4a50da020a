"""REST endpoints for the organization and its members (read)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.core.models import Member
from socialops.core.permissions import Action, require

router = Router(tags=["organization"])


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    language: str
    time_zone: str
    member_count: int
    channel_count: int


class MemberOut(Schema):
    id: int
    email: str
    name: str
    role: str
    is_active: bool
    joined_at: datetime


def member_out(member: Member) -> MemberOut:
    """Return the public view of a member (no password, no token)."""
    return MemberOut(
        id=member.pk, email=member.user.email, name=member.display_name, role=member.role,
        is_active=member.is_active, joined_at=member.joined_at,
    )


@router.get("/organization", response=OrganizationOut, summary="The caller's organization")
def get_organization(request: HttpRequest) -> OrganizationOut:
    member = api_member(request)
    org = member.organization
    require(member, Action.VIEW_ORGANIZATION, org)
    return OrganizationOut(
        id=org.pk, name=org.name, slug=org.slug, language=org.language, time_zone=org.time_zone,
        member_count=org.members.filter(is_active=True).count(),
        channel_count=org.channels.count(),
    )


@router.get("/members", response=list[MemberOut], summary="Members and their roles")
@paginate(Pagination)
def list_members(request: HttpRequest) -> list[MemberOut]:
    member = api_member(request)
    require(member, Action.VIEW_MEMBERS, member.organization)
    members = Member.objects.filter(organization_id=member.organization_id).select_related("user")
    return [member_out(m) for m in members]


@router.get("/members/{member_id}", response=MemberOut, summary="One member")
def get_member(request: HttpRequest, member_id: int) -> MemberOut:
    member = api_member(request)
    require(member, Action.VIEW_MEMBERS, member.organization)
    found = (
        Member.objects.filter(organization_id=member.organization_id, pk=member_id)
        .select_related("user")
        .first()
    )
    if found is None:
        raise Http404
    return member_out(found)
