"""Turn inbound items from a connector into contacts, conversations and messages.

Batch-oriented: a batch costs a fixed handful of queries whatever its size (one lookup
of known ids, one contact upsert, one conversation lookup, one insert and one update,
one message insert). Idempotent on (channel, remote id).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from socialops.connectors.base import InboundItem
from socialops.governance.models import Channel
from socialops.inbox.models import Contact, Conversation, Kind, Message, Priority, Status
from socialops.inbox.services import rule_apply
from socialops.inbox.services.assignment import auto_assign
from socialops.inbox.services.escalation import escalate
from socialops.inbox.services.schedule import ResponsePolicy, policy_for
from socialops.inbox.triage import Classifier, Triage, get_classifier, priority_for

KINDS = {"comment": Kind.COMMENT, "reply": Kind.COMMENT, "mention": Kind.MENTION, "dm": Kind.DM}
COMMENT_KINDS = ("comment", "reply")
EXCERPT_LENGTH = 280
BATCH_SIZE = 500


@dataclass(frozen=True)
class IngestResult:
    """What one batch changed."""

    received: int
    created: int
    edited: int
    conversations_created: int
    reopened: int


def _unique(items: Sequence[InboundItem]) -> list[InboundItem]:
    seen: dict[str, InboundItem] = {}
    for item in items:
        if item.kind in KINDS and item.remote_id not in seen:
            seen[item.remote_id] = item
    return list(seen.values())


def _reflect_edits(channel: Channel, items: list[InboundItem]) -> tuple[list[InboundItem], int]:
    """Return the items not stored yet; update the text of stored ones that changed."""
    known = {
        remote_id: (pk, text)
        for remote_id, pk, text in Message.objects.filter(
            channel=channel, remote_id__in=[i.remote_id for i in items]
        ).values_list("remote_id", "pk", "text")
    }
    edits = [
        Message(pk=known[i.remote_id][0], text=i.text, edited=True)
        for i in items
        if i.remote_id in known and known[i.remote_id][1] != i.text
    ]
    if edits:
        Message.objects.bulk_update(edits, ["text", "edited"], batch_size=BATCH_SIZE)
    return [i for i in items if i.remote_id not in known], len(edits)


def thread_keys(channel: Channel, items: list[InboundItem]) -> dict[str, str]:
    """Return the conversation key of each item (by remote id).

    A DM or a mention is its thread. Comments under one of the brand's posts are split
    per top-level comment, so that each person's comment is a conversation of its own:
    a reply joins the conversation of the message it answers.
    """
    batch_ids = {i.remote_id for i in items}
    wanted = {i.parent_remote_id for i in items if i.parent_remote_id} - batch_ids
    known = dict(
        Message.objects.filter(channel=channel, remote_id__in=wanted).values_list(
            "remote_id", "conversation__thread_key"
        )
    ) if wanted else {}
    keys: dict[str, str] = {}
    for item in items:
        parent = item.parent_remote_id
        if item.kind not in COMMENT_KINDS or not parent:
            key = item.thread_key
        elif parent in keys:
            key = keys[parent]
        elif parent in known:
            key = known[parent]
        elif parent == item.post_remote_id:
            key = f"{item.thread_key}/{item.remote_id}"
        else:
            key = f"{item.thread_key}/{parent}"
        keys[item.remote_id] = key[:255]
    return keys


def _handle(item: InboundItem) -> str:
    return (item.author_handle or "unknown")[:200]


def upsert_contacts(channel: Channel, items: list[InboundItem]) -> dict[str, Contact]:
    """Create or refresh the authors of the items; return them by handle."""
    latest: dict[str, InboundItem] = {}
    first: dict[str, datetime] = {}
    for item in items:
        handle = _handle(item)
        latest[handle] = item
        first.setdefault(handle, item.created_at)
    Contact.objects.bulk_create(
        [
            Contact(
                organization_id=channel.organization_id, network=channel.network,
                remote_handle=handle, display_name=item.author_name[:200],
                first_seen_at=first[handle], last_seen_at=item.created_at,
            )
            for handle, item in latest.items()
        ],
        update_conflicts=True,
        unique_fields=["organization", "network", "remote_handle"],
        update_fields=["display_name", "last_seen_at"],
        batch_size=BATCH_SIZE,
    )
    contacts = Contact.objects.filter(
        organization_id=channel.organization_id, network=channel.network,
        remote_handle__in=list(latest),
    ).only("pk", "remote_handle", "is_vip", "display_name")
    return {c.remote_handle: c for c in contacts}


def _new_conversation(channel: Channel, key: str, item: InboundItem,
                      contact: Contact) -> Conversation:
    return Conversation(
        organization_id=channel.organization_id, channel=channel, kind=KINDS[item.kind],
        thread_key=key, contact=contact, status=Status.OPEN, priority=Priority.LOW,
        post_remote_id=item.post_remote_id or "", first_inbound_at=item.created_at,
        last_inbound_at=item.created_at, spam=True,
    )


def _absorb(conversation: Conversation, group: list[tuple[InboundItem, Triage, int]],
            is_new: bool, policy: ResponsePolicy) -> bool:
    """Fold new messages into a conversation's summary; return True if it reopened."""
    reopened = False
    if conversation.status != Status.OPEN:
        conversation.status = Status.OPEN
        reopened = True
    if is_new or reopened:
        # Only messages that arrive while it is open count; a closed thread starts afresh.
        conversation.priority = Priority.LOW
    # A conversation is spam only while every message in it is.
    conversation.spam = (conversation.spam or is_new) and all(t.spam for _i, t, _p in group)
    for item, triage, priority in group:
        conversation.last_inbound_at = max(conversation.last_inbound_at, item.created_at)
        conversation.excerpt = item.text[:EXCERPT_LENGTH]
        conversation.urgent = conversation.urgent or triage.urgent
        conversation.priority = max(conversation.priority, priority)
        if not triage.spam:
            conversation.sentiment = triage.sentiment
            conversation.sentiment_score = triage.sentiment_score
        if triage.language != "unknown":
            conversation.language = triage.language
        conversation.message_count += 1
        _start_clock(conversation, item.created_at, policy)
    if is_new:
        conversation.first_response_due_at = conversation.response_due_at
    return reopened


def _start_clock(conversation: Conversation, since: datetime, policy: ResponsePolicy) -> None:
    """Start the response clock, or bring it forward when the priority rose."""
    warn, due = policy.due(since, conversation.channel_id, conversation.priority)
    if conversation.response_due_at is None or due < conversation.response_due_at:
        conversation.response_due_at = due
        conversation.response_warn_at = warn


def _restart_clock(conversation: Conversation, is_new: bool, since: datetime,
                   policy: ResponsePolicy) -> None:
    """Recompute the response target after a rule changed the priority."""
    if is_new:
        # A new conversation has no promise yet: its target follows the rule's priority.
        conversation.response_due_at = conversation.response_warn_at = None
    _start_clock(conversation, since, policy)
    if is_new:
        conversation.first_response_due_at = conversation.response_due_at


_SUMMARY_FIELDS = [
    "status", "priority", "spam", "last_inbound_at", "excerpt", "urgent", "sentiment",
    "sentiment_score", "language", "message_count", "response_due_at", "response_warn_at",
]


def _upsert_conversations(
    channel: Channel, items: list[InboundItem], keys: dict[str, str],
    triages: list[Triage], priorities: list[int], contacts: dict[str, Contact],
) -> tuple[dict[str, Conversation], int, int, rule_apply.Plan]:
    groups: dict[str, list[tuple[InboundItem, Triage, int]]] = defaultdict(list)
    for item, triage, priority in zip(items, triages, priorities, strict=True):
        groups[keys[item.remote_id]].append((item, triage, priority))
    existing = {
        c.thread_key: c
        for c in Conversation.objects.filter(channel=channel, thread_key__in=list(groups))
    }
    policy = policy_for(channel.organization_id, channel.organization.time_zone)
    created: list[Conversation] = []
    touched: list[rule_apply.Touched] = []
    starts: dict[int, datetime] = {}
    reopened = 0
    for key, group in groups.items():
        conversation = existing.get(key)
        is_new = conversation is None
        if conversation is None:
            first = group[0][0]
            conversation = _new_conversation(channel, key, first, contacts[_handle(first)])
            created.append(conversation)
        reopened += _absorb(conversation, group, is_new, policy)
        existing[key] = conversation
        starts[id(conversation)] = group[0][0].created_at if is_new else group[-1][0].created_at
        touched.append(rule_apply.Touched(
            conversation, tuple((i.remote_id, i.text) for i, _t, _p in group),
            vip=any(contacts[_handle(i)].is_vip for i, _t, _p in group), is_new=is_new))
    plan = rule_apply.decide(channel, touched, lambda c, new: _restart_clock(
        c, new, starts[id(c)], policy))
    Conversation.objects.bulk_create(created, batch_size=BATCH_SIZE)
    created_keys = {c.thread_key for c in created}
    updated = [existing[k] for k in groups if k not in created_keys]
    if updated:
        Conversation.objects.bulk_update(updated, _SUMMARY_FIELDS, batch_size=BATCH_SIZE)
    # Tags and assignee are written only where a rule changed them: a colleague may be
    # tagging or assigning the other conversations right now.
    ruled = [c for c, _d, _r in plan.decisions if c.thread_key not in created_keys]
    if ruled:
        Conversation.objects.bulk_update(ruled, ["tags", "assignee"], batch_size=BATCH_SIZE)
    return existing, len(created), reopened, rule_apply.record(channel, plan)


@transaction.atomic
def ingest(channel: Channel, items: Sequence[InboundItem], *,
           classifier: Classifier | None = None) -> IngestResult:
    """Store a batch of inbound items of one channel; re-ingesting changes nothing.

    Triages each new message, threads it into its conversation (reopening a closed
    one), keeps the contact, starts the response-time clock, applies the organization's
    rules and hands waiting conversations out by round robin (ADR 0016).
    """
    unique = _unique(items)
    fresh, edited = _reflect_edits(channel, unique) if unique else ([], 0)
    if not fresh:
        return IngestResult(len(items), 0, edited, 0, 0)
    triages = (classifier or get_classifier()).classify(
        [i.text for i in fresh], [i.language for i in fresh]
    )
    keys = thread_keys(channel, fresh)
    contacts = upsert_contacts(channel, fresh)
    priorities = [
        priority_for(t, vip=contacts[_handle(i)].is_vip) for i, t in zip(fresh, triages,
                                                                        strict=True)
    ]
    conversations, created, reopened, plan = _upsert_conversations(
        channel, fresh, keys, triages, priorities, contacts
    )
    Message.objects.bulk_create(
        [
            Message(
                conversation=conversations[keys[item.remote_id]], channel=channel,
                remote_id=item.remote_id, parent_remote_id=item.parent_remote_id or "",
                author_handle=_handle(item), author_name=item.author_name[:200],
                text=item.text, created_at=item.created_at, language=triage.language,
                sentiment=triage.sentiment, sentiment_score=triage.sentiment_score,
                spam=triage.spam, urgent=triage.urgent,
                urgent_reasons=list(triage.urgent_reasons), priority=priority, raw=item.raw,
            )
            for item, triage, priority in zip(fresh, triages, priorities, strict=True)
        ],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    urgent = [i.remote_id for i, t in zip(fresh, triages, strict=True) if t.urgent]
    if urgent:
        escalate(channel, urgent)
    auto_assign(channel.organization, list(conversations.values()), teams=plan.teams)
    return IngestResult(len(items), len(fresh), edited, created, reopened)
