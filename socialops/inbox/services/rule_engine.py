"""Evaluate an organization's inbox rules against conversations: pure functions, no queries.

`compile_rules` turns Rule rows into `CompiledRule`s once per batch (keywords become one
regular expression each); `evaluate` returns what the rules decide for one conversation.
Rules run top to bottom; each matching rule adds its actions; a single-valued action
(priority, assignee, team, who to notify) keeps the value of the first rule that sets it;
a matching rule marked "stop" ends the evaluation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from socialops.inbox.rule_models import Rule, UrgentCondition


def fold(text: str) -> str:
    """Return text without accents and case, for keyword matching ("Presse" ~ "presse")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern[str] | None:
    """Return one pattern matching any keyword as a whole word or phrase, or None."""
    words = sorted({fold(k).strip() for k in keywords if k.strip()}, key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to evaluate: its conditions as sets, its keywords as a pattern."""

    pk: int
    name: str
    channels: frozenset[int]
    kinds: frozenset[str]
    languages: frozenset[str]
    sentiments: frozenset[str]
    pattern: re.Pattern[str] | None
    urgent: str
    vip_only: bool
    stop: bool
    tags: tuple[str, ...]
    priority: int | None
    assign_member_id: int | None
    assign_team_id: int | None
    hide: bool
    escalate_to_id: int | None


def compile_rule(rule: Rule) -> CompiledRule:
    """Return a rule row in the form `evaluate` reads."""
    return CompiledRule(
        pk=rule.pk, name=rule.name,
        channels=frozenset(int(c) for c in rule.channels),
        kinds=frozenset(rule.kinds), languages=frozenset(rule.languages),
        sentiments=frozenset(rule.sentiments), pattern=keyword_pattern(rule.keywords),
        urgent=rule.urgent, vip_only=rule.vip_only, stop=rule.stop_processing,
        tags=tuple(rule.add_tags), priority=rule.set_priority,
        assign_member_id=rule.assign_member_id, assign_team_id=rule.assign_team_id,
        hide=rule.hide, escalate_to_id=rule.escalate_to_id,
    )


def compile_rules(rules: Iterable[Rule]) -> list[CompiledRule]:
    """Return the enabled rules, compiled, in evaluation order."""
    ordered = sorted((r for r in rules if r.enabled), key=lambda r: (r.position, r.pk))
    return [compile_rule(r) for r in ordered]


@dataclass(frozen=True)
class Subject:
    """What the rules look at: a conversation's state and the texts of its new messages.

    `texts` pairs each new inbound message's remote id with its text, oldest first.
    """

    channel_id: int
    kind: str
    language: str
    sentiment: str
    urgent: bool
    vip: bool
    texts: tuple[tuple[str, str], ...]


@dataclass
class Decision:
    """What the matching rules ask for one conversation."""

    rules: list[tuple[CompiledRule, str]] = field(default_factory=list)  # (rule, message id)
    tags: list[str] = field(default_factory=list)
    priority: int | None = None
    assign_member_id: int | None = None
    assign_team_id: int | None = None
    hide_message_ids: list[str] = field(default_factory=list)
    escalate_to_id: int | None = None

    @property
    def matched(self) -> bool:
        return bool(self.rules)


def _matching_message(rule: CompiledRule, subject: Subject) -> str | None:
    """Return the id of the message that satisfies the keywords ("" without keywords)."""
    if rule.pattern is None:
        return subject.texts[-1][0] if subject.texts else ""
    for remote_id, text in subject.texts:
        if rule.pattern.search(fold(text)):
            return remote_id
    return None


def matches(rule: CompiledRule, subject: Subject) -> str | None:
    """Return the id of the message the rule matched on ("" for none in particular), or None."""
    if rule.channels and subject.channel_id not in rule.channels:
        return None
    if rule.kinds and subject.kind not in rule.kinds:
        return None
    if rule.languages and subject.language not in rule.languages:
        return None
    if rule.sentiments and subject.sentiment not in rule.sentiments:
        return None
    if rule.urgent == UrgentCondition.YES and not subject.urgent:
        return None
    if rule.urgent == UrgentCondition.NO and subject.urgent:
        return None
    if rule.vip_only and not subject.vip:
        return None
    return _matching_message(rule, subject)


def evaluate(rules: Sequence[CompiledRule], subject: Subject,
             skip: frozenset[int] = frozenset()) -> Decision:
    """Return what the rules decide for a conversation.

    Rules in `skip` already acted on this conversation: they are not applied again, but
    a matching one marked "stop" still stops the rules below it.
    """
    decision = Decision()
    for rule in rules:
        message_id = matches(rule, subject)
        if message_id is None:
            continue
        if rule.pk not in skip:
            _apply(decision, rule, message_id)
        if rule.stop:
            break
    return decision


def _apply(decision: Decision, rule: CompiledRule, message_id: str) -> None:
    decision.rules.append((rule, message_id))
    decision.tags.extend(t for t in rule.tags if t not in decision.tags)
    if decision.priority is None and rule.priority is not None:
        decision.priority = rule.priority
    if (decision.assign_member_id is None and decision.assign_team_id is None
            and (rule.assign_member_id or rule.assign_team_id)):
        decision.assign_member_id = rule.assign_member_id
        decision.assign_team_id = None if rule.assign_member_id else rule.assign_team_id
    if rule.hide and message_id and message_id not in decision.hide_message_ids:
        decision.hide_message_ids.append(message_id)
    if decision.escalate_to_id is None and rule.escalate_to_id is not None:
        decision.escalate_to_id = rule.escalate_to_id
