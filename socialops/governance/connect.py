"""Connect a channel to its account through the network's OAuth flow.

1. `start` builds the network's authorization URL with a fresh `state` (and PKCE where
   the network uses it) and returns what the caller keeps in the session;
2. `finish` checks the state, trades the code for credentials and lists the accounts
   they may act as (the picker); the choices are kept encrypted with the vault;
3. `choose` stores the chosen account's credentials on the channel, audited.

A channel that already has an account can only be reconnected to that same account:
choosing another one would silently move the brand's history to a stranger's profile.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import (
    AccountChoice,
    ClientRegistration,
    OAuthClient,
    OAuthFlow,
    Pkce,
    new_pkce,
)
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, authorize, can
from socialops.governance import oauth_apps, vault
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.governance.services import _snapshot, _store_credentials
from socialops.governance.tokens import oauth_client


@dataclass(frozen=True)
class Pending:
    """What the session keeps between the redirect to the network and its answer."""

    state: str
    channel_id: int
    network: str
    verifier: str = ""
    # The server socialops registered itself on (Mastodon), empty for other networks.
    server: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class ConnectError(ValidationError):
    """Raised with a message to show when a connection cannot go on."""


def needs_server(channel: Channel) -> bool:
    """Tell whether connecting asks for the account's server first (Mastodon)."""
    return isinstance(registry.oauth_flow(channel.network), ClientRegistration)


def _flow(channel: Channel) -> tuple[OAuthFlow, OAuthClient | None]:
    if channel.transport != Transport.NETWORK:
        raise ConnectError(_("This channel runs on the sandbox network: it needs no connection."))
    flow = registry.oauth_flow(channel.network)
    if flow is None:
        raise ConnectError(_("This network connects with credentials you enter yourself "
                             "(an app password or an access token)."))
    if isinstance(flow, ClientRegistration):
        return flow, None  # the client is the one registered on the account's server
    client = oauth_client(channel.network)
    if client is None:
        raise ConnectError(
            _("socialops is not registered with this network yet: an operator must set "
              "%(variable)s_CLIENT_ID and %(variable)s_CLIENT_SECRET.")
            % {"variable": f"SOCIALOPS_OAUTH_{channel.network.upper()}"})
    return flow, client


def check_can_connect(member: Member, channel: Channel
                      ) -> tuple[OAuthFlow, OAuthClient | None]:
    """Return the channel's flow and client, or raise why this member cannot connect it."""
    if not can(member, Action.MANAGE_CREDENTIALS, channel=channel):
        raise PermissionDenied
    return _flow(channel)


def start(member: Member, channel: Channel, redirect_uri: str, *, server: str = "",
          http: HttpClient | None = None) -> tuple[str, Pending]:
    """Return the authorization URL to send the member to, and what to keep until they return.

    For a network without a central portal (Mastodon), `server` is the account's server:
    socialops registers itself there the first time (through `http`).
    """
    flow, client = check_can_connect(member, channel)
    if client is None and isinstance(flow, ClientRegistration):
        if not server.strip() or http is None:
            raise ConnectError(_("Enter the address of the account's server."))
        client = oauth_apps.client_on(flow, channel.network, server.strip(), redirect_uri, http)
        server = client.extra.get("instance", server.strip())
    assert client is not None  # _flow returns a client for every other kind of flow
    pkce = new_pkce() if flow.uses_pkce else None
    pending = Pending(state=secrets.token_urlsafe(24), channel_id=channel.pk,
                      network=channel.network, verifier=pkce.verifier if pkce else "",
                      server=server if isinstance(flow, ClientRegistration) else "")
    url = flow.authorize_url(client, redirect_uri, pending.state, pkce)
    return url, pending


def _pkce(pending: Pending) -> Pkce | None:
    if not pending.verifier:
        return None
    # Only the verifier is sent back at the exchange; the challenge was in the URL.
    return Pkce(verifier=pending.verifier, challenge="")


def finish(member: Member, channel: Channel, pending: Pending, code: str, redirect_uri: str,
           http: HttpClient) -> list[AccountChoice]:
    """Trade the code for credentials and return the accounts they may act as."""
    if pending.channel_id != channel.pk or pending.network != channel.network:
        raise ConnectError(_("This answer belongs to another connection. Start again."))
    flow, client = check_can_connect(member, channel)
    if client is None:
        client = oauth_apps.stored_client(channel.network, pending.server, redirect_uri)
        if client is None:
            raise ConnectError(_("This answer belongs to another connection. Start again."))
    credentials = flow.exchange_code(http, client, redirect_uri, code, _pkce(pending))
    return flow.accounts(http, client, credentials)


def seal(choices: list[AccountChoice]) -> str:
    """Encrypt the picker's choices (they hold tokens) for the session."""
    return vault.encrypt({"choices": json.dumps([asdict(c) for c in choices])})


def unseal(sealed: str) -> list[AccountChoice]:
    """Return the choices `seal` encrypted."""
    return [AccountChoice(**row) for row in json.loads(vault.decrypt(sealed)["choices"])]


@transaction.atomic
def choose(channel: Channel, choice: AccountChoice, actor: Actor) -> Channel:
    """Store the chosen account's credentials on the channel and mark it active."""
    authorize(actor, Action.MANAGE_CREDENTIALS, channel)
    if choice.unavailable_reason:
        raise ConnectError(choice.unavailable_reason)
    if channel.remote_id and channel.remote_id != choice.remote_id:
        raise ConnectError(
            _("This channel is %(handle)s; reconnect it with that account, or add a new "
              "channel for %(other)s.") % {"handle": channel.handle, "other": choice.handle})
    before = _snapshot(channel)
    if not channel.remote_id and choice.handle != channel.handle:
        taken = Channel.objects.filter(organization_id=channel.organization_id,
                                       network=channel.network, handle=choice.handle)
        if taken.exclude(pk=channel.pk).exists():
            raise ConnectError(_("Another channel of the organization is already %(handle)s.")
                               % {"handle": choice.handle})
        channel.handle = choice.handle
    channel.remote_id = choice.remote_id
    channel.status = ChannelStatus.ACTIVE
    channel.last_error = ""
    if choice.followers is not None:
        channel.followers = choice.followers
    channel.save(update_fields=["handle", "remote_id", "status", "last_error", "followers"])
    _store_credentials(channel, choice.credentials, actor)
    audit.record(channel.organization, actor, "channel.connected", channel, before=before,
                 after={**_snapshot(channel), "account": choice.handle})
    return channel
