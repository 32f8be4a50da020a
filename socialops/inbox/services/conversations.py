"""Read the inbox within one organization, and change conversations (each change audited)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, channel_scope, require
from socialops.inbox.models import (
    Conversation,
    Delivery,
    Direction,
    Kind,
    Message,
    Sentiment,
    Status,
)
from socialops.inbox.services.search import search

MAX_REPLY_LENGTH = 5000
MAX_TAG_LENGTH = 40
TAG = re.compile(r"^[\w][\w \-]*$", re.UNICODE)
QUEUES = ("all", "unassigned", "mine", "urgent", "overdue", "approval")


def conversations_for(member: Member) -> QuerySet[Conversation]:
    """Return the conversations a member may read (their organization's only)."""
    require(member, Action.VIEW_INBOX, member.organization)
    return Conversation.objects.filter(channel_scope(member, Action.VIEW_INBOX),
                                       organization_id=member.organization_id)


def get_conversation_for_member(member: Member, conversation_id: int) -> Conversation:
    """Return one conversation of the member's organization, or raise Http404."""
    conversation = (
        conversations_for(member)
        .select_related("channel", "contact", "assignee__user")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404
    return conversation


@dataclass(frozen=True)
class QueueFilters:
    """What a queue page or API call asks for; unknown values are ignored."""

    queue: str = "all"
    status: str = Status.OPEN
    channel: int | None = None
    kind: str = ""
    language: str = ""
    sentiment: str = ""
    spam: bool = False
    q: str = ""
    tag: str = ""

    @classmethod
    def parse(cls, data: dict[str, str]) -> QueueFilters:
        """Build filters from query parameters, dropping what is not valid."""
        channel = data.get("channel", "")
        q = data.get("q", "").strip()[:200]
        # A search looks through every status unless one is asked for.
        status = data.get("status") or ("any" if q else Status.OPEN)
        return cls(
            q=q, tag=clean_tag(data.get("tag", ""), strict=False),
            queue=data.get("queue", "all") if data.get("queue") in QUEUES else "all",
            status=status if status in Status.values or status == "any" else Status.OPEN,
            channel=int(channel) if channel.isdigit() else None,
            kind=data.get("kind", "") if data.get("kind") in Kind.values else "",
            language=data.get("language", "")
            if data.get("language") in ("en", "fr", "unknown") else "",
            sentiment=data.get("sentiment", "")
            if data.get("sentiment") in Sentiment.values else "",
            spam=data.get("spam") in ("1", "true", "on"),
        )


def clean_tag(value: str, *, strict: bool = True) -> str:
    """Return a tag in its stored form (trimmed, lowercase), or raise/return "" when invalid."""
    tag = " ".join(value.split()).lower()
    if tag and len(tag) <= MAX_TAG_LENGTH and TAG.match(tag):
        return tag
    if strict:
        raise ValidationError(_("A tag is 1 to %(n)d letters, digits, spaces or dashes.")
                              % {"n": MAX_TAG_LENGTH})
    return ""


def with_tag(rows: QuerySet[Conversation], tag: str) -> QuerySet[Conversation]:
    """Narrow `rows` to conversations carrying `tag`."""
    if connection.vendor == "postgresql":
        return rows.filter(tags__contains=[tag])
    # SQLite has no JSON containment: match the element as it is written in the JSON text.
    return rows.filter(tags__icontains=json.dumps(tag))


def queue(member: Member, filters: QueueFilters) -> QuerySet[Conversation]:
    """Return a queue of conversations, newest activity first."""
    rows = conversations_for(member)
    if filters.status != "any":
        rows = rows.filter(status=filters.status)
    if filters.queue == "unassigned":
        rows = rows.filter(assignee__isnull=True)
    elif filters.queue == "mine":
        rows = rows.filter(assignee=member)
    elif filters.queue == "urgent":
        rows = rows.filter(urgent=True)
    elif filters.queue == "overdue":
        rows = rows.filter(response_due_at__lte=timezone.now())
    elif filters.queue == "approval":
        rows = rows.filter(pk__in=Message.objects.filter(
            delivery=Delivery.AWAITING_APPROVAL).values("conversation_id"))
    if filters.channel is not None:
        rows = rows.filter(channel_id=filters.channel)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.language:
        rows = rows.filter(language=filters.language)
    if filters.sentiment:
        rows = rows.filter(sentiment=filters.sentiment)
    rows = rows.filter(spam=filters.spam)
    if filters.tag:
        rows = with_tag(rows, filters.tag)
    if filters.q:
        rows = search(rows, filters.q)
    return rows.select_related("channel", "contact", "assignee__user").order_by(
        "-last_inbound_at", "-pk"
    )


def older_than(member: Member, rows: QuerySet[Conversation], conversation_id: int
               ) -> QuerySet[Conversation]:
    """Narrow a queue to what comes after one of its conversations (the next page)."""
    last = conversations_for(member).filter(pk=conversation_id).values_list(
        "last_inbound_at", flat=True).first()
    if last is None:
        return rows.none()
    return rows.filter(Q(last_inbound_at__lt=last) | Q(last_inbound_at=last,
                                                         pk__lt=conversation_id))


def next_in_queue(member: Member, conversation: Conversation) -> int | None:
    """Return the id of the open conversation after this one in the member's default queue."""
    return (conversations_for(member).filter(status=Status.OPEN, spam=False)
            .filter(Q(last_inbound_at__lt=conversation.last_inbound_at)
                    | Q(last_inbound_at=conversation.last_inbound_at, pk__lt=conversation.pk))
            .order_by("-last_inbound_at", "-pk").values_list("pk", flat=True).first())


def _snapshot(conversation: Conversation) -> dict[str, object]:
    return {"status": conversation.status, "assignee_id": conversation.assignee_id}


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().select_related("channel").get(
        pk=conversation.pk
    )


@transaction.atomic
def assign(conversation: Conversation, assignee: Member | None, member: Member,
           actor: Actor) -> Conversation:
    """Give a conversation to someone (or nobody); taking it oneself needs only RESPOND."""
    if assignee is not None and assignee.pk == member.pk:
        require(member, Action.RESPOND, conversation)
    else:
        require(member, Action.ASSIGN_CONVERSATIONS, conversation)
    if assignee is not None and (
        assignee.organization_id != conversation.organization_id
        or not can(assignee, Action.RESPOND, conversation)
    ):
        raise ValidationError(_("Conversations can only be assigned to members who answer."))
    locked = _locked(conversation)
    before = _snapshot(locked)
    locked.assignee = assignee
    locked.save(update_fields=["assignee"])
    audit.record(locked.organization, actor, "inbox.assign", locked, before=before,
                 after=_snapshot(locked))
    return locked


def _set_status(conversation: Conversation, status: str, member: Member, actor: Actor,
                action: str) -> Conversation:
    require(member, Action.RESPOND, conversation)
    locked = _locked(conversation)
    before = _snapshot(locked)
    locked.status = status
    fields = ["status"]
    if status == Status.CLOSED:
        locked.response_due_at = locked.response_warn_at = None
        fields += ["response_due_at", "response_warn_at"]
    locked.save(update_fields=fields)
    audit.record(locked.organization, actor, action, locked, before=before,
                 after=_snapshot(locked))
    return locked


@transaction.atomic
def close(conversation: Conversation, member: Member, actor: Actor) -> Conversation:
    """Close a conversation; a new inbound message reopens it."""
    return _set_status(conversation, Status.CLOSED, member, actor, "inbox.close")


@transaction.atomic
def reopen(conversation: Conversation, member: Member, actor: Actor) -> Conversation:
    """Reopen a closed or snoozed conversation."""
    return _set_status(conversation, Status.OPEN, member, actor, "inbox.reopen")


def reply_parent(conversation: Conversation) -> str:
    """Return the remote id a reply answers: the latest message received in the thread."""
    parent = (
        conversation.messages.filter(direction=Direction.IN, deleted=False)
        .order_by("-created_at", "-pk")
        .values_list("remote_id", flat=True)
        .first()
    )
    if not parent:
        raise ValidationError(_("There is no message to answer in this conversation."))
    return parent


class ReplyCollision(ValidationError):
    """Someone else answered after the member opened the conversation; ask before sending."""

    def __init__(self, answered: list[Message]):
        names = sorted({m.sent_by.display_name if m.sent_by else m.author_name
                        for m in answered})
        super().__init__(_("%(names)s answered this conversation after you opened it. Read "
                           "their answer, then send yours anyway or discard it.")
                         % {"names": ", ".join(names)})
        self.answered = answered


@transaction.atomic
def reply(conversation: Conversation, text: str, member: Member, actor: Actor, *,
          saved_reply_id: int | None = None, seen_message_id: int | None = None,
          confirmed: bool = False) -> Message:
    """Store an answer and queue its delivery (once) after the transaction commits.

    `saved_reply_id` records (in the audit trail) which saved reply the text started from.
    With `seen_message_id` (the newest message the member's page showed), a reply another
    member sent since then raises `ReplyCollision` unless the member `confirmed`.
    """
    from socialops.inbox import tasks
    from socialops.inbox.services.collaboration import answered_since
    from socialops.inbox.services.reply_approval import needs_approval, notify_approvers

    require(member, Action.RESPOND, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a reply first."))
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError(_("A reply holds at most %(n)d characters.")
                              % {"n": MAX_REPLY_LENGTH})
    locked = _locked(conversation)
    held = needs_approval(locked, member)
    if seen_message_id is not None and not confirmed:
        # Checked under the row lock: of two simultaneous replies, the second sees the first.
        answered = answered_since(locked, member, seen_message_id)
        if answered:
            raise ReplyCollision(answered)
    channel = locked.channel
    message = Message.objects.create(
        conversation=locked, channel=channel, direction=Direction.OUT,
        parent_remote_id=reply_parent(locked), author_handle=channel.handle,
        author_name=channel.display_name, sent_by=member, text=text,
        created_at=timezone.now(), language=locked.language,
        # Stable across every retry of this message: the network deduplicates on it.
        idempotency_key=f"inbox-reply-{uuid.uuid4().hex}",
        delivery=Delivery.AWAITING_APPROVAL if held else Delivery.PENDING,
    )
    locked.message_count += 1
    fields = ["message_count"]
    if locked.assignee_id is None:
        locked.assignee = member
        fields.append("assignee")
    locked.save(update_fields=fields)
    after: dict[str, object] = {"message": message.pk, "length": len(text)}
    if saved_reply_id is not None:
        after["saved_reply"] = saved_reply_id
    message_id = message.pk
    if held:
        audit.record(locked.organization, actor, "inbox.reply_submitted", locked, after=after)
        transaction.on_commit(lambda: notify_approvers(message_id))
        return message
    audit.record(locked.organization, actor, "inbox.reply", locked, after=after)
    transaction.on_commit(lambda: tasks.send_reply.delay(message_id))
    return message


@transaction.atomic
def retry_reply(message: Message, member: Member, actor: Actor) -> Message:
    """Queue a failed reply again with the same idempotency key."""
    require(member, Action.RESPOND, message.conversation)
    if message.direction != Direction.OUT or message.delivery != Delivery.FAILED:
        raise ValidationError(_("Only a reply that was not sent can be sent again."))
    Message.objects.filter(pk=message.pk).update(delivery=Delivery.PENDING, error="")
    audit.record(message.conversation.organization, actor, "inbox.reply_retry",
                 message.conversation, after={"message": message.pk})
    from socialops.inbox import tasks

    message_id = message.pk
    transaction.on_commit(lambda: tasks.send_reply.delay(message_id))
    message.refresh_from_db()
    return message


@transaction.atomic
def set_tag(conversation: Conversation, tag: str, member: Member, actor: Actor, *,
            present: bool = True) -> Conversation:
    """Add (or with `present=False`, remove) a tag on a conversation."""
    require(member, Action.RESPOND, conversation)
    tag = clean_tag(tag)
    locked = _locked(conversation)
    tags = list(locked.tags or [])
    if (tag in tags) == present:
        return locked
    tags = [*tags, tag] if present else [t for t in tags if t != tag]
    before = {"tags": locked.tags}
    locked.tags = tags
    locked.save(update_fields=["tags"])
    audit.record(locked.organization, actor, "inbox.tag", locked, before=before,
                 after={"tags": tags})
    return locked
