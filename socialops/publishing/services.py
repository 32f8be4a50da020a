"""Every change people make to posts and variants; each one checked and audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel, ChannelStatus
from socialops.publishing import approvals
from socialops.publishing.campaigns import resolve_campaign
from socialops.publishing.discussion import record_version
from socialops.publishing.media import media_files
from socialops.publishing.models import (
    ApprovalDecision,
    Post,
    PublishAttempt,
    Variant,
    VariantStatus,
)
from socialops.publishing.validation import (
    Check,
    check_variant,
    placement_label,
    placement_spec,
    publishable_placements,
)

MAX_LABELS = 20
# A time a few seconds ahead is "now" for a person, but too late for the dispatcher.
MIN_LEAD = timedelta(seconds=5)


# Reading, always within the member's organization


def posts_for(member: Member) -> QuerySet[Post]:
    """Return the posts a member may see, with their variants and channels."""
    require(member, Action.VIEW_POSTS, member.organization)
    variants = Variant.objects.select_related("channel").prefetch_related(
        "renditions").order_by("channel__network", "channel__handle", "placement")
    return (
        Post.objects.filter(organization_id=member.organization_id)
        .select_related("author__user", "campaign")
        .prefetch_related(Prefetch("variants", queryset=variants), "media")
    )


def get_post_for_member(member: Member, post_id: int) -> Post:
    """Return one post of the member's organization, or raise Http404."""
    post = posts_for(member).filter(pk=post_id).first()
    if post is None:
        raise Http404
    return post


def get_variant_for_member(member: Member, variant_id: int) -> Variant:
    """Return one variant of the member's organization with its attempts, or raise Http404."""
    require(member, Action.VIEW_POSTS, member.organization)
    variant = (
        Variant.objects.filter(organization_id=member.organization_id, pk=variant_id)
        .select_related("channel", "post")
        .prefetch_related(
            Prefetch("attempts", queryset=PublishAttempt.objects.order_by("number")),
            "renditions",
            Prefetch("decisions",
                     queryset=ApprovalDecision.objects.select_related("reviewer__user")),
        )
        .first()
    )
    if variant is None:
        raise Http404
    return variant


def check_of(variant: Variant) -> Check:
    """Return the validation of a variant against its channel's network."""
    return check_variant(variant.channel.network, variant.placement, variant.text,
                         first_comment=variant.first_comment, media=media_files(variant))


def _snapshot(variant: Variant) -> dict[str, Any]:
    return {
        "channel": variant.channel_id, "placement": variant.placement, "status": variant.status,
        "text": variant.text, "first_comment": variant.first_comment,
        "scheduled_at": variant.scheduled_at,
    }


def _locked_variants(post: Post, statuses: Iterable[str] | None = None,
                     ids: Iterable[int] | None = None) -> list[Variant]:
    """Lock and return the post's variants (optionally only some statuses or ids)."""
    query = Variant.objects.select_for_update().filter(post=post).select_related("channel")
    if statuses is not None:
        query = query.filter(status__in=list(statuses))
    if ids is not None:
        query = query.filter(pk__in=list(ids))
    return list(query.order_by("pk"))


def _set_status(variants: Sequence[Variant], status: str, **fields: Any) -> None:
    for variant in variants:
        variant.status = status
        for name, value in fields.items():
            setattr(variant, name, value)
        variant.save(update_fields=["status", *fields, "updated_at"])


# Writing posts and variants


def _clean_labels(labels: Iterable[str]) -> list[str]:
    cleaned = []
    for label in labels:
        label = label.strip()[:50]
        if label and label not in cleaned:
            cleaned.append(label)
    if len(cleaned) > MAX_LABELS:
        raise ValidationError(_("A post can have at most %(n)d labels.") % {"n": MAX_LABELS})
    return cleaned


def _targets(member: Member, targets: Sequence[tuple[int, str]]) -> list[tuple[Channel, str]]:
    """Resolve (channel id, placement) pairs within the member's organization."""
    if not targets:
        raise ValidationError(_("Choose at least one channel."))
    ids = {channel_id for channel_id, _placement in targets}
    channels = {c.pk: c for c in Channel.objects.filter(
        organization_id=member.organization_id, pk__in=ids)}
    resolved = []
    for channel_id, placement in dict.fromkeys(targets):
        channel = channels.get(channel_id)
        if channel is None:
            raise Http404
        if channel.status == ChannelStatus.ARCHIVED:
            raise ValidationError(_("%(channel)s is archived: choose another channel.")
                                  % {"channel": channel.display_name})
        if placement not in publishable_placements(channel.network):
            raise ValidationError(
                _("%(channel)s cannot publish a %(placement)s.")
                % {"channel": channel.display_name, "placement": placement_label(placement)})
        resolved.append((channel, placement))
    return resolved


@transaction.atomic
def create_post(
    member: Member,
    actor: Actor,
    *,
    text: str,
    targets: Sequence[tuple[int, str]],
    link: str = "",
    labels: Iterable[str] = (),
    is_paid: bool = False,
    notes: str = "",
    planned_at: datetime | None = None,
    campaign_id: int | None = None,
) -> Post:
    """Write a draft post with one variant per (channel id, placement), text copied in.

    `planned_at` puts the drafts on the calendar at that time; approval schedules them.
    """
    require(member, Action.DRAFT_POSTS, member.organization)
    resolved = _targets(member, targets)
    for channel, _placement in resolved:  # channel grants widen or narrow drafting
        require(member, Action.DRAFT_POSTS, channel=channel)
    if planned_at is not None and timezone.is_naive(planned_at):
        raise ValidationError(_("Give the time with its time zone."))
    post = Post.objects.create(
        organization_id=member.organization_id, author=member, text=text.strip(),
        link=link.strip(), labels=_clean_labels(labels), is_paid=is_paid, notes=notes.strip(),
        campaign=resolve_campaign(member, campaign_id),
    )
    # A placement that carries no text (a story) starts empty instead of failing its check.
    variants = [
        Variant.objects.create(
            post=post, organization_id=post.organization_id, channel=channel,
            placement=placement, scheduled_at=planned_at,
            text=post.text if placement_spec(channel, placement).max_text_length else "")
        for channel, placement in resolved
    ]
    audit.record(member.organization, actor, "post.create", post, after={
        "text": post.text, "link": post.link, "labels": post.labels, "is_paid": post.is_paid,
        "campaign": post.campaign_id,
        "variants": [[v.channel_id, v.placement] for v in variants],
        "planned_at": planned_at,
    })
    return post


@transaction.atomic
def edit_variant(
    member: Member, actor: Actor, variant: Variant, *, text: str,
    first_comment: str | None = None,
) -> Variant:
    """Change a variant's text; a change to an approved or scheduled one needs review again."""
    require(member, Action.DRAFT_POSTS, variant)
    locked = Variant.objects.select_for_update().select_related("channel").get(pk=variant.pk)
    if not locked.is_editable:
        raise ValidationError(_("A variant that is %(status)s can no longer be edited.")
                              % {"status": locked.get_status_display()})
    before = _snapshot(locked)
    locked.text = text
    if first_comment is not None:
        locked.first_comment = first_comment
    if before["text"] == locked.text and before["first_comment"] == locked.first_comment:
        return locked
    record_version(locked, member, text=before["text"], first_comment=before["first_comment"])
    if locked.status in (VariantStatus.APPROVED, VariantStatus.SCHEDULED, VariantStatus.IN_REVIEW):
        # Approvals covered the text as it was: the new text starts its review over.
        approvals.restart_review(locked)
    elif locked.status == VariantStatus.FAILED:
        locked.status = VariantStatus.DRAFT
    locked.save()
    audit.record(member.organization, actor, "variant.edit", locked, before=before,
                 after=_snapshot(locked))
    return locked


def _require_valid(variants: Sequence[Variant]) -> None:
    messages = []
    for variant in variants:
        check = check_of(variant)
        messages += [f"{variant.channel.display_name} ({placement_label(variant.placement)}): {p}"
                     for p in check.problems]
    if messages:
        raise ValidationError(messages)


def _audit_transition(member: Member, actor: Actor, post: Post, action: str,
                      variants: Sequence[Variant], **extra: Any) -> None:
    audit.record(member.organization, actor, action, post, after={
        "variants": [v.pk for v in variants], **extra})


@transaction.atomic
def submit_for_review(member: Member, actor: Actor, post: Post) -> list[Variant]:
    """Send the post's drafts to the first approval step, once they fit their networks."""
    require(member, Action.DRAFT_POSTS, post)
    variants = _locked_variants(post, [VariantStatus.DRAFT])
    if not variants:
        raise ValidationError(_("There is no draft to submit."))
    _require_valid(variants)
    for variant in variants:
        approvals.restart_review(variant)
        variant.save(update_fields=["status", "approval_step", "review_round", "approved_at",
                                    "next_attempt_at", "updated_at"])
    _audit_transition(member, actor, post, "post.submit", variants)
    rules = approvals.rules_by_channel(post.organization_id, {v.channel_id for v in variants})
    approvals.notify_step(variants, rules, author=member)
    return variants


def _waiting_for(member: Member, post: Post, variant_ids: Iterable[int] | None,
                 ) -> tuple[list[Variant], dict[int, list[approvals.StepRule]]]:
    """Lock the variants in review whose current step this member may decide."""
    variants = _locked_variants(post, [VariantStatus.IN_REVIEW], variant_ids)
    if not variants:
        raise ValidationError(_("Nothing is waiting for approval."))
    rules = approvals.rules_by_channel(post.organization_id, {v.channel_id for v in variants})
    mine = [v for v in variants  # channel grants may narrow or widen approving per channel
            if can(member, Action.APPROVE_POSTS, v)
            and approvals.is_eligible(member, approvals.current_rule(v, rules[v.channel_id]))]
    if not mine:
        steps = sorted({approvals.current_rule(v, rules[v.channel_id]).name for v in variants})
        raise ValidationError(_("These variants wait for another approver (step: %(steps)s).")
                              % {"steps": ", ".join(s for s in steps if s) or "—"})
    return mine, rules


def _record(member: Member, variants: Sequence[Variant], decision: str, comment: str,
            rules: dict[int, list[approvals.StepRule]]) -> None:
    ApprovalDecision.objects.bulk_create(
        ApprovalDecision(variant=v, reviewer=member, decision=decision, comment=comment,
                         round=v.review_round,
                         step=approvals.current_rule(v, rules[v.channel_id]).number)
        for v in variants)


@transaction.atomic
def approve(member: Member, actor: Actor, post: Post, *, comment: str = "",
            variant_ids: Iterable[int] | None = None) -> list[Variant]:
    """Approve the variants whose current step this member decides; advance or finish them."""
    require(member, Action.APPROVE_POSTS, post)
    variants, rules = _waiting_for(member, post, variant_ids)
    already = set(ApprovalDecision.objects.filter(
        variant__in=variants, reviewer=member, decision=ApprovalDecision.Decision.APPROVED,
    ).values_list("variant_id", "round", "step"))
    variants = [v for v in variants if (v.pk, v.review_round, approvals.current_rule(
        v, rules[v.channel_id]).number) not in already]
    if not variants:
        raise ValidationError(_("You have already approved this step; it waits for the others."))
    _record(member, variants, ApprovalDecision.Decision.APPROVED, comment.strip(), rules)
    advanced: list[Variant] = []
    finished: list[Variant] = []
    for variant in variants:
        rule = approvals.current_rule(variant, rules[variant.channel_id])
        if not approvals.is_satisfied(variant, rule):
            continue
        if rule.is_last:
            finished.append(variant)
        else:
            variant.approval_step = rule.number + 1
            variant.save(update_fields=["approval_step", "updated_at"])
            advanced.append(variant)
    planned = _finish_approval(finished)
    _audit_transition(member, actor, post, "post.approve", variants, comment=comment.strip(),
                      advanced=[v.pk for v in advanced], approved=[v.pk for v in finished],
                      scheduled=[v.pk for v in planned])
    approvals.notify_step(advanced, rules, author=None)
    return variants


def _finish_approval(variants: Sequence[Variant]) -> list[Variant]:
    """Mark variants approved; those planned for a future time are scheduled for it.

    A planned time (an import, or a scheduled post edited and approved again) goes back
    on the schedule: the approval is the consent to publish it then. Returns those.
    """
    now = timezone.now()
    earliest = now + MIN_LEAD
    planned = [v for v in variants if v.scheduled_at is not None and v.scheduled_at >= earliest]
    for variant in variants:
        if variant in planned:
            _set_status([variant], VariantStatus.SCHEDULED, next_attempt_at=variant.scheduled_at,
                        approval_step=0, approved_at=now)
        else:
            _set_status([variant], VariantStatus.APPROVED, approval_step=0, approved_at=now)
    return planned


@transaction.atomic
def reject(member: Member, actor: Actor, post: Post, *, comment: str,
           variant_ids: Iterable[int] | None = None,
           changes_requested: bool = False) -> list[Variant]:
    """Send the variants back to draft with a comment: rejected, or changes requested."""
    require(member, Action.APPROVE_POSTS, post)
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Say why you reject it, so the author knows what to change."))
    variants, rules = _waiting_for(member, post, variant_ids)
    decision = (ApprovalDecision.Decision.CHANGES_REQUESTED if changes_requested
                else ApprovalDecision.Decision.REJECTED)
    _record(member, variants, decision, comment, rules)
    _set_status(variants, VariantStatus.DRAFT, approval_step=0)
    _audit_transition(member, actor, post,
                      "post.request_changes" if changes_requested else "post.reject",
                      variants, comment=comment)
    return variants


@transaction.atomic
def expire_approvals(actor: Actor) -> int:
    """Send approvals older than their policy allows back to review; return how many."""
    count = 0
    for stale in approvals.expired_variants():
        # The conditional update loses cleanly against a dispatcher claiming the row.
        locked = Variant.objects.select_for_update().filter(
            pk=stale.pk, status__in=[VariantStatus.APPROVED, VariantStatus.SCHEDULED]).first()
        if locked is None:
            continue
        before = _snapshot(locked)
        approvals.restart_review(locked)
        locked.save()
        ApprovalDecision.objects.create(variant=locked, reviewer=None, round=locked.review_round,
                                        step=1, decision=ApprovalDecision.Decision.EXPIRED)
        audit.record(locked.organization, actor, "variant.approval_expired", locked,
                     before=before, after=_snapshot(locked))
        rules = approvals.rules_by_channel(locked.organization_id, [locked.channel_id])
        approvals.notify_step([locked], rules, author=None)
        count += 1
    return count


@transaction.atomic
def schedule(member: Member, actor: Actor, post: Post, when: datetime, *,
             variant_ids: Iterable[int] | None = None) -> list[Variant]:
    """Schedule approved (or rescheduled) variants to go out at ``when``."""
    require(member, Action.SCHEDULE_POSTS, post)
    if timezone.is_naive(when):
        raise ValidationError(_("Give the time with its time zone."))
    if when < timezone.now() + MIN_LEAD:
        raise ValidationError(_("Choose a time in the future."))
    variants = _locked_variants(
        post, [VariantStatus.APPROVED, VariantStatus.SCHEDULED], variant_ids)
    if not variants:
        raise ValidationError(_("Only approved variants can be scheduled."))
    for variant in variants:  # channel grants widen or narrow publishing per channel
        require(member, Action.SCHEDULE_POSTS, variant)
    _require_valid(variants)
    _set_status(variants, VariantStatus.SCHEDULED, scheduled_at=when, next_attempt_at=when,
                last_error="", last_error_code="")
    _audit_transition(member, actor, post, "post.schedule", variants, scheduled_at=when)
    return variants


CANCELLABLE = (
    VariantStatus.DRAFT, VariantStatus.IN_REVIEW, VariantStatus.APPROVED,
    VariantStatus.SCHEDULED, VariantStatus.FAILED,
)


@transaction.atomic
def cancel(member: Member, actor: Actor, post: Post, *,
           variant_ids: Iterable[int] | None = None) -> list[Variant]:
    """Cancel variants that have not started publishing."""
    require(member, Action.SCHEDULE_POSTS, post)
    variants = _locked_variants(post, CANCELLABLE, variant_ids)
    if not variants:
        raise ValidationError(_("Nothing can be cancelled: the variants are published, "
                                "publishing or already cancelled."))
    for variant in variants:  # channel grants widen or narrow publishing per channel
        require(member, Action.SCHEDULE_POSTS, variant)
    # The conditional update is what wins against a dispatcher claiming at the same moment.
    changed = Variant.objects.filter(pk__in=[v.pk for v in variants],
                                     status__in=CANCELLABLE).update(
        status=VariantStatus.CANCELLED, next_attempt_at=None, updated_at=timezone.now())
    if changed != len(variants):
        raise ValidationError(_("A variant started publishing meanwhile; try again."))
    for variant in variants:
        variant.status = VariantStatus.CANCELLED
    _audit_transition(member, actor, post, "post.cancel", variants)
    return variants
