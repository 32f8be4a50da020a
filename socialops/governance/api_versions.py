"""Warn administrators before a network retires the API version a connector speaks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socialops.connectors import registry


@dataclass(frozen=True)
class Retirement:
    """One network whose API version retires soon (or has retired)."""

    network: str
    display_name: str
    version: str
    retires: date
    days_left: int

    def __str__(self) -> str:
        if self.days_left < 0:
            return _("%(network)s retired API version %(version)s on %(date)s: publishing and "
                     "reading on %(network)s may fail until socialops is upgraded.") % {
                "network": self.display_name, "version": self.version,
                "date": self.retires.isoformat()}
        return ngettext(
            "%(network)s retires API version %(version)s, which socialops speaks, on %(date)s "
            "(in %(days)d day): upgrade socialops before then.",
            "%(network)s retires API version %(version)s, which socialops speaks, on %(date)s "
            "(in %(days)d days): upgrade socialops before then.",
            self.days_left,
        ) % {"network": self.display_name, "version": self.version,
             "date": self.retires.isoformat(), "days": self.days_left}


def warning_window() -> timedelta:
    """Return how long before a retirement administrators are warned."""
    return timedelta(days=settings.SOCIALOPS_API_RETIREMENT_WARNING_DAYS)


def retirements(networks: Iterable[str], today: date | None = None) -> list[Retirement]:
    """Return the networks among `networks` whose API version retires within the window."""
    today = today or timezone.localdate()
    found = []
    for network in sorted(set(networks)):
        caps = registry.capabilities_for(network)
        retires = caps.api_version_retires
        if retires is None or retires - today > warning_window():
            continue
        found.append(Retirement(network, caps.display_name, caps.api_version or "?", retires,
                                (retires - today).days))
    return found
