"""Connect a Mastodon account: register socialops on the instance, then the OAuth code flow.

Mastodon has no central developer portal: each instance registers its own client
(`POST /api/v1/apps`). The connect-a-channel flow calls `register_app` once per
instance (keep the client id and secret), sends the administrator to
`authorize_url`, and trades the code it gets back with `exchange_code` for the
channel's `access_token`. PKCE (S256) is used; instances before 4.3 ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from socialops.connectors.errors import PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import (
    AccountChoice,
    OAuthClient,
    Pkce,
    account_of,
    new_pkce,
    server_url,
)

__all__ = ["FLOW", "AppRegistration", "Pkce", "authorize_url", "exchange_code", "new_pkce",
           "register_app"]

SCOPES = "read write"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class AppRegistration:
    """socialops' client on one instance."""

    instance: str
    client_id: str
    client_secret: str = field(repr=False)


def _form(http: HttpClient, url: str, fields: dict[str, str]) -> dict[str, Any]:
    # Registering or trading a code twice is harmless: the earlier result is just unused.
    response = http.post(url, content=urlencode(fields).encode(), headers=FORM, retry_safe=True)
    try:
        data = response.json()
    except ValueError as exc:
        raise PermanentError(f"The instance answered with non-JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PermanentError("The instance answered with an unexpected JSON shape")
    return data


def register_app(http: HttpClient, instance: str, redirect_uri: str, *,
                 client_name: str = "socialops", website: str = "") -> AppRegistration:
    """Register socialops as an OAuth client of `instance` (POST /api/v1/apps)."""
    base = server_url(instance)
    fields = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": SCOPES}
    if website:
        fields["website"] = website
    data = _form(http, f"{base}/api/v1/apps", fields)
    return AppRegistration(base, str(data["client_id"]), str(data["client_secret"]))


def authorize_url(app: AppRegistration, redirect_uri: str, state: str, pkce: Pkce) -> str:
    """Return the instance page where the account holder approves socialops."""
    query = urlencode({"response_type": "code", "client_id": app.client_id,
                       "redirect_uri": redirect_uri, "scope": SCOPES, "state": state,
                       "code_challenge": pkce.challenge, "code_challenge_method": "S256"})
    return f"{app.instance}/oauth/authorize?{query}"


def exchange_code(http: HttpClient, app: AppRegistration, redirect_uri: str, code: str,
                  pkce: Pkce) -> dict[str, str]:
    """Trade the authorization code for the channel's credentials."""
    data = _form(http, f"{app.instance}/oauth/token", {
        "grant_type": "authorization_code", "code": code, "client_id": app.client_id,
        "client_secret": app.client_secret, "redirect_uri": redirect_uri, "scope": SCOPES,
        "code_verifier": pkce.verifier})
    return {"access_token": str(data["access_token"]), "instance": app.instance}


class MastodonFlow:
    """Connect-a-channel for Mastodon: register on the account's instance, then OAuth.

    Mastodon tokens do not expire, so there is nothing to refresh.
    """

    network = "mastodon"
    uses_pkce = True

    def register(self, http: HttpClient, server: str, redirect_uri: str) -> OAuthClient:
        app = register_app(http, server, redirect_uri)
        return OAuthClient(app.client_id, app.client_secret, {"instance": app.instance})

    @staticmethod
    def _app(client: OAuthClient) -> AppRegistration:
        return AppRegistration(client.extra["instance"], client.client_id, client.client_secret)

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        if pkce is None:
            raise ValueError("the Mastodon flow uses PKCE")
        return authorize_url(self._app(client), redirect_uri, state, pkce)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        if pkce is None:
            raise ValueError("the Mastodon flow uses PKCE")
        return exchange_code(http, self._app(client), redirect_uri, code, pkce)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        from socialops.connectors.mastodon.connector import MastodonConnector

        return [account_of(MastodonConnector, http, credentials)]

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        return None


FLOW = MastodonFlow()
