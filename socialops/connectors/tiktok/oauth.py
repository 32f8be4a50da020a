"""Connect a TikTok account: Login Kit OAuth v2 (code flow) and token refresh.

developers.tiktok.com/doc/oauth-user-access-token-management: access tokens last 24
hours, refresh tokens 365 days; a refresh may return a new refresh token, which then
replaces the old one. The token endpoint takes a form with `client_key` and
`client_secret` (TikTok's names) and answers errors as `{"error", "error_description",
"log_id"}`, sometimes with HTTP 200.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from socialops.connectors.errors import AuthExpiredError, PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import (
    AccountChoice,
    OAuthClient,
    Pkce,
    account_of,
    token_credentials,
)

AUTHORIZE = "https://www.tiktok.com/v2/auth/authorize/"
EXCHANGE_URL = "https://open.tiktokapis.com/v2/oauth/token/"
# user.info.*: verify and followers; video.publish: Direct Post; video.list: metrics
# (/v2/video/query/) and reconciliation (/v2/video/list/).
SCOPES = ("user.info.basic", "user.info.profile", "user.info.stats", "video.publish",
          "video.list")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
ACCESS_LIFETIME_S = 86_400  # 24 hours, when the answer leaves out expires_in
# The refresh token itself is refused with these: the account holder must connect again.
DEAD_GRANT = frozenset({"invalid_grant", "invalid_client", "access_denied"})


def authorize_url(client_key: str, redirect_uri: str, state: str, pkce: Pkce | None,
                  scopes: tuple[str, ...] = SCOPES) -> str:
    """Return TikTok's page where the account holder approves socialops."""
    query = {"client_key": client_key, "scope": ",".join(scopes), "response_type": "code",
             "redirect_uri": redirect_uri, "state": state}
    if pkce is not None:
        query |= {"code_challenge": pkce.challenge, "code_challenge_method": "S256"}
    return f"{AUTHORIZE}?{urlencode(query)}"


def _token(http: HttpClient, fields: dict[str, str]) -> dict[str, str]:
    # Never repeated on a lost answer: a refresh token may be spent by the first try.
    try:
        response = http.post(EXCHANGE_URL, content=urlencode(fields).encode(), headers=FORM,
                             retry_safe=False)
    except PermanentError as exc:
        if exc.response is None:
            raise
        response = exc.response  # a 4xx carries the same error body as a 200 refusal
    data: dict[str, Any] = response.json()
    if "access_token" not in data:
        error = str(data.get("error") or "no access token")
        message = f"TikTok refused the token request: {error}: {data.get('error_description')}"
        if error in DEAD_GRANT:
            raise AuthExpiredError(message, code="auth_expired")
        raise PermanentError(message, code="oauth")
    credentials = token_credentials(data, default_lifetime_s=ACCESS_LIFETIME_S)
    credentials["open_id"] = str(data.get("open_id") or "")
    credentials["scope"] = str(data.get("scope") or "")
    return credentials


def exchange_code(http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                  pkce: Pkce | None) -> dict[str, str]:
    """Trade the authorization code for the account's credentials."""
    fields = {"client_key": client.client_id, "client_secret": client.client_secret,
              "code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri}
    if pkce is not None:
        fields["code_verifier"] = pkce.verifier
    return _token(http, fields)


def refresh(http: HttpClient, client: OAuthClient, credentials: dict[str, str]) -> dict[str, str]:
    """Return fresh credentials, keeping the channel's posting options."""
    fresh = _token(http, {"client_key": client.client_id,
                          "client_secret": client.client_secret,
                          "grant_type": "refresh_token",
                          "refresh_token": credentials["refresh_token"]})
    kept = {k: v for k, v in credentials.items() if k not in fresh}
    return {**kept, **fresh}


class TikTokFlow:
    """Connect-a-channel and token refresh for TikTok (see socialops.connectors.oauth)."""

    network = "tiktok"
    # TikTok's web Login Kit authenticates with the client secret; PKCE is for its
    # desktop and mobile kits, so socialops (a web app) does not send it.
    uses_pkce = False

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        return authorize_url(client.client_id, redirect_uri, state, pkce)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        return exchange_code(http, client, redirect_uri, code, pkce)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        from socialops.connectors.tiktok.connector import TikTokConnector

        return [account_of(TikTokConnector, http, credentials)]

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        if not credentials.get("refresh_token"):
            return None
        return refresh(http, client, credentials)


FLOW = TikTokFlow()
