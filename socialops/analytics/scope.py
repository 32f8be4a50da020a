"""Turn a member and request filters into the permission-checked scope of a dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.analytics.kpis import Period, Scope
from socialops.core.models import Member
from socialops.core.permissions import Action, channels_for, require

DEFAULT_DAYS = 28
MAX_DAYS = 2 * 366


@dataclass(frozen=True)
class Filters:
    """The filters of a dashboard request: date range, one channel or one network."""

    period: Period
    channel: int | None = None
    network: str = ""

    @classmethod
    def parse(cls, data: dict[str, Any], today: date | None = None) -> Filters:
        """Read `start`, `end`, `channel` and `network`; raise ValidationError when bad."""
        today = today or timezone.localdate()
        try:
            end = date.fromisoformat(data["end"]) if data.get("end") else today
            start = (date.fromisoformat(data["start"]) if data.get("start")
                     else end - timedelta(days=DEFAULT_DAYS - 1))
        except ValueError:
            raise ValidationError(_("Dates must look like 2026-10-31.")) from None
        if end < start:
            raise ValidationError(_("The period ends before it starts."))
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(_("Choose a period of at most two years."))
        channel = data.get("channel") or None
        try:
            channel_id = int(channel) if channel is not None else None
        except (TypeError, ValueError):
            raise ValidationError(_("Unknown channel.")) from None
        return cls(Period(start, end), channel_id, str(data.get("network") or ""))

    def query(self) -> dict[str, str]:
        """Return the filters as query parameters."""
        values = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        if self.channel is not None:
            values["channel"] = str(self.channel)
        if self.network:
            values["network"] = self.network
        return values


def require_analytics(member: Member | None) -> Member:
    """Return the member once allowed to read analytics, or raise PermissionDenied."""
    require(member, Action.VIEW_ANALYTICS, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def visible_channels(member: Member) -> Any:
    """Return the channels whose analytics the member may read."""
    return channels_for(require_analytics(member), Action.VIEW_ANALYTICS)


def scope_for(member: Member, filters: Filters) -> Scope:
    """Return the scope of the filters within what the member may see.

    A channel id the member may not read (another organization's, or not granted)
    simply matches nothing, like any filter with no result.
    """
    channels = visible_channels(member)
    if filters.channel is not None:
        channels = channels.filter(pk=filters.channel)
    if filters.network:
        channels = channels.filter(network=filters.network)
    return Scope(member.organization_id, tuple(channels.values_list("pk", flat=True)))
