"""Publish a pre-approved holding statement from an incident, through the publishing app.

The statement becomes an ordinary post (draft → review → approved, audited by the
publishing services). Crisis mode pauses the dispatcher for the organization, so the
statement's variants are then claimed here one by one — the same conditional UPDATE
the dispatcher uses, without its pause filter — and published by the dispatcher's own
`publish_variant` task: the holding statement is the one publication crisis mode is
meant to let through, on purpose, by someone allowed to schedule posts.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.crisis.models import EntryKind, HoldingStatement, Incident
from socialops.crisis.services import add_entry
from socialops.governance.models import Channel, ChannelStatus
from socialops.publishing import dispatcher, services
from socialops.publishing.models import Post, Variant, VariantStatus
from socialops.publishing.validation import placement_spec

PLACEMENT = "feed"


def statement_channels(organization_id: int) -> list[Channel]:
    """Return the active channels where a text-only feed post can go."""
    channels = Channel.objects.filter(organization_id=organization_id,
                                      status=ChannelStatus.ACTIVE).order_by("network", "handle")
    usable = []
    for channel in channels:
        try:
            spec = placement_spec(channel, PLACEMENT)
        except KeyError:
            continue
        if spec.media is None or spec.media.min_count == 0:
            usable.append(channel)
    return usable


def statements_for(incident: Incident) -> list[HoldingStatement]:
    """Return the holding statements of the incident's playbook."""
    if incident.playbook_id is None:
        return []
    return list(HoldingStatement.objects.filter(playbook_id=incident.playbook_id))


def _approvers(member: Member, statement: HoldingStatement) -> list[Member]:
    """Return who may record approvals: the sender, then the statement's pre-approvers.

    A pre-approved statement was approved, word for word, by its approver and the
    playbook's approvers; their approval is recorded under their own names.
    """
    people = [member]
    if statement.approved_by is not None:
        people.append(statement.approved_by)
    people += list(statement.playbook.approvers.all())
    unique: dict[int, Member] = {}
    for person in people:
        if person.is_active and person.organization_id == member.organization_id:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def _approve_all(approvers: Sequence[Member], actor: Actor, post: Post) -> None:
    """Walk the post through every approval step one of the approvers may decide."""
    for _step in range(10):
        if not post.variants.filter(status=VariantStatus.IN_REVIEW).exists():
            return
        progressed = False
        for approver in approvers:
            try:
                services.approve(approver, actor, post,
                                 comment=_("Pre-approved holding statement."))
            except (ValidationError, PermissionDenied):
                continue
            progressed = True
        if not progressed:
            return


def _claim(variant_ids: Sequence[int]) -> str:
    """Claim approved variants for publication now, past an active pause; return the token."""
    now = timezone.now()
    token = uuid.uuid4().hex
    Variant.objects.filter(pk__in=variant_ids, status=VariantStatus.APPROVED).update(
        status=VariantStatus.PUBLISHING, claim_token=token, claimed_by=dispatcher.worker_name(),
        claimed_at=now, lease_expires_at=now + dispatcher.lease(), next_attempt_at=now,
        scheduled_at=now, updated_at=now)
    return token


@transaction.atomic
def publish_statement(member: Member, actor: Actor, incident: Incident,
                      statement: HoldingStatement, channel_ids: Sequence[int]) -> Post:
    """Publish a holding statement on some channels now, even in crisis mode."""
    require(member, Action.MANAGE_INCIDENTS, incident)
    require(member, Action.SCHEDULE_POSTS, member.organization)
    if statement.playbook_id != incident.playbook_id:
        raise ValidationError(_("This statement belongs to another playbook."))
    usable = {c.pk: c for c in statement_channels(incident.organization_id)}
    chosen = [usable[pk] for pk in channel_ids if pk in usable]
    if not chosen:
        raise ValidationError(_("Choose at least one channel that accepts a text post."))
    post = services.create_post(member, actor, text=statement.text,
                                targets=[(c.pk, PLACEMENT) for c in chosen],
                                labels=["holding-statement"],
                                notes=_("Holding statement for incident #%(id)d") % {
                                    "id": incident.pk})
    services.submit_for_review(member, actor, post)
    _approve_all(_approvers(member, statement), actor, post)
    approved = list(post.variants.filter(status=VariantStatus.APPROVED).values_list(
        "pk", flat=True))
    waiting = post.variants.filter(status=VariantStatus.IN_REVIEW).count()
    token = _claim(approved)
    from socialops.publishing.tasks import publish_variant

    for variant_id in approved:
        transaction.on_commit(functools.partial(publish_variant.delay, variant_id, token))
    names = ", ".join(c.display_name for c in chosen)
    text = _("Holding statement (%(language)s) sent to %(channels)s.") % {
        "language": statement.language, "channels": names}
    if waiting:
        text += " " + _("%(count)d variants wait for approval.") % {"count": waiting}
    add_entry(incident, EntryKind.STATEMENT, text, author=member)
    return post
