"""Remind channel owners, by e-mail, of credentials to rotate (at most once a week each)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialops.core.models import Member
from socialops.governance.models import ChannelStatus, Credential
from socialops.governance.risk import credential_max_age_days

log = logging.getLogger(__name__)
REMIND_EVERY = timedelta(days=7)


def due_credentials(now: datetime) -> list[Credential]:
    """Return the credentials to rotate whose owners were not reminded this week."""
    too_old = now - timedelta(days=credential_max_age_days())
    return list(
        Credential.objects.exclude(channel__status=ChannelStatus.ARCHIVED)
        .filter(Q(needs_rotation=True) | Q(rotated_at__lt=too_old)
                | Q(rotated_at__isnull=True, set_at__lt=too_old))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMIND_EVERY))
        .select_related("channel__organization", "channel__owner__user",
                        "channel__backup_owner__user"))


def _reason(credential: Credential) -> str:
    return credential.rotation_reason if credential.needs_rotation else _(
        "older than %(days)d days") % {"days": credential_max_age_days()}


def send_rotation_reminders(now: datetime | None = None) -> int:
    """E-mail each owner and backup the channels whose credentials they should rotate."""
    now = now or timezone.now()
    credentials = due_credentials(now)
    owned_by: dict[int, list[Credential]] = defaultdict(list)
    people: dict[int, Member] = {}
    for credential in credentials:
        for person in (credential.channel.owner, credential.channel.backup_owner):
            if person.is_active and person.user.email:
                people[person.pk] = person
                owned_by[person.pk].append(credential)
    sent = 0
    for person_id, owned in owned_by.items():
        person = people[person_id]
        organization = owned[0].channel.organization
        with translation.override(organization.language):
            lines = "\n".join(
                f"- {c.channel.display_name} ({c.channel.network}): {_reason(c)} — "
                f"{settings.SOCIALOPS_BASE_URL}"
                f"{reverse('web:channel_credentials', args=[c.channel_id])}" for c in owned)
            subject = ngettext("Credentials to rotate on %(n)d channel",
                               "Credentials to rotate on %(n)d channels", len(owned)) % {
                "n": len(owned)}
            body = _("You own or back up these channels; their credentials should be "
                     "replaced:\n\n%(lines)s\n") % {"lines": lines}
        try:
            send_mail(subject, body, None, [person.user.email])
        except OSError:
            log.exception("could not remind %s of credentials to rotate", person.pk)
            continue
        sent += 1
    Credential.objects.filter(pk__in=[c.pk for c in credentials]).update(reminded_at=now)
    return sent
