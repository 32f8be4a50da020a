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
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, can, require
from socialops.governance.services import channels_for
from socialops.inbox import services
from socialops.inbox.models import Conversation, Direction, Kind, Sentiment, Status
from socialops.inbox.services import (
    QueueFilters,
    bulk,
    collaboration,
    escalation,
    reply_approval,
    saved_replies,
)
from socialops.inbox.services.conversations import ReplyCollision

# 50 rows: a screenful or two, and the page stays fast on large inboxes (bench inbox).
PAGE_SIZE = 50
LIVE_LIMIT = 50
QUEUE_LABELS = {
    "all": gettext_lazy("All open"),
    "unassigned": gettext_lazy("Unassigned"),
    "mine": gettext_lazy("Mine"),
    "urgent": gettext_lazy("Urgent"),
    "overdue": gettext_lazy("Overdue"),
    "approval": gettext_lazy("Waiting for approval"),
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
    for name in ("kind", "language", "sentiment", "q", "tag"):
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
    queryset = services.queue(member, filters)
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = services.older_than(member, queryset, int(before))
    rows = list(queryset[:PAGE_SIZE + 1])
    older = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
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
        "older": older,
        "paging": before.isdigit(),
        "can_manage": can(member, Action.MANAGE_INBOX_SETTINGS, member.organization),
        **_bulk_context(member),
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
               "cursor": max(row.pk for row in rows),
               "can_respond": can(member, Action.RESPOND, member.organization)}
    return render(request, "inbox/_live.html", context)


def _bulk_context(member: Member) -> dict[str, Any]:
    can_assign = can(member, Action.ASSIGN_CONVERSATIONS, member.organization)
    return {"can_respond": can(member, Action.RESPOND, member.organization),
            "can_assign": can_assign, "assignable": _assignable(member) if can_assign else []}


def _assignable(member: Member) -> list[Member]:
    roles = [role.value for role in Role if Action.RESPOND in ROLE_ACTIONS[role]]
    return list(
        Member.objects.filter(organization_id=member.organization_id, is_active=True,
                              role__in=roles).select_related("user").order_by("user__email")
    )


def _detail(request: HttpRequest, member: Member, conversation: Conversation,
            **extra: Any) -> HttpResponse:
    thread = list(conversation.messages.select_related("sent_by__user").order_by(
        "created_at", "pk"))
    can_assign = can(member, Action.ASSIGN_CONVERSATIONS, conversation)
    can_respond = can(member, Action.RESPOND, conversation)
    collaboration.touch(conversation, member)
    seen = max((m.pk for m in thread), default=0)
    context = {
        "conversation": conversation,
        "thread": thread,
        "notes": collaboration.notes_of(conversation),
        "seen_message": seen,
        "others": collaboration.others_on(conversation, member, seen),
        "can_respond": can_respond,
        "saved_replies": saved_replies.picker_for(member, conversation) if can_respond else [],
        "can_assign": can_assign,
        "assignable": _assignable(member) if can_assign else [],
        "outgoing": Direction.OUT,
        "can_approve": can(member, Action.APPROVE_REPLIES, conversation),
        "next_conversation": services.next_in_queue(member, conversation),
        **extra,
    }
    return render(request, "inbox/conversation_detail.html", context)


@login_required
@require_GET
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Show one conversation: its messages, notes, who else is on it, and the reply box."""
    member = _member(request)
    return _detail(request, member, services.get_conversation_for_member(member,
                                                                         conversation_id))


@login_required
@require_POST
def conversation_presence(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Say the member is still here (typing, maybe); return who else is (polled by htmx)."""
    member = _member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    collaboration.touch(conversation, member, typing=request.POST.get("typing") == "1")
    seen = request.POST.get("seen", "")
    others = collaboration.others_on(conversation, member, int(seen) if seen.isdigit() else 0)
    return render(request, "inbox/_presence.html", {"others": others,
                                                    "conversation": conversation})


@login_required
@require_POST
def conversation_note(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Add an internal note (the contact never sees it)."""
    text = request.POST.get("text", "")
    return _act(request, conversation_id,
                lambda m, c, a: collaboration.add_note(c, text, m, a), _("Note added."))


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
    """Answer a conversation; the reply goes out in the background, once.

    When someone else answered after the page was loaded, the reply is not sent: the
    page comes back with their answer, the text kept, and a "send anyway" button.
    """
    member = _member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    text = request.POST.get("text", "")
    saved = request.POST.get("saved_reply", "")
    seen = request.POST.get("seen_message", "")
    try:
        services.reply(conversation, text, member, Actor.from_request(request),
                       saved_reply_id=int(saved) if saved.isdigit() else None,
                       seen_message_id=int(seen) if seen.isdigit() else None,
                       confirmed=request.POST.get("confirm") == "1")
    except ReplyCollision as exc:
        return _detail(request, member, conversation, draft=text, collision=exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _detail(request, member, conversation, draft=text)
    messages.success(request, _("Reply queued: it is being sent to the network."))
    return _back(conversation_id)


@login_required
@require_POST
def conversation_bulk(request: HttpRequest) -> HttpResponse:
    """Assign, tag, close or reopen the selected conversations."""
    member = _member(request)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("inbox:conversations")
    try:
        result = bulk.apply(member, ids, request.POST.get("action", ""),
                            request.POST.get("value", ""), Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(back)
    if result.done:
        messages.success(request, ngettext("%(n)d conversation updated.",
                                           "%(n)d conversations updated.", result.done)
                         % {"n": result.done})
    if result.skipped:
        messages.warning(request, _("Not changed: %(list)s") % {
            "list": "; ".join(result.skipped[:10])})
    return HttpResponseRedirect(back)


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


@login_required
@require_GET
def urgent_badge(request: HttpRequest) -> HttpResponse:
    """Return the navigation bar's count of urgent messages nobody has taken (every page)."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    if member is None or not can(member, Action.VIEW_INBOX, member.organization):
        return HttpResponse(status=204)
    count = escalation.open_notices(member).count()
    if not count:
        return HttpResponse("")
    return render(request, "inbox/_urgent_badge.html", {"count": count})


def _reviewed(request: HttpRequest, conversation_id: int, message_id: int,
              review: Any, done: str) -> HttpResponse:
    member = _member(request)
    conversation = services.get_conversation_for_member(member, conversation_id)
    message = conversation.messages.filter(pk=message_id).first()
    if message is None:
        raise Http404
    try:
        review(message, member, Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _back(conversation_id)


@login_required
@require_POST
def reply_approve(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    """Let a reply that waits for approval go out."""
    return _reviewed(request, conversation_id, message_id, reply_approval.approve,
                     _("Reply approved: it is being sent."))


@login_required
@require_POST
def reply_reject(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    """Turn down a reply that waits for approval, with a reason for its author."""
    reason = request.POST.get("reason", "")
    return _reviewed(request, conversation_id, message_id,
                     lambda m, member, actor: reply_approval.reject(m, member, actor, reason),
                     _("Reply turned down; its author sees why."))
