"""Set and remove approval policies (the organization's default, or one channel's); audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, require
from socialops.governance.models import Channel
from socialops.publishing.models import ApprovalPolicy, ApprovalStep, StepMode

MAX_STEPS = 5


@dataclass
class StepInput:
    """One step as a form or the API gives it."""

    name: str
    mode: str = StepMode.ANY
    role: str = ""
    member_ids: list[int] = field(default_factory=list)


def policies_for(member: Member) -> QuerySet[ApprovalPolicy]:
    """Return the organization's policies with their steps and members."""
    require(member, Action.VIEW_POSTS, member.organization)
    return (ApprovalPolicy.objects.filter(organization_id=member.organization_id)
            .select_related("channel").prefetch_related("steps__members__user"))


def get_policy_for_member(member: Member, policy_id: int) -> ApprovalPolicy:
    """Return one policy of the member's organization, or raise Http404."""
    policy = policies_for(member).filter(pk=policy_id).first()
    if policy is None:
        raise Http404
    return policy


def _approving_roles() -> set[str]:
    return {str(role) for role, actions in ROLE_ACTIONS.items() if Action.APPROVE_POSTS in actions}


def _clean_steps(member: Member, steps: Sequence[StepInput]) -> list[StepInput]:
    steps = [s for s in steps if s.name.strip() or s.role or s.member_ids]
    if not steps:
        raise ValidationError(_("Add at least one step."))
    if len(steps) > MAX_STEPS:
        raise ValidationError(_("A policy has at most %(n)d steps.") % {"n": MAX_STEPS})
    approving = _approving_roles()
    for number, step in enumerate(steps, start=1):
        step.name = step.name.strip()[:120] or _("Step %(n)d") % {"n": number}
        if step.mode not in StepMode.values:
            raise ValidationError(_("Choose who must approve step %(n)d.") % {"n": number})
        if step.role and step.role not in approving:
            raise ValidationError(_("Members with the role “%(role)s” cannot approve posts.")
                                  % {"role": Role(step.role).label if step.role in Role.values
                                     else step.role[:20]})
        members = Member.objects.filter(organization_id=member.organization_id,
                                        pk__in=step.member_ids, is_active=True)
        found = {m.pk: m for m in members}
        if len(found) != len(set(step.member_ids)):
            raise ValidationError(_("Step %(n)d names someone who is not an active member.")
                                  % {"n": number})
        for person in found.values():
            if person.role not in approving:
                raise ValidationError(
                    _("%(name)s cannot approve posts with the role “%(role)s”: change the "
                      "role or choose someone else.")
                    % {"name": person.display_name, "role": person.get_role_display()})
        if not step.role and not step.member_ids and step.mode == StepMode.ALL:
            raise ValidationError(_("Step %(n)d: “all of them” needs members or a role.")
                                  % {"n": number})
    return steps


def _snapshot(policy: ApprovalPolicy) -> dict[str, Any]:
    return {"name": policy.name, "channel": policy.channel_id,
            "expire_after_hours": policy.expire_after_hours,
            "steps": [{"name": s.name, "mode": s.mode, "role": s.role,
                       "members": sorted(m.pk for m in s.members.all())}
                      for s in policy.steps.order_by("number")]}


@transaction.atomic
def save_policy(member: Member, actor: Actor, *, name: str, steps: Sequence[StepInput],
                channel_id: int | None = None, expire_after_hours: int | None = None,
                policy: ApprovalPolicy | None = None) -> ApprovalPolicy:
    """Create or replace a policy (the default one when `channel_id` is None)."""
    require(member, Action.MANAGE_APPROVALS, member.organization)
    name = name.strip()[:120]
    if not name:
        raise ValidationError(_("Give the policy a name."))
    if expire_after_hours is not None and not 1 <= expire_after_hours <= 24 * 365:
        raise ValidationError(_("An approval stays valid between 1 hour and 365 days."))
    cleaned = _clean_steps(member, steps)
    channel = None
    if channel_id is not None:
        channel = Channel.objects.filter(organization_id=member.organization_id,
                                         pk=channel_id).first()
        if channel is None:
            raise Http404
    clash = ApprovalPolicy.objects.filter(organization_id=member.organization_id,
                                          channel=channel)
    if policy is not None:
        clash = clash.exclude(pk=policy.pk)
    if clash.exists():
        raise ValidationError(_("That channel already has a policy: edit it instead.")
                              if channel else _("The organization already has a default "
                                                "policy: edit it instead."))
    before = _snapshot(policy) if policy is not None else None
    if policy is None:
        policy = ApprovalPolicy(organization_id=member.organization_id)
    policy.name, policy.channel, policy.expire_after_hours = name, channel, expire_after_hours
    policy.save()
    policy.steps.all().delete()
    for number, step in enumerate(cleaned, start=1):
        row = ApprovalStep.objects.create(policy=policy, number=number, name=step.name,
                                          mode=step.mode, role=step.role)
        row.members.set(step.member_ids)
    audit.record(member.organization, actor, "approval_policy.save", policy, before=before,
                 after=_snapshot(policy))
    return policy


@transaction.atomic
def delete_policy(member: Member, actor: Actor, policy: ApprovalPolicy) -> None:
    """Remove a policy; variants in review then follow the default (or the implicit step)."""
    require(member, Action.MANAGE_APPROVALS, policy)
    before = _snapshot(policy)
    audit.record(member.organization, actor, "approval_policy.delete", policy, before=before)
    policy.delete()
