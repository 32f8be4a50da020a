"""Build the connector that talks to a channel's network (or to the sandbox)."""

from __future__ import annotations

from django.conf import settings

from socialops.connectors import registry
from socialops.connectors.base import ChannelAuth, Connector
from socialops.connectors.http import HttpClient
from socialops.governance.models import Channel, Transport
from socialops.governance.services import credentials_of


def connector_for(channel: Channel, http: HttpClient | None = None) -> Connector:
    """Return a connector acting as the channel, with its decrypted credentials."""
    auth = ChannelAuth(
        remote_id=channel.remote_id, handle=channel.handle, credentials=credentials_of(channel)
    )
    sandbox = channel.transport == Transport.SANDBOX
    client = http or HttpClient(allow_private=sandbox)
    return registry.build_connector(
        channel.network, auth, client,
        sandbox_url=settings.SOCIALOPS_SANDBOX_URL if sandbox else None,
    )
