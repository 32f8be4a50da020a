"""Define how a network's OAuth flow plugs into connect-a-channel and token refresh.

Each network that connects through OAuth ships `socialops/connectors/<network>/oauth.py`
with a `FLOW` object implementing `OAuthFlow`; the registry finds it lazily. Generic
code (the connect-a-channel pages, the refresh job) only talks to this protocol:

1. `authorize_url(client, redirect_uri, state, pkce)`: where to send the administrator;
2. `exchange_code(http, client, redirect_uri, code, pkce)`: the user-level credentials;
3. `accounts(http, client, credentials)`: the accounts those credentials may act as (the
   page picker), each with the credentials to store on its channel (a Page token...);
4. `refresh(http, client, credentials)`: fresh credentials before `expires_at`, or None
   when this network cannot refresh (the channel then needs reconnecting in time).

Credentials are flat `dict[str, str]`; `expires_at` (ISO 8601, UTC) and `refresh_token`
are the keys the refresh job reads.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from socialops.connectors.base import ChannelAuth

if TYPE_CHECKING:
    from socialops.connectors.base import Connector
    from socialops.connectors.http import HttpClient

__all__ = [
    "AccountChoice",
    "OAuthClient",
    "OAuthFlow",
    "Pkce",
    "account_of",
    "expires_at",
    "new_pkce",
    "server_url",
    "token_credentials",
]


@dataclass(frozen=True)
class Pkce:
    """A PKCE pair: the verifier stays on our side, the challenge goes in the URL."""

    verifier: str = field(repr=False)
    challenge: str


def new_pkce() -> Pkce:
    """Return a fresh S256 PKCE pair (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return Pkce(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


@dataclass(frozen=True)
class OAuthClient:
    """socialops' application registered at a network (from settings, never shown)."""

    client_id: str
    client_secret: str = field(default="", repr=False)
    # Network-specific settings, e.g. the Mastodon instance this client belongs to.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountChoice:
    """One account the administrator may connect, with the credentials to store for it."""

    remote_id: str
    handle: str
    display_name: str
    credentials: dict[str, str] = field(repr=False)
    followers: int | None = None
    # Why this account cannot be connected (e.g. an Instagram account that is not a
    # professional account); shown in the picker, greyed out.
    unavailable_reason: str = ""


@runtime_checkable
class OAuthFlow(Protocol):
    """Connect accounts of one network through its OAuth flow, and keep tokens fresh."""

    network: str
    uses_pkce: bool

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        """Return the network's page where the administrator approves socialops."""
        ...

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        """Trade the authorization code for user-level credentials."""
        ...

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        """Return the accounts these credentials may act as (one for single-account networks)."""
        ...

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        """Return fresh credentials (all keys, not only the changed ones), or None if impossible."""
        ...


@runtime_checkable
class ClientRegistration(Protocol):
    """A flow whose networks have no central developer portal (Mastodon): socialops
    registers itself on each server the first time an account there is connected."""

    def register(self, http: HttpClient, server: str, redirect_uri: str) -> OAuthClient:
        """Register socialops on `server` and return the client it got there."""
        ...


def server_url(value: str) -> str:
    """Return a server address as typed by a person in its canonical form (https, no /)."""
    value = value.strip().rstrip("/")
    return value if "://" in value else f"https://{value}"


def expires_at(seconds: Any, now: datetime | None = None) -> str:
    """Return the ISO expiry of a token valid for `seconds` from now."""
    moment = (now or datetime.now(UTC)) + timedelta(seconds=int(seconds))
    return moment.isoformat(timespec="seconds")


def token_credentials(data: dict[str, Any], *, default_lifetime_s: int | None = None
                      ) -> dict[str, str]:
    """Turn a standard OAuth token answer into credentials (access, refresh, expiry)."""
    credentials = {"access_token": str(data["access_token"])}
    lifetime = data.get("expires_in") or default_lifetime_s
    if lifetime:
        credentials["expires_at"] = expires_at(lifetime)
    if data.get("refresh_token"):
        credentials["refresh_token"] = str(data["refresh_token"])
    return credentials


def account_of(connector_class: type[Connector], http: HttpClient,
               credentials: dict[str, str]) -> AccountChoice:
    """Return the one account `credentials` act as, asking the network through `verify`."""
    info = connector_class(ChannelAuth(remote_id="", handle="", credentials=credentials),
                           http).verify()
    return AccountChoice(remote_id=info.remote_id, handle=info.handle,
                         display_name=info.display_name, credentials=credentials,
                         followers=info.followers)
