"""Manage an organization's inbox rules: create, change, order, switch on and off, delete.

Each change is checked (MANAGE_INBOX_SETTINGS), validated field by field (the form
shows every error next to its field) and audited in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Team
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel
from socialops.inbox.models import Kind, Priority, Sentiment
from socialops.inbox.rule_models import Rule, UrgentCondition

MAX_NAME = 120
MAX_WORDS = 50
MAX_WORD = 100
MAX_TAGS = 20
MAX_TAG = 40
LANGUAGE_RE = re.compile(r"^(?:[a-z]{2,3}|unknown)$")


@dataclass
class RuleData:
    """What a form or the API submits for a rule."""

    name: str
    enabled: bool = True
    stop_processing: bool = False
    channels: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    sentiments: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    urgent: str = UrgentCondition.ANY
    vip_only: bool = False
    add_tags: list[str] = field(default_factory=list)
    set_priority: int | None = None
    assign_member_id: int | None = None
    assign_team_id: int | None = None
    hide: bool = False
    escalate_to_id: int | None = None

    @classmethod
    def of(cls, rule: Rule) -> RuleData:
        """Return the data of a stored rule (to fill its form)."""
        return cls(
            name=rule.name, enabled=rule.enabled, stop_processing=rule.stop_processing,
            channels=list(rule.channels), kinds=list(rule.kinds),
            languages=list(rule.languages), sentiments=list(rule.sentiments),
            keywords=list(rule.keywords), urgent=rule.urgent, vip_only=rule.vip_only,
            add_tags=list(rule.add_tags), set_priority=rule.set_priority,
            assign_member_id=rule.assign_member_id, assign_team_id=rule.assign_team_id,
            hide=rule.hide, escalate_to_id=rule.escalate_to_id)


def rules_for(member: Member) -> QuerySet[Rule]:
    """Return the organization's rules in evaluation order (managers only)."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    return Rule.objects.filter(organization_id=member.organization_id).order_by(
        "position", "pk")


def get_rule(member: Member, rule_id: int) -> Rule:
    """Return one rule of the member's organization, or raise Http404."""
    found = rules_for(member).filter(pk=rule_id).first()
    if found is None:
        raise Http404
    return found


def _words(values: list[str], limit: int, length: int, field_name: str,
           errors: dict[str, list[str]]) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        word = " ".join(str(value).split())
        if word and word.casefold() not in {w.casefold() for w in cleaned}:
            cleaned.append(word)
    if len(cleaned) > limit:
        errors.setdefault(field_name, []).append(
            _("At most %(n)d entries.") % {"n": limit})
    if any(len(w) > length for w in cleaned):
        errors.setdefault(field_name, []).append(
            _("Each entry holds at most %(n)d characters.") % {"n": length})
    return cleaned


def _org_member(member: Member, member_id: int | None, field_name: str,
                errors: dict[str, list[str]]) -> None:
    if member_id is None:
        return
    person = Member.objects.filter(pk=member_id, organization_id=member.organization_id,
                                   is_active=True).select_related("user").first()
    if person is None:
        errors.setdefault(field_name, []).append(_("Choose a member of the organization."))
    elif field_name == "assign_member_id" and not can(person, Action.RESPOND):
        errors.setdefault(field_name, []).append(
            _("Conversations can only be assigned to members who answer."))


def _check_choices(data: RuleData, errors: dict[str, list[str]]) -> None:
    if set(data.kinds) - set(Kind.values):
        errors.setdefault("kinds", []).append(_("Choose kinds from the list."))
    if set(data.sentiments) - set(Sentiment.values):
        errors.setdefault("sentiments", []).append(_("Choose sentiments from the list."))
    if any(not LANGUAGE_RE.match(code) for code in data.languages):
        errors.setdefault("languages", []).append(
            _("Give languages as two-letter codes, e.g. fr, en."))
    if data.urgent not in UrgentCondition.values:
        errors.setdefault("urgent", []).append(_("Choose yes, no or either."))
    if data.set_priority is not None and data.set_priority not in Priority.values:
        errors.setdefault("set_priority", []).append(_("Choose a priority from the list."))


def clean(member: Member, data: RuleData, rule: Rule | None = None) -> RuleData:
    """Return the data normalised, or raise ValidationError with an error per field."""
    errors: dict[str, list[str]] = {}
    data.name = " ".join(data.name.split())
    if not data.name:
        errors["name"] = [_("Give the rule a name.")]
    elif len(data.name) > MAX_NAME:
        errors["name"] = [_("A name holds at most %(n)d characters.") % {"n": MAX_NAME}]
    elif Rule.objects.filter(organization_id=member.organization_id,
                             name__iexact=data.name).exclude(
            pk=rule.pk if rule else 0).exists():
        errors["name"] = [_("Another rule already has this name.")]
    data.keywords = _words(data.keywords, MAX_WORDS, MAX_WORD, "keywords", errors)
    data.add_tags = [t.casefold() for t in _words(data.add_tags, MAX_TAGS, MAX_TAG,
                                                  "add_tags", errors)]
    data.languages = [code.strip().casefold() for code in data.languages if code.strip()]
    _check_choices(data, errors)
    known = set(Channel.objects.filter(organization_id=member.organization_id,
                                       pk__in=data.channels).values_list("pk", flat=True))
    if set(data.channels) - known:
        errors.setdefault("channels", []).append(_("Choose channels of the organization."))
    _org_member(member, data.assign_member_id, "assign_member_id", errors)
    _org_member(member, data.escalate_to_id, "escalate_to_id", errors)
    if data.assign_team_id is not None and not Team.objects.filter(
            pk=data.assign_team_id, organization_id=member.organization_id).exists():
        errors.setdefault("assign_team_id", []).append(_("Choose a team of the organization."))
    if data.assign_member_id is not None and data.assign_team_id is not None:
        errors.setdefault("assign_team_id", []).append(
            _("Assign to a member or within a team, not both."))
    if not (data.add_tags or data.set_priority is not None or data.assign_member_id
            or data.assign_team_id or data.hide or data.escalate_to_id):
        errors.setdefault("__all__", []).append(_("A rule needs at least one action."))
    if errors:
        raise ValidationError(errors)
    return data


def _fill(rule: Rule, data: RuleData) -> None:
    for name, value in asdict(data).items():
        setattr(rule, name, value)


def _snapshot(rule: Rule) -> dict[str, object]:
    return {**asdict(RuleData.of(rule)), "position": rule.position}


@transaction.atomic
def create_rule(member: Member, data: RuleData, actor: Actor) -> Rule:
    """Add a rule at the bottom of the list."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    data = clean(member, data)
    last = Rule.objects.filter(organization_id=member.organization_id).aggregate(
        m=Max("position"))["m"]
    rule = Rule(organization_id=member.organization_id,
                position=0 if last is None else last + 1)
    _fill(rule, data)
    rule.save()
    audit.record(member.organization, actor, "inbox.rule_create", rule, after=_snapshot(rule))
    return rule


@transaction.atomic
def update_rule(member: Member, rule: Rule, data: RuleData, actor: Actor) -> Rule:
    """Change a rule's name, conditions and actions."""
    require(member, Action.MANAGE_INBOX_SETTINGS, rule)
    data = clean(member, data, rule)
    before = _snapshot(rule)
    _fill(rule, data)
    rule.save()
    audit.record(member.organization, actor, "inbox.rule_update", rule, before=before,
                 after=_snapshot(rule))
    return rule


@transaction.atomic
def set_enabled(member: Member, rule: Rule, enabled: bool, actor: Actor) -> Rule:
    """Switch a rule on or off."""
    require(member, Action.MANAGE_INBOX_SETTINGS, rule)
    before = rule.enabled
    rule.enabled = enabled
    rule.save(update_fields=["enabled", "updated_at"])
    audit.record(member.organization, actor, "inbox.rule_toggle", rule,
                 before={"enabled": before}, after={"enabled": enabled})
    return rule


@transaction.atomic
def move_rule(member: Member, rule: Rule, offset: int, actor: Actor) -> Rule:
    """Move a rule up (offset -1) or down (+1) the list; the ends stay put."""
    require(member, Action.MANAGE_INBOX_SETTINGS, rule)
    ordered = list(Rule.objects.select_for_update().filter(
        organization_id=member.organization_id).order_by("position", "pk"))
    index = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
    target = min(max(index + offset, 0), len(ordered) - 1)
    if target == index:
        return rule
    ordered.insert(target, ordered.pop(index))
    for position, row in enumerate(ordered):
        row.position = position
    Rule.objects.bulk_update(ordered, ["position"])
    audit.record(member.organization, actor, "inbox.rule_move", rule,
                 before={"position": index}, after={"position": target})
    rule.position = target
    return rule


@transaction.atomic
def delete_rule(member: Member, rule: Rule, actor: Actor) -> None:
    """Delete a rule; conversations keep saying which rule acted on them."""
    require(member, Action.MANAGE_INBOX_SETTINGS, rule)
    audit.record(member.organization, actor, "inbox.rule_delete", rule, before=_snapshot(rule))
    rule.delete()
