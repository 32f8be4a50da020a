"""Escalate urgent messages: an in-app notice and an e-mail to the channel's owners, once.

`escalate` runs inside the ingest transaction, so a notice exists as soon as the poll
that fetched the message commits. One notice per message (a one-to-one row): a batch
ingested again finds the message already stored and escalates nothing. The e-mail is
sent by a job queued after commit, which claims the notice (`emailed_at IS NULL`)
before sending, so a job delivered twice sends one e-mail.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.paging import PageRequest, request_page
from socialops.core.permissions import Action, channel_scope, require
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Message, Status, UrgentNotice

log = logging.getLogger(__name__)
EXCERPT_LENGTH = 280


def escalate(channel: Channel, remote_ids: Sequence[str]) -> list[UrgentNotice]:
    """Create a notice for each urgent message just stored, and queue its e-mail."""
    from socialops.inbox import tasks

    messages = list(
        Message.objects.filter(channel=channel, remote_id__in=list(remote_ids), urgent=True,
                               notice__isnull=True)
        .only("pk", "conversation_id", "urgent_reasons", "text", "created_at")
    )
    if not messages:
        return []
    now = timezone.now()
    notices = UrgentNotice.objects.bulk_create([
        UrgentNotice(organization_id=channel.organization_id, channel=channel,
                     conversation_id=m.conversation_id, message=m,
                     reasons=list(m.urgent_reasons), excerpt=m.text[:EXCERPT_LENGTH],
                     created_at=now)
        for m in messages
    ])
    organization = channel.organization
    actor = Actor.system("inbox")
    for notice in UrgentNotice.objects.filter(message__in=messages).select_related(
            "conversation"):
        audit.record(organization, actor, "inbox.urgent_escalate", notice.conversation,
                     after={"notice": notice.pk, "reasons": notice.reasons})
        # The person on call is paged too (the team app decides who; ADR 0007).
        with translation.override(organization.language):
            title = _("Urgent message on %(channel)s: %(excerpt)s") % {
                "channel": channel.display_name, "excerpt": notice.excerpt[:120]}
        request_page(PageRequest(
            organization_id=organization.pk, kind="urgent_message", title=title,
            url=reverse("inbox:conversation", args=[notice.conversation_id]),
            dedupe_key=f"inbox-urgent:{notice.pk}", channel_id=channel.pk,
            severity="critical" if {"safety", "self_harm"} & set(notice.reasons) else "high",
            details={"reasons": ", ".join(notice.reasons)}))
    ids = list(UrgentNotice.objects.filter(message__in=messages).values_list("pk", flat=True))
    transaction.on_commit(lambda: tasks.email_urgent_notices.delay(ids))
    return notices


def recipients_filter(member: Member) -> Q:
    """Return the notices a member is told about: their channels', or all if a manager."""
    if member.role == Role.MANAGER:
        return Q()
    return Q(channel__owner=member) | Q(channel__backup_owner=member)


def open_notices(member: Member) -> QuerySet[UrgentNotice]:
    """Return the unacknowledged notices shown to a member, newest first."""
    require(member, Action.VIEW_INBOX, member.organization)
    return (
        UrgentNotice.objects.filter(organization_id=member.organization_id,
                                    acknowledged_at__isnull=True)
        .filter(recipients_filter(member))
        .filter(channel_scope(member, Action.VIEW_INBOX))
        .select_related("channel", "conversation__contact")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def acknowledge(member: Member, notice_id: int, actor: Actor) -> UrgentNotice:
    """Mark a notice as seen and handled by someone; hide it for everyone."""
    notice = open_notices(member).select_for_update(of=("self",)).filter(pk=notice_id).first()
    if notice is None:
        raise Http404
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = member
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(member.organization, actor, "inbox.urgent_acknowledge", notice.conversation,
                 after={"notice": notice.pk})
    return notice


def _emails_for(channel: Channel) -> list[str]:
    owners = Member.objects.filter(
        pk__in=[channel.owner_id, channel.backup_owner_id], is_active=True
    ).select_related("user")
    return sorted({m.user.email for m in owners if m.user.email})


def email_notice(notice_id: int) -> bool:
    """Send a notice's e-mail to the channel's owner and backup, unless already sent."""
    claimed = UrgentNotice.objects.filter(pk=notice_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notice = UrgentNotice.objects.select_related(
        "channel__organization", "conversation__contact"
    ).get(pk=notice_id)
    recipients = _emails_for(notice.channel)
    if not recipients:
        return False
    with translation.override(notice.channel.organization.language):
        context = {"notice": notice, "channel": notice.channel,
                   "contact": notice.conversation.contact,
                   "base_url": getattr(settings, "SOCIALOPS_BASE_URL", "")}
        subject = _("Urgent message on %(channel)s") % {
            "channel": notice.channel.display_name}
        body = render_to_string("inbox/email/urgent_notice.txt", context)
    send_mail(subject, body, None, recipients)
    return True


# A breach older than this is backlog, not news: it does not page anyone.
BREACH_PAGE_WINDOW = timedelta(hours=1)


def page_breaches(now: datetime | None = None) -> int:
    """Page the person on call for each channel whose conversations just missed their target.

    One page per channel and hour (the dedupe key), counting the conversations whose
    response target passed within the last hour and are still unanswered. Returns how
    many channels were paged.
    """
    now = now or timezone.now()
    rows = (Conversation.objects.filter(
        status=Status.OPEN, spam=False, response_due_at__lte=now,
        response_due_at__gt=now - BREACH_PAGE_WINDOW,
    ).values("organization_id", "channel_id").annotate(n=Count("pk")).order_by())
    hour = now.strftime("%Y-%m-%dT%H")
    paged = 0
    for row in rows:
        channel = Channel.objects.select_related("organization").get(pk=row["channel_id"])
        with translation.override(channel.organization.language):
            title = ngettext(
                "%(count)d conversation on %(channel)s passed its response target",
                "%(count)d conversations on %(channel)s passed their response target",
                row["n"]) % {"count": row["n"], "channel": channel.display_name}
        request_page(PageRequest(
            organization_id=row["organization_id"], kind="response_breach", title=title,
            url=reverse("inbox:conversations") + f"?channel={channel.pk}",
            dedupe_key=f"inbox-breach:{channel.pk}:{hour}", channel_id=channel.pk,
            severity="medium", details={"conversations": str(row["n"])}))
        paged += 1
    return paged
