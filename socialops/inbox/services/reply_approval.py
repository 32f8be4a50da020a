"""Replies that must be approved before they go out (urgent conversations, chosen channels).

A responder's reply on such a conversation waits (`Delivery.AWAITING_APPROVAL`); a member
who may approve replies (managers, approvers) lets it go — it is then sent once, like any
reply — or turns it down with a reason the author reads. Replies written by someone who
may approve replies go out at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Delivery, Message, ReplyApprovalPolicy

log = logging.getLogger(__name__)
MAX_REASON = 500


def policy_of(organization_id: int) -> ReplyApprovalPolicy | None:
    """Return the organization's policy, if it has one."""
    return ReplyApprovalPolicy.objects.filter(organization_id=organization_id).first()


def needs_approval(conversation: Conversation, member: Member) -> bool:
    """Tell whether `member`'s reply on `conversation` must be approved before it goes out."""
    if can(member, Action.APPROVE_REPLIES, conversation):
        return False
    policy = policy_of(conversation.organization_id)
    if policy is None:
        return False
    return (policy.urgent and conversation.urgent) or policy.channels.filter(
        pk=conversation.channel_id).exists()


def approvers_of(conversation: Conversation) -> list[Member]:
    """Return the active members who may approve a reply on this conversation."""
    people = Member.objects.filter(organization_id=conversation.organization_id,
                                   is_active=True).select_related("user", "organization")
    return [p for p in people if can(p, Action.APPROVE_REPLIES, conversation)]


def notify_approvers(message_id: int) -> int:
    """E-mail the approvers that a reply waits for them; return how many were written to."""
    message = Message.objects.select_related("conversation__organization", "channel",
                                             "sent_by__user").get(pk=message_id)
    if message.delivery != Delivery.AWAITING_APPROVAL:
        return 0
    conversation = message.conversation
    url = (settings.SOCIALOPS_BASE_URL or "") + reverse("inbox:conversation",
                                                        args=[conversation.pk])
    author = message.sent_by.display_name if message.sent_by else message.author_name
    sent = 0
    for person in approvers_of(conversation):
        with translation.override(conversation.organization.language):
            subject = _("A reply on %(channel)s waits for your approval") % {
                "channel": message.channel.display_name}
            body = _("%(author)s wrote:\n\n%(text)s\n\nApprove it or turn it down: %(url)s") % {
                "author": author, "text": message.text, "url": url}
        try:
            send_mail(subject, body, None, [person.user.email])
        except OSError:
            log.exception("could not e-mail approver %s", person.pk)
            continue
        sent += 1
    return sent


def _awaiting(message: Message, member: Member) -> Message:
    # Lock the message row only: its author may be gone (a nullable, outer-joined row).
    locked = Message.objects.select_for_update(of=("self",)).select_related(
        "conversation__organization", "sent_by").get(pk=message.pk)
    require(member, Action.APPROVE_REPLIES, locked.conversation)
    if locked.delivery != Delivery.AWAITING_APPROVAL:
        raise ValidationError(_("This reply no longer waits for approval."))
    if locked.sent_by_id == member.pk:
        raise PermissionDenied(_("Someone else must approve your own reply."))
    return locked


@transaction.atomic
def approve(message: Message, member: Member, actor: Actor) -> Message:
    """Let a waiting reply go out (queued once, after commit)."""
    from socialops.inbox import tasks

    locked = _awaiting(message, member)
    locked.delivery = Delivery.PENDING
    locked.reviewed_by = member
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["delivery", "reviewed_by", "reviewed_at"])
    audit.record(locked.conversation.organization, actor, "inbox.reply_approve",
                 locked.conversation, after={"message": locked.pk})
    message_id = locked.pk
    transaction.on_commit(lambda: tasks.send_reply.delay(message_id))
    return locked


@transaction.atomic
def reject(message: Message, member: Member, actor: Actor, reason: str) -> Message:
    """Turn a waiting reply down; the author reads the reason and may write another."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why, so that the author can write a better reply."))
    if len(reason) > MAX_REASON:
        raise ValidationError(_("The reason holds at most %(n)d characters.") % {"n": MAX_REASON})
    locked = _awaiting(message, member)
    locked.delivery = Delivery.REJECTED
    locked.error = reason
    locked.reviewed_by = member
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["delivery", "error", "reviewed_by", "reviewed_at"])
    audit.record(locked.conversation.organization, actor, "inbox.reply_reject",
                 locked.conversation, after={"message": locked.pk, "reason": reason})
    return locked


@transaction.atomic
def set_policy(member: Member, *, urgent: bool, channel_ids: Iterable[int],
               actor: Actor) -> ReplyApprovalPolicy:
    """Choose which replies need approval (urgent conversations, replies on some channels)."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    wanted = set(channel_ids)
    channels = list(Channel.objects.filter(organization_id=member.organization_id,
                                           pk__in=wanted))
    if len(channels) != len(wanted):
        raise ValidationError(_("Choose channels of the organization."))
    policy, _created = ReplyApprovalPolicy.objects.get_or_create(
        organization_id=member.organization_id)
    before = {"urgent": policy.urgent,
              "channels": sorted(policy.channels.values_list("pk", flat=True))}
    policy.urgent = urgent
    policy.save(update_fields=["urgent"])
    policy.channels.set(channels)
    audit.record(member.organization, actor, "inbox.reply_approval_policy", member.organization,
                 before=before, after={"urgent": urgent, "channels": sorted(wanted)})
    return policy


def awaiting_messages() -> QuerySet[Message]:
    """Return the replies waiting for approval (to narrow a queue with)."""
    return Message.objects.filter(delivery=Delivery.AWAITING_APPROVAL)
