"""A member's iCal feed: a secret address (only its hash is stored), revocable, no session."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from socialops.connectors import registry
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.publishing.models import CalendarFeed, Variant, VariantStatus
from socialops.publishing.validation import placement_label

FEED_STATUSES = (VariantStatus.SCHEDULED, VariantStatus.PUBLISHING, VariantStatus.PUBLISHED)
FEED_PAST = timedelta(days=60)
FEED_FUTURE = timedelta(days=366)
FEED_LIMIT = 2000
EVENT_LENGTH = timedelta(minutes=15)
EXCERPT = 60


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(member: Member) -> CalendarFeed | None:
    """Return the member's feed in force, if any."""
    return CalendarFeed.objects.filter(member=member, revoked_at__isnull=True).first()


def _revoke_active(member: Member) -> CalendarFeed | None:
    feed = CalendarFeed.objects.select_for_update().filter(
        member=member, revoked_at__isnull=True).first()
    if feed is not None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


@transaction.atomic
def create_feed(member: Member, actor: Actor) -> str:
    """Give the member a new secret feed address (the old one stops); return its token once."""
    require(member, Action.VIEW_POSTS, member.organization)
    previous = _revoke_active(member)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(member=member, token_hash=token_hash(token))
    audit.record(member.organization, actor, "calendar_feed.create", feed,
                 after={"member": member.pk, "replaces": previous.pk if previous else None})
    return token


@transaction.atomic
def revoke_feed(member: Member, actor: Actor) -> bool:
    """Stop the member's feed address; return whether there was one."""
    require(member, Action.VIEW_POSTS, member.organization)
    feed = _revoke_active(member)
    if feed is None:
        return False
    audit.record(member.organization, actor, "calendar_feed.revoke", feed,
                 after={"member": member.pk})
    return True


def member_for_token(token: str) -> Member | None:
    """Return the member a feed token belongs to while it is valid and they may see posts."""
    if not token or len(token) > 200:
        return None
    feed = CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at__isnull=True
                                       ).select_related("member__organization",
                                                        "member__user").first()
    if feed is None or not can(feed.member, Action.VIEW_POSTS, feed.member.organization):
        return None
    return feed.member


def _excerpt(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def build_ics(member: Member, post_url: str) -> bytes:
    """Return the member's calendar: one event per scheduled or published variant.

    ``post_url`` is an absolute URL with ``{id}`` where the post's id goes.
    """
    org = member.organization
    now = timezone.now()
    variants = (
        Variant.objects.filter(organization_id=org.pk, status__in=FEED_STATUSES,
                               scheduled_at__gte=now - FEED_PAST,
                               scheduled_at__lte=now + FEED_FUTURE)
        .select_related("channel").order_by("scheduled_at", "pk")[:FEED_LIMIT]
    )
    with translation.override(org.language or "en"):
        cal = Calendar()
        cal.add("prodid", "-//socialops//publishing calendar//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", _("%(org)s publications") % {"org": org.name})
        for variant in variants:
            cal.add_component(_event(variant, post_url, now))
        return cal.to_ical()


def _event(variant: Variant, post_url: str, now: datetime) -> Event:
    channel = variant.channel
    network = registry.capabilities_for(channel.network).display_name
    start = variant.published_at or variant.scheduled_at
    assert start is not None
    event = Event()
    event.add("uid", f"variant-{variant.pk}@socialops")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    event.add("summary", f"{network} · {channel.display_name}: "
                         f"{_excerpt(variant.text, EXCERPT) or _('(no text)')}")
    url = post_url.replace("{id}", str(variant.post_id))
    event.add("description", "\n".join([
        f"{channel.display_name} (@{channel.handle}) · {network} · "
        f"{placement_label(variant.placement)}",
        f"{_('Status')}: {variant.get_status_display()}",
        "",
        _excerpt(variant.text, 500),
        "",
        url,
    ]))
    event.add("url", url)
    event.add("categories", [network])
    return event
