"""Connecting Facebook Pages and Instagram accounts: the exact OAuth requests and pickers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import respx

from socialops.connectors.facebook import graph
from socialops.connectors.facebook.oauth import FLOW as FACEBOOK
from socialops.connectors.facebook.tests import payloads as p
from socialops.connectors.http import HttpClient
from socialops.connectors.instagram.oauth import FLOW as INSTAGRAM
from socialops.connectors.oauth import OAuthClient, OAuthFlow
from socialops.connectors.registry import oauth_flow

REDIRECT = "https://socialops.example/channels/connect/facebook/callback"
CLIENT = OAuthClient(client_id="1234567890", client_secret="app-s3cret")
TOKEN_URL = f"https://graph.facebook.com/{graph.API_VERSION}/oauth/access_token"
ACCOUNTS_URL = f"https://graph.facebook.com/{graph.API_VERSION}/me/accounts"


def _dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("157.240.22.35", port))]


def test_flows_are_registered() -> None:
    assert oauth_flow("facebook") is FACEBOOK and oauth_flow("instagram") is INSTAGRAM
    assert isinstance(FACEBOOK, OAuthFlow) and isinstance(INSTAGRAM, OAuthFlow)


def test_authorize_url_with_scopes_or_a_login_configuration() -> None:
    url = urlsplit(FACEBOOK.authorize_url(CLIENT, REDIRECT, "st4te", None))
    assert (url.netloc, url.path) == ("www.facebook.com", f"/{graph.API_VERSION}/dialog/oauth")
    query = parse_qs(url.query)
    assert query["client_id"] == ["1234567890"] and query["state"] == ["st4te"]
    assert query["redirect_uri"] == [REDIRECT] and query["response_type"] == ["code"]
    assert "pages_manage_posts" in query["scope"][0].split(",")
    instagram = parse_qs(urlsplit(INSTAGRAM.authorize_url(CLIENT, REDIRECT, "s", None)).query)
    assert "instagram_content_publish" in instagram["scope"][0].split(",")
    business = OAuthClient(client_id="1", client_secret="s", extra={"config_id": "998877"})
    query = parse_qs(urlsplit(FACEBOOK.authorize_url(business, REDIRECT, "s", None)).query)
    assert query["config_id"] == ["998877"] and "scope" not in query


def test_code_is_exchanged_for_a_long_lived_token() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        token = api.get(TOKEN_URL).mock(side_effect=[
            respx.MockResponse(200, json={"access_token": "EAAshort", "token_type": "bearer",
                                          "expires_in": 5183}),
            respx.MockResponse(200, json={"access_token": "EAAlong", "token_type": "bearer",
                                          "expires_in": 5183944}),
        ])
        credentials = FACEBOOK.exchange_code(http, CLIENT, REDIRECT, "AQBx-code", None)
    first, second = (dict(call.request.url.params) for call in token.calls)
    assert first == {"client_id": "1234567890", "client_secret": "app-s3cret",
                     "redirect_uri": REDIRECT, "code": "AQBx-code"}
    assert second == {"grant_type": "fb_exchange_token", "client_id": "1234567890",
                      "client_secret": "app-s3cret", "fb_exchange_token": "EAAshort"}
    assert credentials["access_token"] == "EAAlong" and "expires_at" in credentials
    assert FACEBOOK.refresh(http, CLIENT, {"access_token": "page"}) is None


def test_page_picker_gives_page_tokens_and_greys_out_missing_roles() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        accounts = api.get(ACCOUNTS_URL).respond(200, json={"data": [
            {**p.PAGE, "access_token": "EAApage1", "tasks": ["ANALYZE", "ADVERTISE", "MODERATE",
                                                             "CREATE_CONTENT", "MANAGE"]},
            {"id": "2002", "name": "Arlette Outlet", "access_token": "EAApage2",
             "tasks": ["ANALYZE"]}], "paging": {"cursors": {"before": "a", "after": "b"}}})
        choices = FACEBOOK.accounts(http, CLIENT, {"access_token": "EAAlong"})
    request = accounts.calls.last.request
    assert request.headers["Authorization"] == "Bearer EAAlong"
    assert dict(request.url.params) == {
        "fields": "id,name,username,access_token,followers_count,tasks", "limit": "100",
        "appsecret_proof": graph.appsecret_proof("EAAlong", "app-s3cret")}
    page, outlet = choices
    assert (page.remote_id, page.handle, page.followers, page.unavailable_reason) == (
        p.PAGE_ID, "maisonarlette", 12840, "")
    assert page.credentials == {"access_token": "EAApage1", "page_id": p.PAGE_ID,
                                "appsecret_proof": graph.appsecret_proof("EAApage1",
                                                                         "app-s3cret")}
    assert outlet.unavailable_reason


def test_instagram_picker_lists_linked_professional_accounts() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        accounts = api.get(ACCOUNTS_URL).respond(200, json={"data": [
            {"id": p.PAGE_ID, "name": "Maison Arlette", "access_token": "EAApage1",
             "instagram_business_account": {"id": "17841405822304914",
                                            "username": "maisonarlette",
                                            "name": "Maison Arlette",
                                            "followers_count": 30211}},
            {"id": "2002", "name": "Arlette Outlet", "access_token": "EAApage2"}]})
        linked, bare = INSTAGRAM.accounts(http, CLIENT, {"access_token": "EAAlong"})
    assert "instagram_business_account{" in dict(accounts.calls.last.request.url.params)[
        "fields"]
    assert (linked.remote_id, linked.handle, linked.followers) == (
        "17841405822304914", "maisonarlette", 30211)
    assert linked.credentials["ig_user_id"] == "17841405822304914"
    assert linked.credentials["page_id"] == p.PAGE_ID
    assert bare.unavailable_reason and bare.credentials == {}
