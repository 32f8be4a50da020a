"""Connecting a TikTok account: the exact OAuth v2 requests, with TikTok's documented answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx

from socialops.connectors.errors import AuthExpiredError, PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import OAuthClient, OAuthFlow, new_pkce
from socialops.connectors.registry import oauth_flow
from socialops.connectors.tiktok.oauth import FLOW
from socialops.connectors.tiktok.tests import payloads as p

REDIRECT = "https://socialops.example/channels/connect/callback/"
CLIENT = OAuthClient(client_id="awx1c2l3i4e5n6t7", client_secret="s3cret")
TOKEN_URL = "https://open.tiktokapis.com/v2/oauth/token/"


def _dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("23.52.40.10", port))]


def _form(request: Any) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


def test_the_flow_is_registered() -> None:
    assert oauth_flow("tiktok") is FLOW and isinstance(FLOW, OAuthFlow)


def test_authorize_url_names_the_client_key_and_scopes() -> None:
    url = urlsplit(FLOW.authorize_url(CLIENT, REDIRECT, "st4te", None))
    assert (url.netloc, url.path) == ("www.tiktok.com", "/v2/auth/authorize/")
    assert parse_qs(url.query) == {
        "client_key": ["awx1c2l3i4e5n6t7"], "response_type": ["code"],
        "scope": ["user.info.basic,user.info.profile,user.info.stats,video.publish,video.list"],
        "redirect_uri": [REDIRECT], "state": ["st4te"]}
    pkce = new_pkce()
    with_pkce = parse_qs(urlsplit(FLOW.authorize_url(CLIENT, REDIRECT, "s", pkce)).query)
    assert with_pkce["code_challenge"] == [pkce.challenge]


def test_code_exchange_and_the_account_picker() -> None:
    with respx.mock(assert_all_called=False) as api, HttpClient(resolver=_dns) as http:
        token = api.post(TOKEN_URL).respond(200, json=p.TOKENS)
        api.get("https://open.tiktokapis.com/v2/user/info/").respond(200, json=p.USER)
        credentials = FLOW.exchange_code(http, CLIENT, REDIRECT, "c0de*!", None)
        [choice] = FLOW.accounts(http, CLIENT, credentials)
    request = token.calls.last.request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert _form(request) == {"client_key": ["awx1c2l3i4e5n6t7"], "client_secret": ["s3cret"],
                              "code": ["c0de*!"], "grant_type": ["authorization_code"],
                              "redirect_uri": [REDIRECT]}
    assert credentials["access_token"] == p.TOKENS["access_token"]
    assert credentials["refresh_token"] == p.TOKENS["refresh_token"]
    assert credentials["open_id"] == p.OPEN_ID and credentials["expires_at"]
    assert (choice.remote_id, choice.handle, choice.followers) == (
        p.OPEN_ID, "maisonarlette", 76021)


def test_refresh_stores_the_new_pair_and_keeps_posting_options() -> None:
    held = {"access_token": "old", "refresh_token": "rft.old", "expires_at": "x",
            "privacy_level": "PUBLIC_TO_EVERYONE"}
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        token = api.post(TOKEN_URL).respond(200, json={**p.TOKENS, "access_token": "act.new",
                                                       "refresh_token": "rft.new"})
        fresh = FLOW.refresh(http, CLIENT, held)
    assert _form(token.calls.last.request) == {
        "client_key": ["awx1c2l3i4e5n6t7"], "client_secret": ["s3cret"],
        "grant_type": ["refresh_token"], "refresh_token": ["rft.old"]}
    assert fresh is not None
    assert (fresh["access_token"], fresh["refresh_token"], fresh["privacy_level"]) == (
        "act.new", "rft.new", "PUBLIC_TO_EVERYONE")
    assert FLOW.refresh(http, CLIENT, {"access_token": "a"}) is None


def test_a_revoked_refresh_token_needs_reconnecting() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        api.post(TOKEN_URL).respond(200, json={
            "error": "invalid_grant", "error_description": "Refresh token is invalid or expired.",
            "log_id": "202611220915000A1B"})
        with pytest.raises(AuthExpiredError, match="invalid_grant"):
            FLOW.refresh(http, CLIENT, {"access_token": "a", "refresh_token": "rft.dead"})


def test_a_refused_code_with_an_http_error_status() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        api.post(TOKEN_URL).respond(400, json={
            "error": "invalid_request", "error_description": "Code verifier or code is invalid.",
            "log_id": "202611220915000A1C"})
        with pytest.raises(PermanentError, match="Code verifier"):
            FLOW.exchange_code(http, CLIENT, REDIRECT, "stale", None)
