"""The calendar: which variants fall on which day, and moving one to another day."""

from __future__ import annotations

import calendar as stdlib_calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.publishing import services
from socialops.publishing.models import Variant, VariantStatus

View = Literal["month", "week", "list"]
VIEWS: tuple[View, ...] = ("month", "week", "list")
LIST_DAYS = 30
MAX_ENTRIES = 1000


@dataclass(frozen=True)
class Span:
    """The days a calendar page shows: [start, end)."""

    view: View
    anchor: date
    start: date
    end: date
    previous: date
    following: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]


def span_for(view: View, anchor: date, first_weekday: int) -> Span:
    """Return the days of a month (whole weeks), a week or the list starting at ``anchor``.

    ``first_weekday`` counts from Sunday = 0, as Django's FIRST_DAY_OF_WEEK does.
    """
    # Python counts from Monday = 0.
    week_start = (first_weekday - 1) % 7
    if view == "month":
        first = anchor.replace(day=1)
        last = first.replace(day=stdlib_calendar.monthrange(first.year, first.month)[1])
        start = first - timedelta(days=(first.weekday() - week_start) % 7)
        end = last + timedelta(days=7 - (last.weekday() - week_start) % 7)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last + timedelta(days=1)
        return Span(view, anchor, start, end, previous, following)
    if view == "week":
        start = anchor - timedelta(days=(anchor.weekday() - week_start) % 7)
        return Span(view, anchor, start, start + timedelta(days=7),
                    start - timedelta(days=7), start + timedelta(days=7))
    return Span(view, anchor, anchor, anchor + timedelta(days=LIST_DAYS),
                anchor - timedelta(days=LIST_DAYS), anchor + timedelta(days=LIST_DAYS))


def _bound(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min).replace(tzinfo=zone)


def calendar_variants(member: Member, span: Span, zone: ZoneInfo, *,
                      channel_id: int | None = None, status: str = "",
                      campaign_id: int | None = None, label: str = "") -> QuerySet[Variant]:
    """Return the variants planned or published within the span, with their channel and post."""
    require(member, Action.VIEW_POSTS, member.organization)
    query = (
        Variant.objects.filter(organization_id=member.organization_id)
        .annotate(when=Coalesce(F("published_at"), F("scheduled_at")))
        .filter(when__gte=_bound(span.start, zone), when__lt=_bound(span.end, zone))
        .select_related("channel", "post")
        .order_by("when", "pk")
    )
    if channel_id is not None:
        query = query.filter(channel_id=channel_id)
    if status in VariantStatus.values:
        query = query.filter(status=status)
    else:
        # A cancelled publication no longer takes a slot; filter on it to see them.
        query = query.exclude(status=VariantStatus.CANCELLED)
    if campaign_id is not None:
        query = query.filter(post__campaign_id=campaign_id)
    if label:
        # Labels are a JSON list, which SQLite cannot search inside: match within the
        # span (at most a month of rows) in Python.
        posts = {post_id for post_id, labels in query.values_list("post_id", "post__labels")
                 if label in (labels or [])}
        query = query.filter(post_id__in=posts)
    return query


def by_day(variants: QuerySet[Variant], zone: ZoneInfo) -> dict[date, list[Variant]]:
    """Group variants by their local day (published time first, else scheduled time)."""
    days: dict[date, list[Variant]] = defaultdict(list)
    for variant in variants[:MAX_ENTRIES]:
        when = variant.published_at or variant.scheduled_at
        assert when is not None
        days[timezone.localtime(when, zone).date()].append(variant)
    return days


def weeks_of(span: Span) -> list[list[date]]:
    days = span.days
    return [days[i:i + 7] for i in range(0, len(days), 7)]


def reschedule_to_day(member: Member, actor: Actor, variant: Variant, day: date) -> Variant:
    """Move a scheduled variant to another day at the same local time (audited by schedule)."""
    require(member, Action.SCHEDULE_POSTS, variant)
    if variant.status != VariantStatus.SCHEDULED or variant.scheduled_at is None:
        raise ValidationError(_("Only a scheduled publication can be moved on the calendar."))
    zone = ZoneInfo(member.organization.time_zone)
    local = timezone.localtime(variant.scheduled_at, zone)
    if local.date() == day:
        return variant
    # Keep the wall-clock time, even across a change of daylight saving time.
    when = datetime.combine(day, local.time().replace(tzinfo=None)).replace(tzinfo=zone)
    services.schedule(member, actor, variant.post, when, variant_ids=[variant.pk])
    variant.refresh_from_db()
    return variant
