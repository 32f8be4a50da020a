"""Pause and resume publishing, for an organization or one channel; both audited.

The dispatcher's claim reads the active pauses in its WHERE clause, so no publication
starts once a pause has committed. Resuming lists what became due meanwhile and lets
publication go ahead only for what the person confirmed; the rest goes back to approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import Channel
from socialops.publishing.models import PublishingPause, Variant, VariantStatus


def active_pauses(organization_id: int) -> QuerySet[PublishingPause]:
    """Return the pauses in force in an organization."""
    return PublishingPause.objects.filter(
        organization_id=organization_id, resumed_at__isnull=True
    ).select_related("channel", "paused_by__user")


def blocking_pause() -> Exists:
    """Return the condition "an active pause covers this variant" for a Variant query."""
    return Exists(
        PublishingPause.objects.filter(
            organization_id=OuterRef("organization_id"), resumed_at__isnull=True
        ).filter(Q(channel__isnull=True) | Q(channel_id=OuterRef("channel_id")))
    )


def pauses_for(member: Member) -> QuerySet[PublishingPause]:
    """Return every pause of the member's organization, newest first."""
    require(member, Action.VIEW_POSTS, member.organization)
    return PublishingPause.objects.filter(organization_id=member.organization_id).select_related(
        "channel", "paused_by__user", "resumed_by__user")


def get_pause_for_member(member: Member, pause_id: int) -> PublishingPause:
    """Return one pause of the member's organization, or raise Http404."""
    pause = pauses_for(member).filter(pk=pause_id).first()
    if pause is None:
        raise Http404
    return pause


@transaction.atomic
def pause_publishing(member: Member, actor: Actor, *, reason: str,
                     channel: Channel | None = None) -> PublishingPause:
    """Stop publications from starting, organization-wide or on one channel."""
    require(member, Action.PAUSE_PUBLISHING, member.organization)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why publishing is paused; the team will see it."))
    if channel is not None and channel.organization_id != member.organization_id:
        raise Http404
    try:
        with transaction.atomic():
            pause = PublishingPause.objects.create(
                organization_id=member.organization_id, channel=channel, reason=reason[:500],
                paused_by=member, paused_at=timezone.now())
    except IntegrityError:
        raise ValidationError(_("Publishing is already paused there.")) from None
    audit.record(member.organization, actor, "publishing.pause", pause, after={
        "channel": channel.pk if channel else None, "reason": pause.reason})
    return pause


def due_during_pause(pause: PublishingPause) -> list[Variant]:
    """Return the scheduled variants this pause held back that are now overdue."""
    query = Variant.objects.filter(
        organization_id=pause.organization_id, status=VariantStatus.SCHEDULED,
        next_attempt_at__lte=timezone.now(),
    ).select_related("channel", "post")
    if pause.channel_id is not None:
        query = query.filter(channel_id=pause.channel_id)
    return list(query.order_by("next_attempt_at", "pk"))


@dataclass(frozen=True)
class ResumeResult:
    pause: PublishingPause
    published: list[int]
    held: list[int]


@transaction.atomic
def resume_publishing(member: Member, actor: Actor, pause: PublishingPause, *,
                      publish: Iterable[int] = ()) -> ResumeResult:
    """Lift a pause; only the overdue variants listed in ``publish`` go out now.

    The other overdue variants return to "approved" so that someone schedules them
    again on purpose; a promotion planned before a crisis should not go out by itself.
    """
    require(member, Action.PAUSE_PUBLISHING, pause)
    locked = PublishingPause.objects.select_for_update().get(pk=pause.pk)
    if locked.resumed_at is not None:
        raise ValidationError(_("This pause has already been lifted."))
    overdue = due_during_pause(locked)
    wanted = set(publish)
    go = [v.pk for v in overdue if v.pk in wanted]
    held = [v.pk for v in overdue if v.pk not in wanted]
    if held:
        Variant.objects.filter(pk__in=held, status=VariantStatus.SCHEDULED).update(
            status=VariantStatus.APPROVED, next_attempt_at=None, updated_at=timezone.now())
    locked.resumed_at = timezone.now()
    locked.resumed_by = member
    locked.save(update_fields=["resumed_at", "resumed_by"])
    audit.record(member.organization, actor, "publishing.resume", locked, after={
        "channel": locked.channel_id, "published": go, "held": held})
    return ResumeResult(pause=locked, published=go, held=held)
