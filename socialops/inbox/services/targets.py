"""Change the response-time targets, opening hours and holidays (each change audited)."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import Channel
from socialops.inbox.models import Holiday, OpeningHours, Priority, ResponseTarget

MAX_TARGET_MINUTES = 60 * 24 * 30
MAX_HOLIDAY_NAME = 120
Hours = dict[int, tuple[time, time] | None]


def _hours_snapshot(organization_id: int) -> dict[str, str]:
    return {
        str(weekday): f"{opens:%H:%M}-{closes:%H:%M}"
        for weekday, opens, closes in OpeningHours.objects.filter(
            organization_id=organization_id).values_list("weekday", "opens", "closes")
    }


@transaction.atomic
def set_opening_hours(member: Member, hours: Hours, actor: Actor) -> None:
    """Replace the weekly opening hours; a day set to None is closed.

    With no open day at all, the team counts as open around the clock.
    """
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    for weekday, interval in hours.items():
        if not 0 <= weekday <= 6:
            raise ValidationError(_("Unknown weekday."))
        if interval is not None and interval[0] == interval[1] and interval[0] != time(0):
            raise ValidationError(_("A day's opening and closing times must differ."))
    org_id = member.organization_id
    before = _hours_snapshot(org_id)
    OpeningHours.objects.filter(organization_id=org_id).delete()
    OpeningHours.objects.bulk_create([
        OpeningHours(organization_id=org_id, weekday=weekday, opens=interval[0],
                     closes=interval[1])
        for weekday, interval in sorted(hours.items()) if interval is not None
    ])
    audit.record(member.organization, actor, "inbox.opening_hours_set",
                 target_type="inbox.openinghours", before=before,
                 after=_hours_snapshot(org_id))


@transaction.atomic
def add_holiday(member: Member, day: date, name: str, actor: Actor) -> Holiday:
    """Add a day off; targets pause over it."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    name = name.strip()
    if not name or len(name) > MAX_HOLIDAY_NAME:
        raise ValidationError(_("Give the holiday a name of at most %(n)d characters.")
                              % {"n": MAX_HOLIDAY_NAME})
    holiday, created = Holiday.objects.get_or_create(
        organization_id=member.organization_id, day=day, defaults={"name": name})
    if not created:
        raise ValidationError(_("This day is already a holiday."))
    audit.record(member.organization, actor, "inbox.holiday_add", holiday,
                 after={"day": day.isoformat(), "name": name})
    return holiday


@transaction.atomic
def delete_holiday(member: Member, holiday_id: int, actor: Actor) -> None:
    """Remove a day off."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    holiday = Holiday.objects.filter(organization_id=member.organization_id,
                                     pk=holiday_id).first()
    if holiday is None:
        raise Http404
    audit.record(member.organization, actor, "inbox.holiday_delete", holiday,
                 before={"day": holiday.day.isoformat(), "name": holiday.name})
    holiday.delete()


@transaction.atomic
def set_target(member: Member, channel: Channel | None, priority: int, minutes: int | None,
               actor: Actor) -> ResponseTarget | None:
    """Set (or clear, with None) the target of a priority on a channel or every channel.

    Conversations already waiting keep their due time; new messages use the new target.
    """
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    if channel is not None and channel.organization_id != member.organization_id:
        raise Http404
    if priority not in Priority.values:
        raise ValidationError(_("Unknown priority."))
    if minutes is not None and not 1 <= minutes <= MAX_TARGET_MINUTES:
        raise ValidationError(_("A target is between 1 minute and 30 days."))
    rows = ResponseTarget.objects.filter(organization_id=member.organization_id,
                                         channel=channel, priority=priority)
    current = rows.first()
    before = {"minutes": current.minutes} if current else None
    target_type = "inbox.responsetarget"
    after: dict[str, object] = {"channel_id": channel.pk if channel else None,
                                "priority": priority, "minutes": minutes}
    if minutes is None:
        rows.delete()
        audit.record(member.organization, actor, "inbox.target_clear",
                     target_type=target_type, before=before, after=after)
        return None
    target, _created = ResponseTarget.objects.update_or_create(
        organization_id=member.organization_id, channel=channel, priority=priority,
        defaults={"minutes": minutes})
    audit.record(member.organization, actor, "inbox.target_set", target, before=before,
                 after=after)
    return target
