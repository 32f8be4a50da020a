"""Connect a YouTube channel: Google OAuth 2.0 for web servers, with PKCE, and refresh.

developers.google.com/identity/protocols/oauth2/web-server: `access_type=offline` and
`prompt=consent` make Google return a refresh token (it does so only at consent);
access tokens last one hour (`expires_in`); a refresh answer carries no new refresh
token, so the one we hold is kept. `invalid_grant` means the grant was revoked (or the
refresh token expired): the channel must be connected again.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from socialops.connectors.errors import AuthExpiredError, ConnectorError, PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import (
    AccountChoice,
    OAuthClient,
    Pkce,
    account_of,
    token_credentials,
)

AUTHORIZE = "https://accounts.google.com/o/oauth2/v2/auth"
EXCHANGE_URL = "https://oauth2.googleapis.com/token"
# youtube.upload: videos.insert and thumbnails.set; youtube.force-ssl: channels, comments
# (read, answer, moderate) and deletions. No Analytics scope: socialops does not call it.
SCOPES = ("https://www.googleapis.com/auth/youtube.upload",
          "https://www.googleapis.com/auth/youtube.force-ssl")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def authorize_url(client_id: str, redirect_uri: str, state: str, pkce: Pkce,
                  scopes: tuple[str, ...] = SCOPES) -> str:
    """Return Google's consent page for the channel's owner or manager."""
    return AUTHORIZE + "?" + urlencode({
        "client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": " ".join(scopes), "state": state, "access_type": "offline",
        "prompt": "consent", "include_granted_scopes": "true",
        "code_challenge": pkce.challenge, "code_challenge_method": "S256"})


def _token(http: HttpClient, fields: dict[str, str]) -> dict[str, str]:
    try:
        # Not repeated on a lost answer: an authorization code works once.
        response = http.post(EXCHANGE_URL, content=urlencode(fields).encode(), headers=FORM,
                             retry_safe=False)
    except PermanentError as exc:
        body = _body(exc)
        if body.get("error") == "invalid_grant":
            raise AuthExpiredError(f"Google refused the grant: {body.get('error_description')}",
                                   status=exc.status, code="auth_expired") from exc
        raise
    data: dict[str, Any] = response.json()
    if "access_token" not in data:
        raise PermanentError("Google answered without an access token", code="oauth")
    credentials = token_credentials(data)
    credentials["scope"] = str(data.get("scope") or "")
    return credentials


def _body(exc: ConnectorError) -> dict[str, Any]:
    try:
        body = exc.response.json() if exc.response is not None else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def exchange_code(http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                  pkce: Pkce) -> dict[str, str]:
    """Trade the authorization code for the channel's credentials."""
    return _token(http, {"code": code, "client_id": client.client_id,
                         "client_secret": client.client_secret, "redirect_uri": redirect_uri,
                         "grant_type": "authorization_code", "code_verifier": pkce.verifier})


def refresh(http: HttpClient, client: OAuthClient, credentials: dict[str, str]) -> dict[str, str]:
    """Return fresh credentials: a new access token, the same refresh token and options."""
    fresh = _token(http, {"client_id": client.client_id, "client_secret": client.client_secret,
                          "grant_type": "refresh_token",
                          "refresh_token": credentials["refresh_token"]})
    return {**credentials, **fresh}


class YouTubeFlow:
    """Connect-a-channel and token refresh for YouTube (see socialops.connectors.oauth)."""

    network = "youtube"
    uses_pkce = True

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        if pkce is None:
            raise ValueError("socialops always sends PKCE to Google")
        return authorize_url(client.client_id, redirect_uri, state, pkce)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        if pkce is None:
            raise ValueError("socialops always sends PKCE to Google")
        return exchange_code(http, client, redirect_uri, code, pkce)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        """Return the channel the consenting Google account (or brand account) chose."""
        from socialops.connectors.youtube.connector import YouTubeConnector

        # Google asks at consent which channel (personal or brand account) to grant:
        # the token then acts as exactly that one (channels.list mine=true).
        return [account_of(YouTubeConnector, http, credentials)]

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        if not credentials.get("refresh_token"):
            return None
        return refresh(http, client, credentials)


FLOW = YouTubeFlow()
