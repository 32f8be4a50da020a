"""Connect a LinkedIn page: the 3-legged OAuth code flow and the page picker.

LinkedIn's member tokens last 60 days; apps LinkedIn approved for refresh tokens get
one valid for a year. `administered_pages` lists the organization pages the member
administers, for the administrator to pick the one the channel publishes as.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from socialops.connectors.http import HttpClient
from socialops.connectors.linkedin.connector import API, API_VERSION
from socialops.connectors.oauth import AccountChoice, OAuthClient, Pkce, account_of

AUTHORIZE = "https://www.linkedin.com/oauth/v2/authorization"
EXCHANGE = "https://www.linkedin.com/oauth/v2/accessToken"
SCOPES = ("w_organization_social", "r_organization_social", "rw_organization_admin")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def authorize_url(client_id: str, redirect_uri: str, state: str,
                  scopes: tuple[str, ...] = SCOPES) -> str:
    """Return LinkedIn's page where the member approves socialops."""
    return AUTHORIZE + "?" + urlencode({"response_type": "code", "client_id": client_id,
                                        "redirect_uri": redirect_uri, "state": state,
                                        "scope": " ".join(scopes)})


def _credentials(data: dict[str, Any]) -> dict[str, str]:
    expires = datetime.now(UTC) + timedelta(seconds=int(data.get("expires_in") or 0))
    credentials = {"access_token": str(data["access_token"]),
                   "expires_at": expires.isoformat(timespec="seconds")}
    if data.get("refresh_token"):
        credentials["refresh_token"] = str(data["refresh_token"])
    return credentials


def _token(http: HttpClient, fields: dict[str, str]) -> dict[str, str]:
    response = http.post(EXCHANGE, content=urlencode(fields).encode(), headers=FORM,
                         retry_safe=False)
    return _credentials(response.json())


def exchange_code(http: HttpClient, client_id: str, client_secret: str, redirect_uri: str,
                  code: str) -> dict[str, str]:
    """Trade the authorization code for a member token."""
    return _token(http, {"grant_type": "authorization_code", "code": code,
                         "client_id": client_id, "client_secret": client_secret,
                         "redirect_uri": redirect_uri})


def refresh(http: HttpClient, client_id: str, client_secret: str,
            refresh_token: str) -> dict[str, str]:
    """Return new credentials for a refresh token (apps LinkedIn enabled for it)."""
    return _token(http, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                         "client_id": client_id, "client_secret": client_secret})


def administered_pages(http: HttpClient, access_token: str) -> list[str]:
    """Return the URNs of the organization pages the token's member administers."""
    response = http.get(f"{API}/rest/organizationAcls", params={
        "q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"}, headers={
        "Authorization": f"Bearer {access_token}", "LinkedIn-Version": API_VERSION,
        "X-Restli-Protocol-Version": "2.0.0"})
    return [str(acl["organization"]) for acl in response.json().get("elements") or []]


class LinkedInFlow:
    """Connect-a-channel (page picker) and token refresh for LinkedIn pages."""

    network = "linkedin"
    uses_pkce = False

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        return authorize_url(client.client_id, redirect_uri, state)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        return exchange_code(http, client.client_id, client.client_secret, redirect_uri, code)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        from socialops.connectors.linkedin.connector import LinkedInConnector

        return [account_of(LinkedInConnector, http, {**credentials, "organization": urn})
                for urn in administered_pages(http, credentials["access_token"])]

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        if not credentials.get("refresh_token"):
            return None  # apps LinkedIn has not enabled for refresh tokens reconnect every 60 days
        return refresh(http, client.client_id, client.client_secret,
                       credentials["refresh_token"])


FLOW = LinkedInFlow()
