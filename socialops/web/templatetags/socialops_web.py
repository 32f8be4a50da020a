"""Template filters shared by socialops pages."""

from __future__ import annotations

from django import template
from django.utils import translation

from socialops.governance.models import ChannelStatus
from socialops.web.networks import network_label as _network_label

register = template.Library()

_STATUS_BADGES = {
    ChannelStatus.ACTIVE: "text-bg-success",
    ChannelStatus.NEEDS_REAUTH: "text-bg-warning",
    ChannelStatus.DISCONNECTED: "text-bg-danger",
    ChannelStatus.ARCHIVED: "text-bg-secondary",
}


@register.filter
def network_label(network: str) -> str:
    """Return a network's readable name."""
    return _network_label(network)


@register.filter
def status_badge(status: str) -> str:
    """Return the Bootstrap badge class for a channel status."""
    return _STATUS_BADGES.get(status, "text-bg-light")  # type: ignore[call-overload]


@register.filter
def language_name(code: str) -> str:
    """Return a language's name in the current language, or the code when unknown."""
    if not code:
        return ""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
