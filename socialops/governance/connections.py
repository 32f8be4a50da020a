"""Build the connector that talks to a channel's network (or to the sandbox)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from socialops.connectors import registry
from socialops.connectors.base import ChannelAuth, Connector
from socialops.connectors.http import HttpClient
from socialops.governance.models import Channel, Credential, Transport
from socialops.governance.services import credentials_of


def connector_for(channel: Channel, http: HttpClient | None = None) -> Connector:
    """Return a connector acting as the channel, with its decrypted credentials."""
    auth = ChannelAuth(
        remote_id=channel.remote_id, handle=channel.handle, credentials=credentials_of(channel)
    )
    _mark_used(channel)
    sandbox = channel.transport == Transport.SANDBOX
    client = http or HttpClient(allow_private=sandbox)
    return registry.build_connector(
        channel.network, auth, client,
        sandbox_url=settings.SOCIALOPS_SANDBOX_URL if sandbox else None,
    )


USE_RESOLUTION = timedelta(minutes=1)


def _mark_used(channel: Channel) -> None:
    # The vault page shows when a secret was last used; once a minute is precise enough
    # and keeps the publishing hot path from writing on every call.
    now = timezone.now()
    Credential.objects.filter(channel_id=channel.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_RESOLUTION)
    ).update(last_used_at=now)
