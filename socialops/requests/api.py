"""REST endpoints of stakeholder requests, with the same permissions as the pages.

Files are attached through the page only; the API submits, reads and triages.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from socialops.core.actors import Actor
from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.requests import guidelines, services
from socialops.requests.models import Guideline, RequestStatus, StakeholderRequest
from socialops.requests.views import pick_member

router = Router(tags=["requests"])


class GuidelineOut(Schema):
    id: int
    slug: str
    title_en: str
    text_en: str
    title_fr: str
    text_fr: str
    is_active: bool


class EventOut(Schema):
    kind: str
    author_name: str
    text: str
    at: datetime


class RequestOut(Schema):
    id: int
    kind: str
    status: str
    requester_id: int | None
    requester_name: str
    language: str
    title: str
    description: str
    why: str
    audience: str
    desired_date: date | None
    link: str
    network: str
    handle: str
    content_ideas: str
    producers: str
    proposed_owner_id: int | None
    proposed_backup_id: int | None
    effort: str
    post_id: int | None
    channel_id: int | None
    guideline_id: int | None
    decision_note: str
    created_at: datetime
    first_answer_at: datetime | None
    decided_at: datetime | None


class RequestDetailOut(RequestOut):
    events: list[EventOut]


class ContentRequestIn(Schema):
    title: str
    description: str
    why: str
    audience: str
    desired_date: date | None = None
    link: str = ""
    language: str = "en"


class ChannelRequestIn(Schema):
    network: str
    title: str
    handle: str = ""
    goal: str
    audience: str
    why: str
    content_ideas: str
    producers: str
    owner_id: int
    backup_id: int
    effort: str
    language: str = "en"


class TextIn(Schema):
    text: str


class TargetIn(Schema):
    channel_id: int
    placement: str = "feed"


class AcceptIn(Schema):
    # Content requests: where the draft goes, and its text (the request's by default).
    targets: list[TargetIn] = []
    text: str = ""
    # Channel requests: the channel to add.
    handle: str = ""
    display_name: str = ""
    owner_id: int | None = None
    backup_id: int | None = None


class DeclineIn(Schema):
    guideline_id: int
    note: str


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, via=getattr(request, "auth_via", "api"))


def _detail(request: HttpRequest, request_id: int) -> StakeholderRequest:
    return services.get_request_for_member(api_member(request), request_id)


def _language(code: str) -> str:
    return "fr" if code.startswith("fr") else "en"


@router.get("/requests", response=list[RequestOut],
            summary="Requests: all of them for the team, one's own for others")
@paginate(Pagination)
def list_requests(request: HttpRequest, status: str | None = None,
                  kind: str | None = None) -> list[StakeholderRequest]:
    query = services.requests_for(api_member(request))
    if status in RequestStatus.values:
        query = query.filter(status=status)
    if kind:
        query = query.filter(kind=kind)
    return query  # type: ignore[return-value]


@router.post("/requests/content", response={201: RequestDetailOut},
             summary="Ask the team for content")
def create_content_request(request: HttpRequest,
                           payload: ContentRequestIn) -> Status[StakeholderRequest]:
    member = api_member(request)
    with translation.override(_language(payload.language)):
        created = services.submit_content_request(member, _actor(request),
                                                  services.ContentRequestInput(
            title=payload.title, description=payload.description, why=payload.why,
            audience=payload.audience, desired_date=payload.desired_date, link=payload.link))
    return Status(201, _detail(request, created.pk))


@router.post("/requests/channel", response={201: RequestDetailOut},
             summary="Ask the team for a new channel")
def create_channel_request(request: HttpRequest,
                           payload: ChannelRequestIn) -> Status[StakeholderRequest]:
    member = api_member(request)
    with translation.override(_language(payload.language)):
        created = services.submit_channel_request(member, _actor(request),
                                                  services.ChannelRequestInput(
            network=payload.network, title=payload.title, handle=payload.handle,
            goal=payload.goal, audience=payload.audience, why=payload.why,
            content_ideas=payload.content_ideas, producers=payload.producers,
            owner=pick_member(member, str(payload.owner_id)),
            backup=pick_member(member, str(payload.backup_id)), effort=payload.effort))
    return Status(201, _detail(request, created.pk))


@router.get("/requests/{request_id}", response=RequestDetailOut,
            summary="One request with its timeline")
def get_request(request: HttpRequest, request_id: int) -> StakeholderRequest:
    return _detail(request, request_id)


@router.post("/requests/{request_id}/question", response=RequestDetailOut,
             summary="Ask the requester for more information")
def ask_question(request: HttpRequest, request_id: int, payload: TextIn) -> StakeholderRequest:
    member = api_member(request)
    found = services.get_request_for_member(member, request_id)
    services.ask_question(member, _actor(request), found, payload.text)
    return _detail(request, request_id)


@router.post("/requests/{request_id}/answer", response=RequestDetailOut,
             summary="Answer the team's question (the requester)")
def answer_question(request: HttpRequest, request_id: int,
                    payload: TextIn) -> StakeholderRequest:
    member = api_member(request)
    found = services.get_request_for_member(member, request_id)
    services.answer_question(member, _actor(request), found, payload.text)
    return _detail(request, request_id)


@router.post("/requests/{request_id}/accept", response=RequestDetailOut,
             summary="Accept: a draft post for content, a channel for a channel request")
def accept(request: HttpRequest, request_id: int, payload: AcceptIn) -> StakeholderRequest:
    member = api_member(request)
    found = services.get_request_for_member(member, request_id)
    if found.kind == "content":
        services.accept_content_request(
            member, _actor(request), found, text=payload.text,
            targets=[(t.channel_id, t.placement) for t in payload.targets])
    else:
        services.approve_channel_request(
            member, _actor(request), found, handle=payload.handle,
            display_name=payload.display_name,
            owner=pick_member(member, str(payload.owner_id or "")),
            backup=pick_member(member, str(payload.backup_id or "")))
    return _detail(request, request_id)


@router.post("/requests/{request_id}/decline", response=RequestDetailOut,
             summary="Decline with a guideline and a personal sentence")
def decline(request: HttpRequest, request_id: int, payload: DeclineIn) -> StakeholderRequest:
    member = api_member(request)
    found = services.get_request_for_member(member, request_id)
    services.decline(member, _actor(request), found, guideline_id=payload.guideline_id,
                     note=payload.note)
    return _detail(request, request_id)


@router.get("/guidelines", response=list[GuidelineOut], summary="The guidelines library")
def list_guidelines(request: HttpRequest) -> list[Guideline]:
    return list(guidelines.guidelines_for(api_member(request)))
