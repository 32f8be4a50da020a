"""Submit and triage stakeholder requests; every change checked, audited and on the timeline.

Accepting a content request writes its draft through `publishing.services.create_post`,
and approving a channel request adds the channel through `governance.services`, so their
own permission checks and audit events apply as if the person had used those pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance import services as governance
from socialops.governance.models import Channel, ChannelStatus
from socialops.publishing import media
from socialops.publishing import services as publishing
from socialops.publishing.models import Post
from socialops.requests import attachments, notifications
from socialops.requests.models import (
    OPEN_STATUSES,
    EventKind,
    Guideline,
    RequestEvent,
    RequestKind,
    RequestStatus,
    StakeholderRequest,
)

MAX_TEXT = 5000


# Reading


def can_triage(member: Member) -> bool:
    return can(member, Action.TRIAGE_REQUESTS, member.organization)


def requests_for(member: Member) -> QuerySet[StakeholderRequest]:
    """Return the requests a member may see: all of the organization's for the team,
    one's own for everyone else."""
    require(member, Action.SUBMIT_REQUESTS, member.organization)
    query = StakeholderRequest.objects.filter(
        organization_id=member.organization_id).select_related(
        "requester__user", "guideline", "post", "channel", "decided_by__user")
    if not can_triage(member):
        query = query.filter(requester=member)
    return query


def get_request_for_member(member: Member, request_id: int) -> StakeholderRequest:
    """Return one request the member may see, or raise Http404."""
    found = requests_for(member).filter(pk=request_id).first()
    if found is None:
        raise Http404
    return found


def _name(member: Member) -> str:
    return member.user.get_full_name() or member.user.email


def _event(request: StakeholderRequest, kind: str, member: Member | None,
           text: str = "") -> RequestEvent:
    return RequestEvent.objects.create(request=request, kind=kind, author=member,
                                       author_name=_name(member) if member else "",
                                       text=text[:MAX_TEXT], at=timezone.now())


def _snapshot(request: StakeholderRequest) -> dict[str, object]:
    return {"kind": request.kind, "status": request.status, "title": request.title,
            "guideline": request.guideline_id, "post": request.post_id,
            "channel": request.channel_id}


# Submitting


@dataclass(frozen=True)
class ContentRequestInput:
    """What a stakeholder asks for in a content request."""

    title: str
    description: str
    why: str
    audience: str
    desired_date: date | None = None
    link: str = ""


@dataclass(frozen=True)
class ChannelRequestInput:
    """The answers of the questionnaire for a new channel."""

    network: str
    title: str
    goal: str
    audience: str
    why: str
    content_ideas: str
    producers: str
    owner: Member | None
    backup: Member | None
    effort: str
    handle: str = ""


def _required(errors: dict[str, str], values: dict[str, str]) -> None:
    for field, value in values.items():
        if not value.strip():
            errors[field] = _("This answer is needed.")


def _clean(text: str) -> str:
    return text.strip()[:MAX_TEXT]


def _check_content(data: ContentRequestInput) -> None:
    errors: dict[str, str] = {}
    _required(errors, {"title": data.title, "description": data.description, "why": data.why,
                       "audience": data.audience})
    if data.link.strip():
        try:
            URLValidator(schemes=["http", "https"])(data.link.strip())
        except ValidationError:
            errors["link"] = _("Give a web address starting with https://.")
    if data.desired_date is not None and data.desired_date < timezone.localdate():
        errors["desired_date"] = _("Choose a date from today on.")
    if errors:
        raise ValidationError(errors)


def _check_people(member: Member, owner: Member | None, backup: Member | None,
                  errors: dict[str, str]) -> None:
    for field, who in (("owner", owner), ("backup", backup)):
        if who is None:
            errors[field] = _("Choose a person.")
        elif who.organization_id != member.organization_id or not who.is_active:
            errors[field] = _("Choose an active member of the organization.")
    if owner is not None and backup is not None and owner.pk == backup.pk:
        errors["backup"] = _("The backup must be someone other than the owner.")


def _check_channel(member: Member, data: ChannelRequestInput) -> None:
    errors: dict[str, str] = {}
    _required(errors, {"title": data.title, "goal": data.goal, "audience": data.audience,
                       "why": data.why, "content_ideas": data.content_ideas,
                       "producers": data.producers, "effort": data.effort})
    if data.network not in registry.networks():
        errors["network"] = _("Choose a network from the list.")
    _check_people(member, data.owner, data.backup, errors)
    if errors:
        raise ValidationError(errors)


def _new(member: Member, kind: str, title: str, **fields: object) -> StakeholderRequest:
    return StakeholderRequest.objects.create(
        organization_id=member.organization_id, kind=kind, requester=member,
        requester_name=_name(member), language=(translation.get_language() or "en")[:2],
        title=title.strip()[:200], created_at=timezone.now(), **fields)


@transaction.atomic
def submit_content_request(member: Member, actor: Actor, data: ContentRequestInput,
                           uploads: Sequence[UploadedFile] = ()) -> StakeholderRequest:
    """Record a content request with its files and tell the team."""
    require(member, Action.SUBMIT_REQUESTS, member.organization)
    _check_content(data)
    files = attachments.check_uploads(uploads)
    request = _new(member, RequestKind.CONTENT, data.title,
                   description=_clean(data.description), why=_clean(data.why),
                   audience=_clean(data.audience), desired_date=data.desired_date,
                   link=data.link.strip())
    stored = attachments.store(request, files)
    _event(request, EventKind.SUBMITTED, member)
    audit.record(member.organization, actor, "request.submit", request,
                 after={**_snapshot(request), "attachments": [a.pk for a in stored]})
    notifications.tell_team(request, EventKind.SUBMITTED)
    return request


@transaction.atomic
def submit_channel_request(member: Member, actor: Actor,
                           data: ChannelRequestInput) -> StakeholderRequest:
    """Record a request for a new channel and tell the team."""
    require(member, Action.SUBMIT_REQUESTS, member.organization)
    _check_channel(member, data)
    request = _new(member, RequestKind.CHANNEL, data.title, network=data.network,
                   handle=data.handle.strip()[:200], description=_clean(data.goal),
                   audience=_clean(data.audience), why=_clean(data.why),
                   content_ideas=_clean(data.content_ideas), producers=_clean(data.producers),
                   proposed_owner=data.owner, proposed_backup=data.backup,
                   effort=data.effort.strip()[:200])
    _event(request, EventKind.SUBMITTED, member)
    audit.record(member.organization, actor, "request.submit", request, after=_snapshot(request))
    notifications.tell_team(request, EventKind.SUBMITTED)
    return request


# Triage


def _lock_open(member: Member, request: StakeholderRequest) -> StakeholderRequest:
    require(member, Action.TRIAGE_REQUESTS, request)
    locked = StakeholderRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(_("This request has already been answered."))
    return locked


def _answered(request: StakeholderRequest, member: Member, status: str) -> None:
    now = timezone.now()
    request.status = status
    request.first_answer_at = request.first_answer_at or now
    if status in (RequestStatus.ACCEPTED, RequestStatus.DECLINED):
        request.decided_by, request.decided_at = member, now
    request.save()


@transaction.atomic
def ask_question(member: Member, actor: Actor, request: StakeholderRequest,
                 question: str) -> StakeholderRequest:
    """Ask the requester for what is missing; the request waits for their answer."""
    request = _lock_open(member, request)
    if not question.strip():
        raise ValidationError({"question": _("Write the question.")})
    before = _snapshot(request)
    _answered(request, member, RequestStatus.NEEDS_INFO)
    event = _event(request, EventKind.QUESTION, member, question.strip())
    audit.record(member.organization, actor, "request.question", request, before=before,
                 after={**_snapshot(request), "event": event.pk})
    notifications.tell_requester(request, EventKind.QUESTION, question.strip())
    return request


@transaction.atomic
def answer_question(member: Member, actor: Actor, request: StakeholderRequest,
                    answer: str) -> StakeholderRequest:
    """Let the requester answer the team's question; the request goes back to the queue."""
    require(member, Action.SUBMIT_REQUESTS, request)
    request = StakeholderRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != member.pk:
        raise Http404
    if request.status != RequestStatus.NEEDS_INFO:
        raise ValidationError(_("The team has not asked anything on this request."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    before = _snapshot(request)
    request.status = RequestStatus.SUBMITTED
    request.save(update_fields=["status", "updated_at"])
    event = _event(request, EventKind.ANSWER, member, answer.strip())
    audit.record(member.organization, actor, "request.answer", request, before=before,
                 after={**_snapshot(request), "event": event.pk})
    notifications.tell_team(request, EventKind.ANSWER)
    return request


def draft_text(request: StakeholderRequest) -> str:
    """Return the text a draft starts from: what the requester described."""
    return request.description.strip() or request.title


def _attach_images(member: Member, actor: Actor, request: StakeholderRequest,
                   post: Post) -> None:
    for attachment in request.attachments.exclude(mime="application/pdf"):
        with attachment.file.open("rb") as stream:
            data = stream.read()
        media.attach_image(member, actor, post, SimpleUploadedFile(
            attachment.original_name or "image", data, attachment.mime))


@transaction.atomic
def accept_content_request(member: Member, actor: Actor, request: StakeholderRequest, *,
                           targets: Sequence[tuple[int, str]],
                           text: str = "") -> StakeholderRequest:
    """Accept a content request: write its draft post (text, link, images) and link both."""
    request = _lock_open(member, request)
    if request.kind != RequestKind.CONTENT:
        raise ValidationError(_("Only a content request becomes a draft post."))
    before = _snapshot(request)
    notes = _("From request #%(id)d by %(name)s. Why: %(why)s Audience: %(audience)s") % {
        "id": request.pk, "name": request.requester_name, "why": request.why,
        "audience": request.audience}
    post = publishing.create_post(member, actor, text=text.strip() or draft_text(request),
                                  targets=targets, link=request.link, notes=notes)
    _attach_images(member, actor, request, post)
    request.post = post
    _answered(request, member, RequestStatus.ACCEPTED)
    _event(request, EventKind.ACCEPTED, member,
           _("Draft post #%(post)d prepared.") % {"post": post.pk})
    audit.record(member.organization, actor, "request.accept", request, before=before,
                 after=_snapshot(request))
    notifications.tell_requester(request, EventKind.ACCEPTED)
    return request


@transaction.atomic
def approve_channel_request(member: Member, actor: Actor, request: StakeholderRequest, *,
                            handle: str, display_name: str = "", owner: Member | None = None,
                            backup: Member | None = None) -> StakeholderRequest:
    """Approve a channel request: add the channel, not connected yet, with its two owners.

    Adding a channel needs the right to manage channels as well (governance decides).
    """
    request = _lock_open(member, request)
    if request.kind != RequestKind.CHANNEL:
        raise ValidationError(_("Only a channel request creates a channel."))
    owner = owner or request.proposed_owner
    backup = backup or request.proposed_backup
    errors: dict[str, str] = {}
    _check_people(member, owner, backup, errors)
    if not handle.strip():
        errors["handle"] = _("The channel needs a handle.")
    if errors:
        raise ValidationError(errors)
    assert owner is not None and backup is not None  # checked above
    before = _snapshot(request)
    channel: Channel = governance.create_channel(
        member.organization, actor, network=request.network, handle=handle,
        display_name=display_name.strip() or request.title, owner=owner, backup_owner=backup)
    # No credentials yet: the channel waits for someone to connect the account.
    governance.update_channel(channel, actor, status=ChannelStatus.DISCONNECTED)
    request.channel = channel
    _answered(request, member, RequestStatus.ACCEPTED)
    _event(request, EventKind.ACCEPTED, member,
           _("Channel %(channel)s added, waiting to be connected.") % {
               "channel": channel.display_name})
    audit.record(member.organization, actor, "request.accept", request, before=before,
                 after=_snapshot(request))
    notifications.tell_requester(request, EventKind.ACCEPTED)
    return request


def _guideline(member: Member, guideline_id: int | None) -> Guideline:
    if guideline_id is None:
        raise ValidationError({"guideline": _("Choose the guideline that explains why.")})
    guideline = Guideline.objects.filter(organization_id=member.organization_id,
                                         pk=guideline_id, is_active=True).first()
    if guideline is None:
        raise ValidationError({"guideline": _("Choose the guideline that explains why.")})
    return guideline


@transaction.atomic
def decline(member: Member, actor: Actor, request: StakeholderRequest, *,
            guideline_id: int | None, note: str) -> StakeholderRequest:
    """Decline with a guideline from the library and a personal sentence; tell the requester."""
    request = _lock_open(member, request)
    errors: dict[str, str] = {}
    try:
        guideline = _guideline(member, guideline_id)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not note.strip():
        errors["note"] = _("Add a personal sentence for the requester.")
    if errors:
        raise ValidationError(errors)
    before = _snapshot(request)
    request.guideline, request.decision_note = guideline, _clean(note)
    _answered(request, member, RequestStatus.DECLINED)
    _event(request, EventKind.DECLINED, member, request.decision_note)
    audit.record(member.organization, actor, "request.decline", request, before=before,
                 after={**_snapshot(request), "note": request.decision_note})
    notifications.tell_requester(request, EventKind.DECLINED)
    return request


@transaction.atomic
def reopen(member: Member, actor: Actor, request: StakeholderRequest) -> StakeholderRequest:
    """Put a declined request back in the queue (the refusal stays on the timeline)."""
    require(member, Action.TRIAGE_REQUESTS, request)
    request = StakeholderRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.DECLINED:
        raise ValidationError(_("Only a declined request can be reopened."))
    before = _snapshot(request)
    request.status, request.guideline, request.decision_note = RequestStatus.SUBMITTED, None, ""
    request.decided_by = request.decided_at = None
    request.save()
    _event(request, EventKind.REOPENED, member)
    audit.record(member.organization, actor, "request.reopen", request, before=before,
                 after=_snapshot(request))
    return request
