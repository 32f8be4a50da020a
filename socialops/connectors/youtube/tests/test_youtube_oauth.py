"""Connecting a YouTube channel: the exact Google OAuth 2.0 requests and documented answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx

from socialops.connectors.errors import AuthExpiredError
from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import OAuthClient, OAuthFlow, new_pkce
from socialops.connectors.registry import oauth_flow
from socialops.connectors.youtube.oauth import FLOW
from socialops.connectors.youtube.tests import payloads as p

REDIRECT = "https://socialops.example/channels/connect/callback/"
CLIENT = OAuthClient(client_id="1234-abc.apps.googleusercontent.com", client_secret="s3cret")
TOKEN_URL = "https://oauth2.googleapis.com/token"


def _dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("142.250.74.106", port))]


def _form(request: Any) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


def test_the_flow_is_registered() -> None:
    assert oauth_flow("youtube") is FLOW and isinstance(FLOW, OAuthFlow) and FLOW.uses_pkce


def test_authorize_url_asks_for_offline_access_with_pkce() -> None:
    pkce = new_pkce()
    url = urlsplit(FLOW.authorize_url(CLIENT, REDIRECT, "st4te", pkce))
    assert (url.netloc, url.path) == ("accounts.google.com", "/o/oauth2/v2/auth")
    assert parse_qs(url.query) == {
        "client_id": [CLIENT.client_id], "redirect_uri": [REDIRECT], "response_type": ["code"],
        "scope": ["https://www.googleapis.com/auth/youtube.upload "
                  "https://www.googleapis.com/auth/youtube.force-ssl"],
        "state": ["st4te"], "access_type": ["offline"], "prompt": ["consent"],
        "include_granted_scopes": ["true"], "code_challenge": [pkce.challenge],
        "code_challenge_method": ["S256"]}


def test_code_exchange_and_the_channel_picker() -> None:
    pkce = new_pkce()
    with respx.mock(assert_all_called=False) as api, HttpClient(resolver=_dns) as http:
        token = api.post(TOKEN_URL).respond(200, json=p.TOKENS)
        api.get("https://www.googleapis.com/youtube/v3/channels").respond(200, json=p.CHANNELS)
        credentials = FLOW.exchange_code(http, CLIENT, REDIRECT, "4/0Ab", pkce)
        [choice] = FLOW.accounts(http, CLIENT, credentials)
    assert _form(token.calls.last.request) == {
        "code": ["4/0Ab"], "client_id": [CLIENT.client_id], "client_secret": ["s3cret"],
        "redirect_uri": [REDIRECT], "grant_type": ["authorization_code"],
        "code_verifier": [pkce.verifier]}
    assert (credentials["access_token"], credentials["refresh_token"]) == (
        "ya29.a0AfB_byC7", "1//04dXn5Yq0")
    assert (choice.remote_id, choice.handle, choice.followers) == (
        p.CHANNEL_ID, "maisonarlettetv", 23040)


def test_refresh_keeps_the_refresh_token_google_does_not_resend() -> None:
    held = {"access_token": "old", "refresh_token": "1//04dXn5Yq0", "expires_at": "x",
            "privacy_status": "unlisted"}
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        token = api.post(TOKEN_URL).respond(200, json={
            "access_token": "ya29.new", "expires_in": 3599, "token_type": "Bearer",
            "scope": p.TOKENS["scope"]})
        fresh = FLOW.refresh(http, CLIENT, held)
    assert _form(token.calls.last.request) == {
        "client_id": [CLIENT.client_id], "client_secret": ["s3cret"],
        "grant_type": ["refresh_token"], "refresh_token": ["1//04dXn5Yq0"]}
    assert fresh is not None
    assert (fresh["access_token"], fresh["refresh_token"], fresh["privacy_status"]) == (
        "ya29.new", "1//04dXn5Yq0", "unlisted")
    assert fresh["expires_at"] != "x"


def test_a_revoked_grant_needs_reconnecting() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        api.post(TOKEN_URL).respond(400, json={"error": "invalid_grant",
                                               "error_description": "Token has been expired "
                                               "or revoked."})
        with pytest.raises(AuthExpiredError, match="revoked"):
            FLOW.refresh(http, CLIENT, {"access_token": "a", "refresh_token": "dead"})
