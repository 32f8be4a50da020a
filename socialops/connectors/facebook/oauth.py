"""Connect a Facebook Page: Facebook Login for Business, then the Page picker.

1. The administrator approves socialops in Meta's login dialog (with the app's Facebook
   Login for Business configuration, `config_id`, when the operator set one; otherwise
   with the classic `scope` list).
2. The code is traded for a user token, which is exchanged for a long-lived one
   (about 60 days): Page tokens obtained from a long-lived user token do not expire
   (developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
3. `/me/accounts` lists the Pages the person manages, each with its Page token: the
   credentials stored on the channel. Instagram's flow reuses these steps.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from socialops.connectors.errors import PermanentError
from socialops.connectors.facebook.graph import (
    API_VERSION,
    GRAPH,
    Graph,
    appsecret_proof,
    as_object,
)
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import AccountChoice, OAuthClient, Pkce, token_credentials

DIALOG = f"https://www.facebook.com/{API_VERSION}/dialog/oauth"
TOKEN = f"{GRAPH}/{API_VERSION}/oauth/access_token"
SCOPES = ("pages_show_list", "pages_manage_posts", "pages_read_engagement",
          "pages_manage_engagement", "pages_read_user_content", "pages_manage_metadata",
          "pages_messaging", "read_insights", "business_management")
PAGE_FIELDS = "id,name,username,access_token,followers_count,tasks"
# Page tasks (Page roles) needed to publish and to moderate comments.
NEEDED_TASKS = frozenset({"CREATE_CONTENT", "MODERATE"})


def authorize_url(client: OAuthClient, redirect_uri: str, state: str,
                  scopes: tuple[str, ...]) -> str:
    """Return Meta's login dialog where the administrator approves socialops."""
    query = {"client_id": client.client_id, "redirect_uri": redirect_uri, "state": state,
             "response_type": "code"}
    if client.extra.get("config_id"):
        query["config_id"] = client.extra["config_id"]
    else:
        query["scope"] = ",".join(scopes)
    return f"{DIALOG}?{urlencode(query)}"


def _token(http: HttpClient, params: dict[str, str]) -> dict[str, Any]:
    # A code works once: a lost answer is not retried.
    data = as_object(http.request("GET", TOKEN, params=params, retry_safe=False))
    if "access_token" not in data:
        raise PermanentError("Meta answered without an access token", code="oauth")
    return data


def exchange_code(http: HttpClient, client: OAuthClient, redirect_uri: str,
                  code: str) -> dict[str, str]:
    """Trade the code for a long-lived user token (about 60 days)."""
    short = _token(http, {"client_id": client.client_id, "client_secret": client.client_secret,
                          "redirect_uri": redirect_uri, "code": code})
    long_lived = _token(http, {"grant_type": "fb_exchange_token",
                               "client_id": client.client_id,
                               "client_secret": client.client_secret,
                               "fb_exchange_token": str(short["access_token"])})
    return token_credentials(long_lived)


def user_graph(http: HttpClient, client: OAuthClient, credentials: dict[str, str]) -> Graph:
    """Return a Graph client acting with the person's (user) token."""
    token = credentials["access_token"]
    proof = appsecret_proof(token, client.client_secret) if client.client_secret else ""
    return Graph(http, token, proof=proof)


def managed_pages(http: HttpClient, client: OAuthClient, credentials: dict[str, str],
                  fields: str = PAGE_FIELDS) -> list[dict[str, Any]]:
    """Return the Pages the person manages, with their Page tokens (`/me/accounts`)."""
    return list(user_graph(http, client, credentials).edge(
        "me/accounts", {"fields": fields, "limit": 100}, max_pages=10))


def page_credentials(client: OAuthClient, page: dict[str, Any]) -> dict[str, str]:
    """Return what a channel stores for one Page: its token, id and appsecret_proof."""
    token = str(page["access_token"])
    credentials = {"access_token": token, "page_id": str(page["id"])}
    if client.client_secret:
        credentials["appsecret_proof"] = appsecret_proof(token, client.client_secret)
    return credentials


class FacebookFlow:
    """Connect-a-channel (Page picker) for Facebook Pages (see socialops.connectors.oauth)."""

    network = "facebook"
    uses_pkce = False

    def authorize_url(self, client: OAuthClient, redirect_uri: str, state: str,
                      pkce: Pkce | None) -> str:
        return authorize_url(client, redirect_uri, state, SCOPES)

    def exchange_code(self, http: HttpClient, client: OAuthClient, redirect_uri: str, code: str,
                      pkce: Pkce | None) -> dict[str, str]:
        return exchange_code(http, client, redirect_uri, code)

    def accounts(self, http: HttpClient, client: OAuthClient,
                 credentials: dict[str, str]) -> list[AccountChoice]:
        choices = []
        for page in managed_pages(http, client, credentials):
            missing = NEEDED_TASKS - set(page.get("tasks") or NEEDED_TASKS)
            choices.append(AccountChoice(
                remote_id=str(page["id"]), handle=str(page.get("username") or page["id"]),
                display_name=str(page.get("name") or page["id"]),
                credentials=page_credentials(client, page),
                followers=page.get("followers_count"),
                unavailable_reason=_("Your role on this Page does not allow publishing and "
                                     "moderating comments.") if missing else ""))
        return choices

    def refresh(self, http: HttpClient, client: OAuthClient,
                credentials: dict[str, str]) -> dict[str, str] | None:
        # A Page token obtained from a long-lived user token has no expiry: nothing to do.
        return None


FLOW = FacebookFlow()
