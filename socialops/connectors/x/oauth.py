"""Connect an X account: OAuth 2.0 authorization code with PKCE, and token refresh.

X user tokens last two hours; with the `offline.access` scope X also returns a
refresh token, which is single-use: every refresh returns a new pair, and the caller
must store both (the channel's credentials) before using the new access token.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from socialops.connectors.errors import PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import AccountChoice, OAuthClient, Pkce, account_of

AUTHORIZE = "https://x.com/i/oauth2/authorize"
OAUTH_EXCHANGE_URL = "https://api.x.com/2/oauth2/token"
SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access",
          "dm.read", "dm.write")


def authorize_url(client_id: str, redirect_uri: str, state: str, pkce: Pkce,
                  scopes: tuple[str, ...] = SCOPES) -> str:
    """Return X's page where the account holder approves socialops."""
    query = urlencode({"response_type": "code", "client_id": client_id,
                       "redirect_uri": redirect_uri, "scope": " ".join(scopes),
                       "state": state, "code_challenge": pkce.challenge,
                       "code_challenge_method": "S256"})
    return f"{AUTHORIZE}?{query}"


def _token(http: HttpClient, fields: dict[str, str], client_id: str,
           client_secret: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if client_secret:
        # A confidential client authenticates with HTTP Basic; a public one names itself.
        pair = f"{client_id}:{client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    else:
        fields = {**fields, "client_id": client_id}
    # A lost answer must not be retried: a refresh token works once.
    response = http.post(OAUTH_EXCHANGE_URL, content=urlencode(fields).encode(), headers=headers,
                         retry_safe=False)
    data: dict[str, Any] = response.json()
    if "access_token" not in data:
        raise PermanentError("X answered without an access token", code="oauth")
    expires = datetime.now(UTC) + timedelta(seconds=int(data.get("expires_in") or 7200))
    credentials = {"access_token": str(data["access_token"]),
                   "expires_at": expires.isoformat(timespec="seconds"),
                   "scope": str(data.get("scope") or "")}
    if data.get("refresh_token"):
        credentials["refresh_token"] = str(data["refresh_token"])
    return credentials


def exchange_code(http: HttpClient, client_id: str, client_secret: str | None,
                  redirect_uri: str, code: str, pkce: Pkce) -> dict[str, str]:
    """Trade the authorization code for the channel's credentials."""
    return _token(http, {"grant_type": "authorization_code", "code": code,
                         "redirect_uri": redirect_uri, "code_verifier": pkce.verifier},
                  client_id, client_secret)


def refresh(http: HttpClient, client_id: str, client_secret: str | None,
            refresh_token: str) -> dict[str, str]:
    """Return new credentials for a refresh token (which is spent by this call)."""
    return _token(http, {"grant_type": "refresh_token", "refresh_token": refresh_token},
                  client_id, client_secret)


class XFlow:
    """Connect-a-channel and token refresh for X (see socialops.connectors.oauth)."""

    network = "x"
    uses_pkce = True

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        if pkce is None:
            raise ValueError("X requires PKCE")
        return authorize_url(client.client_id, redirect_uri, state, pkce)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        if pkce is None:
            raise ValueError("X requires PKCE")
        return exchange_code(http, client.client_id, client.client_secret or None, redirect_uri,
                             code, pkce)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        from socialops.connectors.x.connector import XConnector

        return [account_of(XConnector, http, credentials)]

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        if not credentials.get("refresh_token"):
            return None
        return refresh(http, client.client_id, client.client_secret or None,
                       credentials["refresh_token"])


FLOW = XFlow()
