"""Pages of the community inbox: the queues, a conversation, and its actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, can, require
from socialops.governance.services import channels_for
from socialops.inbox import services
from socialops.inbox.models import Conversation, Direction, Kind, Sentiment, Status
from socialops.inbox.services import QueueFilters, escalation, saved_replies

PAGE_SIZE = 100
LIVE_LIMIT = 50
QUEUE_LABELS = {
    "all": gettext_lazy("All open"),
    "unassigned": gettext_lazy("Unassigned"),
    "mine": gettext_lazy("Mine"),
    "urgent": gettext_lazy("Urgent"),
    "overdue": gettext_lazy("Overdue"),
}
NOTICES_SHOWN = 3
LANGUAGE_LABELS = [("en", gettext_lazy("English")), ("fr", gettext_lazy("French")),
                   ("unknown", gettext_lazy("Unknown"))]


def _member(request: HttpRequest) -> Member:
    """Return the member the request acts as, once allowed to read the inbox."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_INBOX, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _filter_query(filters: QueueFilters) -> str:
    values: dict[str, Any] = {"queue": filters.queue, "status": filters.status}
    for name in ("kind", "language", "sentiment"):
        if getattr(filters, name):
            values[name] = getattr(filters, name)
    if filters.channel is not None:
        values["channel"] = filters.channel
    if filters.spam:
        values["spam"] = "1"
    return urlencode(values)


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    """Show a queue of conversations with filters; new ones appear live."""
    member = _member(request)
    filters = QueueFilters.parse(request.GET.dict())
    rows = list(services.queue(member, filters)[:PAGE_SIZE])
    cursor = services.conversations_for(member).aggregate(last=Max("pk"))["last"] or 0
    context = {
        "rows": rows,
        "filters": filters,
        "query": _filter_query(filters),
        "cursor": cursor,
        "queues": [(key, label, _filter_query(QueueFilters(**{**filters.__dict__,
                                                             "queue": key})))
                   for key, label in QUEUE_LABELS.items()],
        "channels": list(channels_for(member).select_related(None).order_by(
            "display_name").only("pk", "display_name", "network")),
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "sentiments": Sentiment.choices,
        "languages": LANGUAGE_LABELS,
        "page_size": PAGE_SIZE,
        "can_manage": can(member, Action.MANAGE_INBOX_SETTINGS, member.organization),
    }
    template = ("inbox/_queue.html" if request.htmx  # type: ignore[attr-defined]
                else "inbox/conversation_list.html")
    return render(request, template, context)


@login_required
@require_GET
def conversation_live(request: HttpRequest) -> HttpResponse:
    """Return the conversations created since `after` (204 when there is none)."""
    member = _member(request)
    filters = QueueFilters.parse(request.GET.dict())
    after = request.GET.get("after", "")
    if not after.isdigit():
        raise Http404
    rows = list(services.queue(member, filters).filter(pk__gt=int(after))[:LIVE_LIMIT])
    if not rows:
        return HttpResponse(status=204)
    context = {"rows": rows, "query": _filter_query(filters),
               "cursor": max(row.pk for row in rows)}
    return render(request, "inbox/_live.html", context)


def _assignable(member: Member) -> list[Member]:
    roles = [role.value for role in Role if Action.RESPOND in ROLE_ACTIONS[role]]
    return list(
        Member.objects.filter(organization_id=member.organization_id, is_active=True,
                              role__in=roles).select_related("user").order_by("user__email")
    )


@login_required
@require_GET
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Show one conversation: its messages, who has it, and the reply box."""
    member = _member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    thread = list(conversation.messages.select_related("sent_by__user").order_by(
        "created_at", "pk"))
    can_assign = can(member, Action.ASSIGN_CONVERSATIONS, conversation)
    can_respond = can(member, Action.RESPOND, conversation)
    context = {
        "conversation": conversation,
        "thread": thread,
        "can_respond": can_respond,
        "saved_replies": saved_replies.picker_for(member, conversation) if can_respond else [],
        "can_assign": can_assign,
        "assignable": _assignable(member) if can_assign else [],
        "outgoing": Direction.OUT,
    }
    return render(request, "inbox/conversation_detail.html", context)


def _back(conversation_id: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("inbox:conversation", args=[conversation_id]))


def _act(request: HttpRequest, conversation_id: int, action: Any, done: str) -> HttpResponse:
    member = _member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    try:
        action(member, conversation, Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back(conversation_id)


@login_required
@require_POST
def conversation_assign(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Assign to oneself, to another member, or to nobody."""
    member = _member(request)
    wanted = request.POST.get("assignee", "")
    assignee: Member | None
    if wanted == "me":
        assignee = member
    elif wanted == "":
        assignee = None
    elif wanted.isdigit():
        assignee = Member.objects.filter(organization_id=member.organization_id,
                                         pk=int(wanted)).select_related("user").first()
        if assignee is None:
            raise Http404
    else:
        raise Http404
    return _act(request, conversation_id,
                lambda m, c, a: services.assign(c, assignee, m, a),
                _("Assignment saved."))


@login_required
@require_POST
def conversation_close(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Close a conversation."""
    return _act(request, conversation_id, lambda m, c, a: services.close(c, m, a),
                _("Conversation closed."))


@login_required
@require_POST
def conversation_reopen(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Reopen a conversation."""
    return _act(request, conversation_id, lambda m, c, a: services.reopen(c, m, a),
                _("Conversation reopened."))


@login_required
@require_POST
def conversation_reply(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Answer a conversation; the reply goes out in the background, once."""
    text = request.POST.get("text", "")
    saved = request.POST.get("saved_reply", "")
    saved_id = int(saved) if saved.isdigit() else None
    return _act(request, conversation_id,
                lambda m, c, a: services.reply(c, text, m, a, saved_reply_id=saved_id),
                _("Reply queued: it is being sent to the network."))


@login_required
@require_POST
def message_retry(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    """Send a failed reply again (same idempotency key)."""
    member = _member(request)
    conversation: Conversation = services.get_conversation_for_member(member, conversation_id)
    message = conversation.messages.filter(pk=message_id).first()
    if message is None:
        raise Http404
    try:
        services.retry_reply(message, member, Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Reply queued again."))
    return _back(conversation_id)


@login_required
@require_GET
def saved_reply_fill(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Return the reply box filled with a saved reply, its variables rendered (htmx)."""
    member = _member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    require(member, Action.RESPOND, conversation)
    wanted = request.GET.get("saved_reply", "")
    if not wanted.isdigit():
        return HttpResponse(status=204)
    reply = saved_replies.get_saved_reply(member, int(wanted))
    text = saved_replies.render(reply.body, saved_replies.values_for(conversation, member))
    return render(request, "inbox/_reply_text.html", {"text": text})


def _notices_page(request: HttpRequest, member: Member) -> HttpResponse:
    notices = escalation.open_notices(member)
    context = {"notices": list(notices[:NOTICES_SHOWN]), "notice_count": notices.count(),
               "can_respond": can(member, Action.RESPOND, member.organization)}
    return render(request, "inbox/_notices.html", context)


@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """Return the urgent notices banner of the member (polled by every inbox page)."""
    return _notices_page(request, _member(request))


@login_required
@require_POST
def notice_acknowledge(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Acknowledge an urgent notice: someone has it in hand."""
    member = _member(request)
    require(member, Action.RESPOND, member.organization)
    notice = escalation.acknowledge(member, notice_id, Actor.from_request(request))
    if request.htmx:  # type: ignore[attr-defined]
        return _notices_page(request, member)
    messages.success(request, _("Urgent message acknowledged."))
    return _back(notice.conversation_id)
