"""Approval policies: which step a variant waits for, who may decide it, when it is done.

A variant in review waits for one step of its channel's policy (or the organization's
default policy). A step is satisfied by any one of its approvers, or by all of them;
the last satisfied step approves the variant. Without a policy, one approval by a
member allowed to approve is enough (the implicit single step).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.core.models import Member
from socialops.core.permissions import ROLE_ACTIONS, Action, can
from socialops.publishing.models import (
    ApprovalDecision,
    ApprovalPolicy,
    StepMode,
    Variant,
    VariantStatus,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepRule:
    """What one step asks for; an implicit step has neither role nor members."""

    number: int
    count: int  # how many steps the policy has
    name: str
    mode: str
    role: str
    member_ids: frozenset[int]

    @property
    def is_last(self) -> bool:
        return self.number >= self.count


IMPLICIT = StepRule(number=1, count=1, name="", mode=StepMode.ANY, role="",
                    member_ids=frozenset())


def _rules(policy: ApprovalPolicy) -> list[StepRule]:
    steps = list(policy.steps.prefetch_related("members").order_by("number"))
    return [StepRule(number=n, count=len(steps), name=s.name, mode=s.mode, role=s.role,
                     member_ids=frozenset(m.pk for m in s.members.all()))
            for n, s in enumerate(steps, start=1)] or [IMPLICIT]


def rules_by_channel(organization_id: int, channel_ids: Iterable[int]) -> dict[int, list[StepRule]]:
    """Return the steps that apply to each channel (its own policy, else the default)."""
    policies = list(ApprovalPolicy.objects.filter(organization_id=organization_id).filter(
        Q(channel_id__in=list(channel_ids)) | Q(channel__isnull=True)))
    default = next((p for p in policies if p.channel_id is None), None)
    default_rules = _rules(default) if default else [IMPLICIT]
    own = {p.channel_id: _rules(p) for p in policies if p.channel_id is not None}
    return {cid: own.get(cid, default_rules) for cid in channel_ids}


def current_rule(variant: Variant, rules: Sequence[StepRule]) -> StepRule:
    """Return the step a variant in review waits for."""
    return rules[min(max(variant.approval_step, 1), len(rules)) - 1]


def is_eligible(member: Member, rule: StepRule) -> bool:
    """Tell whether `member` may decide this step."""
    if not can(member, Action.APPROVE_POSTS, member.organization):
        return False
    if not rule.role and not rule.member_ids:
        return True
    return member.pk in rule.member_ids or (bool(rule.role) and member.role == rule.role)


def approvers(organization_id: int, rule: StepRule) -> list[Member]:
    """Return the active members who may decide a step (whom to notify)."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if Action.APPROVE_POSTS in actions]
    query = Member.objects.filter(organization_id=organization_id, is_active=True,
                                  role__in=roles).select_related("user", "organization")
    if rule.role or rule.member_ids:
        query = query.filter(Q(pk__in=rule.member_ids) | Q(role=rule.role or "-"))
    return list(query.order_by("pk"))


def waiting_for(member: Member) -> list[int]:
    """Return the ids of posts with a variant whose current step this member may decide."""
    if not can(member, Action.APPROVE_POSTS, member.organization):
        return []
    in_review = list(Variant.objects.filter(
        organization_id=member.organization_id, status=VariantStatus.IN_REVIEW,
    ).only("pk", "post_id", "channel_id", "approval_step")[:2000])
    rules = rules_by_channel(member.organization_id, {v.channel_id for v in in_review})
    return sorted({v.post_id for v in in_review
                   if is_eligible(member, current_rule(v, rules[v.channel_id]))})


def is_satisfied(variant: Variant, rule: StepRule) -> bool:
    """Tell whether the decisions of this round complete the variant's current step."""
    approved = set(ApprovalDecision.objects.filter(
        variant=variant, round=variant.review_round, step=rule.number,
        decision=ApprovalDecision.Decision.APPROVED,
    ).values_list("reviewer_id", flat=True))
    if rule.mode == StepMode.ANY:
        return bool(approved)
    needed = {m.pk for m in approvers(variant.organization_id, rule)}
    return bool(needed) and needed <= approved


def restart_review(variant: Variant) -> None:
    """Put a variant back at the first step of a new review round (not saved)."""
    variant.status = VariantStatus.IN_REVIEW
    variant.approval_step = 1
    variant.review_round += 1
    variant.approved_at = None
    variant.next_attempt_at = None


def notify_step(variants: Sequence[Variant], rules: dict[int, list[StepRule]],
                author: Member | None) -> None:
    """E-mail the approvers of the step each variant now waits for, after commit."""
    recipients: dict[int, tuple[Member, set[str]]] = {}
    for variant in variants:
        rule = current_rule(variant, rules[variant.channel_id])
        for member in approvers(variant.organization_id, rule):
            if author is not None and member.pk == author.pk:
                continue
            recipients.setdefault(member.pk, (member, set()))[1].add(variant.channel.display_name)
    if not variants or not recipients:
        return
    post_id = variants[0].post_id
    transaction.on_commit(lambda: _send(post_id, list(recipients.values())))


def _send(post_id: int, recipients: list[tuple[Member, set[str]]]) -> None:
    path = reverse("publishing:post", args=[post_id])
    for member, channels in recipients:
        with translation.override(member.organization.language):
            subject = _("A post waits for your approval")
            body = _("Post #%(post)d waits for your approval on: %(channels)s.\n\n"
                     "Open it: %(url)s") % {
                "post": post_id, "channels": ", ".join(sorted(channels)),
                "url": (settings.SOCIALOPS_BASE_URL or "") + path}
        try:
            send_mail(subject, body, None, [member.user.email])
        except OSError:
            # The page lists what waits for each approver; a mail server being down
            # must not undo the submission.
            log.exception("could not e-mail approver %s", member.pk)


def expired_variants(now: datetime | None = None) -> list[Variant]:
    """Return approved or scheduled variants whose approval is older than their policy allows."""
    now = now or timezone.now()
    found: list[Variant] = []
    for policy in ApprovalPolicy.objects.filter(expire_after_hours__isnull=False):
        assert policy.expire_after_hours is not None
        limit = now - timedelta(hours=policy.expire_after_hours)
        query = Variant.objects.filter(
            organization_id=policy.organization_id,
            status__in=[VariantStatus.APPROVED, VariantStatus.SCHEDULED],
            approved_at__lt=limit,
        )
        if policy.channel_id is not None:
            query = query.filter(channel_id=policy.channel_id)
        else:
            # Channels with their own policy follow theirs.
            query = query.exclude(channel__approval_policy__isnull=False)
        found += list(query.select_related("channel", "post"))
    return found
