"""Tell a channel's owner and backup, by e-mail, that the channel must be reconnected."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from socialops.governance.models import Channel, ChannelStatus

log = logging.getLogger(__name__)


def notify_reconnect_needed(channel_id: int) -> int:
    """E-mail the channel's active owner and backup; return how many were written to."""
    channel = (Channel.objects.select_related("organization", "owner__user", "backup_owner__user")
               .filter(pk=channel_id, status=ChannelStatus.NEEDS_REAUTH).first())
    if channel is None:
        return 0  # reconnected in the meantime
    url = (settings.SOCIALOPS_BASE_URL or "") + reverse("web:channel_connect", args=[channel.pk])
    sent = 0
    for person in (channel.owner, channel.backup_owner):
        if not person.is_active or not person.user.email:
            continue
        with translation.override(channel.organization.language):
            subject = _("Reconnect %(channel)s") % {"channel": channel.display_name}
            body = _(
                "%(channel)s can no longer publish, read its messages or collect its "
                "metrics: %(reason)s\n\nYou are its owner or backup. Reconnect it here: %(url)s"
            ) % {"channel": channel.display_name, "reason": channel.last_error or "—", "url": url}
        try:
            send_mail(subject, body, None, [person.user.email])
        except OSError:
            # The channels page shows the state; a mail server being down changes nothing.
            log.exception("could not e-mail %s about channel %s", person.pk, channel.pk)
            continue
        sent += 1
    return sent
