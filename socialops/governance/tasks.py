"""Jobs that keep channels in step with their networks."""

from __future__ import annotations

import logging

from celery import shared_task

from socialops.connectors.errors import AuthExpiredError, ConnectorError
from socialops.governance import reminders, tokens
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, ChannelStatus
from socialops.governance.services import record_sync

log = logging.getLogger(__name__)


@shared_task
def sync_all_channels() -> int:
    """Queue a synchronisation of every channel that is not archived."""
    ids = list(
        Channel.objects.exclude(status=ChannelStatus.ARCHIVED).values_list("pk", flat=True)
    )
    for channel_id in ids:
        sync_channel.delay(channel_id)
    return len(ids)


@shared_task
def sync_channel(channel_id: int) -> None:
    """Refresh a channel's account data; flag it when its token has expired."""
    channel = Channel.objects.select_related("organization").filter(pk=channel_id).first()
    if channel is None or channel.status == ChannelStatus.ARCHIVED:
        return
    try:
        info = connector_for(channel).verify()
    except AuthExpiredError as exc:
        record_sync(channel, followers=None, error=str(exc), status=ChannelStatus.NEEDS_REAUTH)
        return
    except ConnectorError as exc:
        log.warning("sync of channel %s failed: %s", channel_id, exc)
        record_sync(channel, followers=None, error=str(exc))
        return
    status = ChannelStatus.ACTIVE if channel.status == ChannelStatus.NEEDS_REAUTH else None
    record_sync(channel, followers=info.followers, status=status)


@shared_task
def refresh_expiring_tokens() -> int:
    """Queue a token refresh for every channel whose access token expires soon."""
    ids = tokens.due_channels()
    for channel_id in ids:
        refresh_channel_token.delay(channel_id)
    return len(ids)


@shared_task
def refresh_channel_token(channel_id: int) -> str:
    """Refresh one channel's access token (idempotent: a fresh token is left alone)."""
    return tokens.refresh_channel(channel_id).outcome


@shared_task
def remind_rotations() -> int:
    """E-mail owners and backups the credentials they should rotate (weekly per credential)."""
    return reminders.send_rotation_reminders()
