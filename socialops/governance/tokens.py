"""Keep OAuth access tokens fresh, and flag channels whose owners must reconnect them.

A refresh token may work only once (X, TikTok): the refreshed pair is stored before the
new access token is used, under a row lock so that two workers never spend the same
refresh token. A network that cannot refresh (or refuses) puts the channel in "needs
reconnection", which e-mails its owner and backup (`reconnect.notify_reconnect_needed`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.connectors.errors import AuthExpiredError, ConnectorError, PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import OAuthClient
from socialops.core.actors import Actor
from socialops.governance import vault
from socialops.governance.models import Channel, ChannelStatus, Credential, Transport
from socialops.governance.services import _store_credentials, record_sync

log = logging.getLogger(__name__)

REFRESHED = "refreshed"
NOT_DUE = "not_due"
RECONNECT = "reconnect"
RETRY_LATER = "retry_later"


def oauth_client(network: str) -> OAuthClient | None:
    """Return socialops' OAuth application at `network`, when the operator configured one."""
    config = getattr(settings, "SOCIALOPS_OAUTH_CLIENTS", {}).get(network)
    if not config or not config.get("client_id"):
        return None
    return OAuthClient(client_id=config["client_id"],
                       client_secret=config.get("client_secret", ""),
                       extra={k: v for k, v in config.items()
                              if k not in {"client_id", "client_secret"}})


def refresh_ahead() -> timedelta:
    """Return how long before expiry a token is refreshed."""
    return timedelta(hours=settings.SOCIALOPS_TOKEN_REFRESH_AHEAD_HOURS)


def is_due(credential: Credential, now: datetime) -> bool:
    """Return whether a token should be refreshed now.

    Within `refresh_ahead` of its expiry, but never before half its life has passed:
    an X token lives two hours, and refreshing it 24 hours ahead would mean always.
    """
    if credential.expires_at is None:
        return False
    issued = credential.refreshed_at or credential.rotated_at or credential.set_at
    margin = refresh_ahead()
    if issued is not None and issued < credential.expires_at:
        margin = min(margin, (credential.expires_at - issued) / 2)
    return credential.expires_at - now <= margin


def due_channels(now: datetime | None = None) -> list[int]:
    """Return the ids of network channels whose access token expires soon (or has)."""
    now = now or timezone.now()
    candidates = Credential.objects.filter(
        expires_at__lte=now + refresh_ahead(), channel__transport=Transport.NETWORK,
        channel__status__in=[ChannelStatus.ACTIVE, ChannelStatus.NEEDS_REAUTH],
    ).only("channel_id", "expires_at", "refreshed_at", "rotated_at", "set_at")
    return [credential.channel_id for credential in candidates if is_due(credential, now)]


@dataclass(frozen=True)
class RefreshOutcome:
    """What happened to one channel's token."""

    channel_id: int
    outcome: str
    detail: str = ""


def _reconnect(channel: Channel, reason: str) -> RefreshOutcome:
    record_sync(channel, followers=None, error=reason, status=ChannelStatus.NEEDS_REAUTH)
    return RefreshOutcome(channel.pk, RECONNECT, reason)


def refresh_channel(channel_id: int, *, http: HttpClient | None = None,
                    now: datetime | None = None) -> RefreshOutcome:
    """Refresh one channel's token if it is due; flag the channel when that is impossible."""
    now = now or timezone.now()
    with transaction.atomic():
        credential = (Credential.objects.select_for_update().select_related(
            "channel__organization").filter(channel_id=channel_id).first())
        if credential is None or credential.expires_at is None:
            return RefreshOutcome(channel_id, NOT_DUE)
        channel = credential.channel
        if not is_due(credential, now):
            return RefreshOutcome(channel_id, NOT_DUE)  # another worker refreshed it
        flow = registry.oauth_flow(channel.network)
        client = oauth_client(channel.network)
        secrets = vault.decrypt(credential.ciphertext)
        if flow is None or client is None or not secrets.get("refresh_token"):
            if credential.expires_at <= now:
                return _reconnect(channel, _("The access token expired and cannot be refreshed."))
            return RefreshOutcome(channel_id, NOT_DUE, "cannot refresh before expiry")
        own_http = http is None
        client_http = http or HttpClient()
        try:
            fresh = flow.refresh(client_http, client, secrets)
        except (AuthExpiredError, PermanentError) as exc:
            return _reconnect(channel, _("The network refused to refresh the token: %(error)s")
                              % {"error": exc})
        except ConnectorError as exc:
            log.warning("token refresh of channel %s failed, will retry: %s", channel_id, exc)
            return RefreshOutcome(channel_id, RETRY_LATER, str(exc))
        finally:
            if own_http:
                client_http.close()
        if fresh is None:
            if credential.expires_at <= now:
                return _reconnect(channel, _("The access token expired and cannot be refreshed."))
            return RefreshOutcome(channel_id, NOT_DUE, "network cannot refresh")
        _store_credentials(channel, {**secrets, **fresh}, Actor.system("token-refresh"),
                           refreshed=True)
        if channel.status == ChannelStatus.NEEDS_REAUTH:
            record_sync(channel, followers=None, status=ChannelStatus.ACTIVE)
    return RefreshOutcome(channel_id, REFRESHED)
