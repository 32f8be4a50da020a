"""Apply an organization's rules to the conversations of one ingest batch.

Called by `ingest` inside its transaction, in two steps around the conversations'
own bulk save, so that a batch costs a fixed number of queries whatever its size:

1. `decide` loads the rules once, evaluates them in Python (rule_engine) and changes
   the conversation objects in memory (tags, priority, assignee) before they are saved;
2. `record` writes one RuleHit per rule and conversation, one audit event for the
   batch, and queues what happens after commit: hiding messages on the network and
   notifying the person a rule escalates to.

A rule acts once per conversation: a later message can make another rule match, but
a rule that already acted (a RuleHit exists) is not applied again.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.connectors.capabilities import Feature
from socialops.connectors.errors import ConnectorError
from socialops.connectors.registry import capabilities_for
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.paging import PageRequest, request_page
from socialops.core.permissions import Action, can
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation
from socialops.inbox.rule_models import Rule, RuleHit
from socialops.inbox.services.rule_engine import (
    CompiledRule,
    Decision,
    Subject,
    compile_rules,
    evaluate,
)

log = logging.getLogger(__name__)
SYSTEM = Actor.system("inbox rules")


@dataclass(frozen=True)
class Touched:
    """A conversation of the batch, the new messages in it, and whether it is new."""

    conversation: Conversation
    messages: tuple[tuple[str, str], ...]  # (remote id, text), oldest first
    vip: bool
    is_new: bool


@dataclass
class Plan:
    """What the rules decided for a batch, waiting for the conversations to be saved."""

    decisions: list[tuple[Conversation, Decision, list[str]]] = field(default_factory=list)
    teams: dict[int, int] = field(default_factory=dict)  # filled by `record` (needs pks)

    @property
    def empty(self) -> bool:
        return not self.decisions


def _subject(touched: Touched) -> Subject:
    c = touched.conversation
    return Subject(channel_id=c.channel_id, kind=c.kind, language=c.language,
                   sentiment=c.sentiment, urgent=c.urgent, vip=touched.vip,
                   texts=touched.messages)


def _done_before(rules: list[CompiledRule], batch: Sequence[Touched]) -> dict[int, set[int]]:
    known = [t.conversation.pk for t in batch if not t.is_new]
    if not known:
        return {}
    done: dict[int, set[int]] = {}
    for conversation_id, rule_id in RuleHit.objects.filter(
            conversation_id__in=known, rule_id__in=[r.pk for r in rules]).values_list(
            "conversation_id", "rule_id"):
        done.setdefault(conversation_id, set()).add(rule_id)
    return done


def _members(channel: Channel, rules: list[CompiledRule]) -> dict[int, Member]:
    ids = {r.assign_member_id for r in rules if r.assign_member_id}
    if not ids:
        return {}
    return {m.pk: m for m in Member.objects.filter(
        pk__in=ids, organization_id=channel.organization_id).select_related("user")}


def decide(channel: Channel, batch: Sequence[Touched],
           restart_clock: Callable[[Conversation, bool], None]) -> Plan:
    """Evaluate the rules for each conversation and change them in memory (not saved).

    `restart_clock(conversation, is_new)` recomputes the response target after a rule
    changed the priority.
    """
    plan = Plan()
    if not batch:
        return plan
    rules = compile_rules(Rule.objects.filter(organization_id=channel.organization_id,
                                              enabled=True))
    if not rules:
        return plan
    done = _done_before(rules, batch)
    members = _members(channel, rules)
    for touched in batch:
        conversation = touched.conversation
        decision = evaluate(rules, _subject(touched),
                            frozenset(done.get(conversation.pk or 0, ())))
        if decision.matched:
            notes = _change(conversation, decision, members, touched.is_new, restart_clock)
            plan.decisions.append((conversation, decision, notes))
    return plan


def _change(conversation: Conversation, decision: Decision, members: dict[int, Member],
            is_new: bool, restart_clock: Callable[[Conversation, bool], None]) -> list[str]:
    """Apply a decision to a conversation in memory; return what could not be done."""
    refused: list[str] = []
    tags = list(conversation.tags or [])
    conversation.tags = tags + [t for t in decision.tags if t not in tags]
    if decision.priority is not None and decision.priority != conversation.priority:
        conversation.priority = decision.priority
        restart_clock(conversation, is_new)
    if decision.assign_member_id is not None and conversation.assignee_id is None:
        member = members.get(decision.assign_member_id)
        if member is not None and can(member, Action.RESPOND, conversation):
            conversation.assignee = member
        else:
            refused.append("assign:refused")
    return refused


def _actions(rule: CompiledRule, conversation: Conversation, message_id: str,
             can_hide: bool) -> list[str]:
    done = [f"tag:{t}" for t in rule.tags]
    if rule.priority is not None:
        done.append(f"priority:{rule.priority}")
    if rule.assign_member_id:
        done.append(f"assign:{rule.assign_member_id}")
    if rule.assign_team_id:
        done.append(f"team:{rule.assign_team_id}")
    if rule.hide and message_id:
        done.append("hide:requested" if can_hide else "hide:unsupported")
    if rule.escalate_to_id:
        done.append(f"escalate:{rule.escalate_to_id}")
    return done


def record(channel: Channel, plan: Plan) -> Plan:
    """Write the rule hits and the batch's audit event; queue hiding and notifying.

    Runs after the conversations were saved (they have ids). Fills `plan.teams` with the
    conversations a rule hands to a team's round robin.
    """
    if plan.empty:
        return plan
    from socialops.inbox import tasks

    can_hide = Feature.HIDE in capabilities_for(channel.network).features
    now = timezone.now()
    hits: list[RuleHit] = []
    counts: Counter[str] = Counter()
    for conversation, decision, refused in plan.decisions:
        if decision.assign_team_id is not None and conversation.assignee_id is None:
            plan.teams[conversation.pk] = decision.assign_team_id
        for rule, message_id in decision.rules:
            counts[rule.name] += 1
            escalating = rule.escalate_to_id is not None and (
                rule.escalate_to_id == decision.escalate_to_id)
            hits.append(RuleHit(
                conversation=conversation, rule_id=rule.pk, rule_name=rule.name,
                actions=_actions(rule, conversation, message_id, can_hide) + refused,
                message_remote_id=message_id,
                escalated_to_id=rule.escalate_to_id if escalating else None, created_at=now))
    RuleHit.objects.bulk_create(hits, batch_size=500, ignore_conflicts=True)
    audit.record(channel.organization, SYSTEM, "inbox.rules_apply", channel,
                 after={"conversations": len(plan.decisions), "rules": dict(counts)})
    ids = list(RuleHit.objects.filter(
        conversation_id__in=[c.pk for c, _d, _r in plan.decisions], created_at=now)
        .values_list("pk", "escalated_to_id", "actions"))
    hide = [pk for pk, _e, actions in ids if "hide:requested" in actions]
    notify = [pk for pk, escalated, _a in ids if escalated]
    if hide:
        transaction.on_commit(lambda: tasks.hide_rule_messages.delay(hide))
    if notify:
        transaction.on_commit(lambda: tasks.notify_rule_escalations.delay(notify))
    return plan


def hide_messages(hit_ids: Sequence[int]) -> int:
    """Hide on the network the messages rules asked to hide; each hit is tried once."""
    from socialops.governance.connections import connector_for

    hidden = 0
    for hit in RuleHit.objects.filter(pk__in=list(hit_ids), hidden_at__isnull=True
                                      ).select_related("conversation__channel__organization"):
        claimed = RuleHit.objects.filter(pk=hit.pk, hidden_at__isnull=True).update(
            hidden_at=timezone.now())
        if not claimed:
            continue
        channel = hit.conversation.channel
        try:
            connector_for(channel).hide(hit.message_remote_id)  # type: ignore[attr-defined]
        except (ConnectorError, AttributeError) as exc:
            log.warning("rule %s could not hide %s: %s", hit.rule_name,
                        hit.message_remote_id, exc)
            _note(hit, "hide:failed")
            continue
        _note(hit, "hide:done")
        hidden += 1
    return hidden


def _note(hit: RuleHit, action: str) -> None:
    with transaction.atomic():
        RuleHit.objects.filter(pk=hit.pk).update(actions=[*hit.actions, action])
        audit.record(hit.conversation.channel.organization, SYSTEM, "inbox.rule_hide",
                     hit.conversation, after={"rule": hit.rule_name, "result": action,
                                              "message": hit.message_remote_id})


def notify_escalations(hit_ids: Sequence[int]) -> int:
    """E-mail the person each rule escalates to, once per hit; page if they have no e-mail."""
    sent = 0
    for hit in RuleHit.objects.filter(pk__in=list(hit_ids), notified_at__isnull=True
                                      ).select_related("conversation__channel__organization",
                                                       "conversation__contact",
                                                       "escalated_to__user"):
        if not RuleHit.objects.filter(pk=hit.pk, notified_at__isnull=True).update(
                notified_at=timezone.now()):
            continue
        sent += _notify(hit)
    return sent


def _notify(hit: RuleHit) -> int:
    conversation = hit.conversation
    organization = conversation.channel.organization
    person = hit.escalated_to
    with translation.override(organization.language):
        subject = _("Rule “%(rule)s”: a conversation on %(channel)s needs you") % {
            "rule": hit.rule_name, "channel": conversation.channel.display_name}
        if person is None or not person.is_active or not person.user.email:
            with transaction.atomic():
                request_page(PageRequest(
                    organization_id=organization.pk, kind="inbox_rule", title=subject,
                    url=reverse("inbox:conversation", args=[conversation.pk]),
                    dedupe_key=f"inbox-rule:{hit.pk}",
                    channel_id=conversation.channel_id, severity="high"))
            return 0
        body = render_to_string("inbox/email/rule_escalation.txt", {
            "hit": hit, "conversation": conversation, "channel": conversation.channel,
            "contact": conversation.contact,
            "base_url": getattr(settings, "SOCIALOPS_BASE_URL", "")})
    send_mail(subject, body, None, [person.user.email])
    return 1


def hits_for(conversation: Conversation) -> list[RuleHit]:
    """Return the rules that acted on a conversation, oldest first (for its page)."""
    return list(conversation.rule_hits.order_by("created_at", "pk"))
