"""A channel's health at a glance: what needs someone's attention, as short codes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from socialops.governance.models import Channel, ChannelStatus
from socialops.governance.risk import credential_of

EXPIRY_WARNING = timedelta(days=3)
LABELS: dict[str, Promise] = {
    "reconnect": gettext_lazy("Needs reconnection"),
    "no_credentials": gettext_lazy("No credentials"),
    "expiring": gettext_lazy("Token expiring"),
    "error": gettext_lazy("Last call failed"),
}
FILTERS = (("attention", gettext_lazy("Needs attention")), ("ok", gettext_lazy("Healthy")))


def health_of(channel: Channel, now: datetime | None = None) -> list[str]:
    """Return what is wrong with a channel (empty: healthy); archived channels are fine."""
    if channel.status == ChannelStatus.ARCHIVED:
        return []
    now = now or timezone.now()
    problems = []
    if channel.status == ChannelStatus.NEEDS_REAUTH:
        problems.append("reconnect")
    credential = credential_of(channel)
    if credential is None:
        problems.append("no_credentials")
    elif credential.expires_at is not None and credential.expires_at <= now + EXPIRY_WARNING:
        problems.append("expiring")
    if channel.last_error:
        problems.append("error")
    return problems
