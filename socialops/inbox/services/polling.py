"""Poll each channel's inbox incrementally, one poller per channel at a time.

A `ChannelPoll` row holds the connector's cursor and a lease. Claiming the lease is one
conditional UPDATE (free or expired → ours), so two workers, or a task delivered twice,
never poll the same channel at once. Each page is ingested and its cursor saved in one
transaction that also renews the lease; a poller that lost its lease rolls back.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from socialops.connectors.base import Connector
from socialops.connectors.errors import AuthExpiredError, ConnectorError, RateLimitedError
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, ChannelStatus
from socialops.governance.services import record_activity, record_sync
from socialops.inbox.models import ChannelPoll
from socialops.inbox.services.ingest import ingest

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
PAGE_SIZE = 100
MAX_PAGES = 20
MAX_BACKOFF_SECONDS = 900
DEFAULT_INTERVAL_SECONDS = 30
BEAT_ENTRY = "poll-inboxes"


class LeaseLostError(Exception):
    """Another poller took the channel over (our lease expired)."""


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of a channel did."""

    claimed: bool
    ingested: int = 0
    pages: int = 0
    error: str = ""


def poll_interval() -> float:
    """Return the seconds between two polls of a channel (the beat entry's period)."""
    entry = getattr(settings, "CELERY_BEAT_SCHEDULE", {}).get(BEAT_ENTRY, {})
    schedule = entry.get("schedule", DEFAULT_INTERVAL_SECONDS)
    seconds = schedule.total_seconds() if isinstance(schedule, timedelta) else schedule
    return float(seconds) if isinstance(seconds, int | float) else DEFAULT_INTERVAL_SECONDS


def backoff_seconds(failures: int) -> float:
    """Return how long to wait after `failures` consecutive failures (with jitter)."""
    base = min(MAX_BACKOFF_SECONDS, poll_interval() * 2 ** min(failures, 16))
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def due_channels(now: datetime | None = None) -> list[int]:
    """Return the active channels whose poll is due and not held by anyone."""
    now = now or timezone.now()
    active = Channel.objects.filter(status=ChannelStatus.ACTIVE)
    missing = active.filter(inbox_poll__isnull=True).values_list("pk", flat=True)
    ChannelPoll.objects.bulk_create(
        [ChannelPoll(channel_id=pk) for pk in missing], ignore_conflicts=True
    )
    return list(
        ChannelPoll.objects.filter(channel__status=ChannelStatus.ACTIVE)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .order_by(F("next_poll_at").asc(nulls_first=True))
        .values_list("channel_id", flat=True)
    )


def claim(channel_id: int, owner: str) -> bool:
    """Take the channel's lease if it is free or expired; return whether we hold it."""
    now = timezone.now()
    ChannelPoll.objects.bulk_create([ChannelPoll(channel_id=channel_id)], ignore_conflicts=True)
    return bool(
        ChannelPoll.objects.filter(channel_id=channel_id)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(lease_owner=owner, lease_expires_at=now + LEASE)
    )


def _release(channel_id: int, owner: str, **fields: object) -> None:
    ChannelPoll.objects.filter(channel_id=channel_id, lease_owner=owner).update(
        lease_owner="", lease_expires_at=None, last_polled_at=timezone.now(), **fields
    )


def _poll_pages(channel: Channel, connector: Connector, owner: str) -> tuple[int, int]:
    cursor = ChannelPoll.objects.values_list("cursor", flat=True).get(channel=channel) or None
    ingested = pages = 0
    for _page in range(MAX_PAGES):
        page = connector.fetch_inbox(cursor, PAGE_SIZE)
        pages += 1
        with transaction.atomic():
            result = ingest(channel, page.items)
            held = ChannelPoll.objects.filter(channel=channel, lease_owner=owner).update(
                cursor=page.cursor or "", lease_expires_at=timezone.now() + LEASE,
                items_ingested=F("items_ingested") + result.created,
            )
            if not held:
                raise LeaseLostError(channel.pk)
        ingested += result.created
        if not page.cursor or page.cursor == cursor:
            break
        cursor = page.cursor
    return ingested, pages


def poll_channel(channel_id: int, *, connector: Connector | None = None) -> PollOutcome:
    """Fetch what is new on a channel and ingest it, unless someone else is polling it."""
    owner = uuid.uuid4().hex
    if not claim(channel_id, owner):
        return PollOutcome(claimed=False)
    channel = Channel.objects.select_related("organization").get(pk=channel_id)
    failures = ChannelPoll.objects.values_list("consecutive_failures", flat=True).get(
        channel_id=channel_id
    )
    now = timezone.now()
    try:
        ingested, pages = _poll_pages(channel, connector or connector_for(channel), owner)
    except LeaseLostError:
        return PollOutcome(claimed=True, error="lease lost")
    except RateLimitedError as exc:
        wait = max(exc.retry_after, backoff_seconds(failures))
        return _failed(channel_id, owner, failures, str(exc), now + timedelta(seconds=wait))
    except AuthExpiredError as exc:
        record_sync(channel, followers=None, error=str(exc), status=ChannelStatus.NEEDS_REAUTH)
        return _failed(channel_id, owner, failures, str(exc), None)
    except ConnectorError as exc:
        log.warning("inbox poll of channel %s failed: %s", channel_id, exc)
        wait = backoff_seconds(failures + 1)
        return _failed(channel_id, owner, failures, str(exc), now + timedelta(seconds=wait))
    except Exception:
        _failed(channel_id, owner, failures, "internal error",
                now + timedelta(seconds=backoff_seconds(failures + 1)))
        raise
    # Due again after half an interval: beat ticks once per interval, so a channel is
    # polled on every tick instead of every other one when a poll ends just after a tick
    # (an urgent message must be escalated within one interval of its arrival).
    _release(channel_id, owner, consecutive_failures=0, last_error="",
             next_poll_at=timezone.now() + timedelta(seconds=poll_interval() / 2))
    record_activity(channel_id, ingested=True)
    return PollOutcome(claimed=True, ingested=ingested, pages=pages)


def _failed(channel_id: int, owner: str, failures: int, error: str,
            next_poll_at: datetime | None) -> PollOutcome:
    # A channel needing reconnection is skipped (not active) until it is fixed; the
    # next poll after that starts at once.
    _release(channel_id, owner, consecutive_failures=failures + 1, last_error=error[:500],
             next_poll_at=next_poll_at)
    return PollOutcome(claimed=True, error=error)
