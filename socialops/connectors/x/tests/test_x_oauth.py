"""Connecting an X account: the exact OAuth 2.0 requests, with X's documented answers."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx

from socialops.connectors.errors import AuthExpiredError, PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.mastodon.oauth import new_pkce
from socialops.connectors.x.oauth import authorize_url, exchange_code, refresh

REDIRECT = "https://socialops.example/channels/connect/x/callback"
TOKENS = {"token_type": "bearer", "expires_in": 7200, "access_token": "bWRjR0V2T",
          "scope": "tweet.read tweet.write users.read offline.access",
          "refresh_token": "Q0hGREtqN"}


def _dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("104.244.42.1", port))]


def _form(request: Any) -> dict[str, list[str]]:
    return parse_qs(request.content.decode())


def test_authorize_url_carries_state_scopes_and_challenge() -> None:
    pkce = new_pkce()
    url = urlsplit(authorize_url("cl1ent", REDIRECT, "st4te", pkce))
    assert (url.netloc, url.path) == ("x.com", "/i/oauth2/authorize")
    query = parse_qs(url.query)
    assert query["code_challenge"] == [pkce.challenge]
    assert query["code_challenge_method"] == ["S256"] and query["state"] == ["st4te"]
    assert "offline.access" in query["scope"][0].split(" ")


def test_a_public_client_exchanges_its_code() -> None:
    pkce = new_pkce()
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        route = api.post("https://api.x.com/2/oauth2/token").respond(200, json=TOKENS)
        credentials = exchange_code(http, "cl1ent", None, REDIRECT, "c0de", pkce)
    request = route.calls.last.request
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in request.headers
    assert _form(request) == {"grant_type": ["authorization_code"], "code": ["c0de"],
                              "redirect_uri": [REDIRECT], "code_verifier": [pkce.verifier],
                              "client_id": ["cl1ent"]}
    assert (credentials["access_token"], credentials["refresh_token"]) == (
        "bWRjR0V2T", "Q0hGREtqN")
    assert credentials["expires_at"]


def test_a_confidential_client_refreshes_with_basic_auth() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        route = api.post("https://api.x.com/2/oauth2/token").respond(
            200, json={**TOKENS, "access_token": "new", "refresh_token": "next"})
        credentials = refresh(http, "cl1ent", "s3cret", "Q0hGREtqN")
    request = route.calls.last.request
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(
        b"cl1ent:s3cret").decode()
    assert _form(request) == {"grant_type": ["refresh_token"], "refresh_token": ["Q0hGREtqN"]}
    assert (credentials["access_token"], credentials["refresh_token"]) == ("new", "next")


def test_a_spent_refresh_token_and_a_revoked_client() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        api.post("https://api.x.com/2/oauth2/token").respond(400, json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid."})
        with pytest.raises(PermanentError, match="token was invalid"):
            refresh(http, "cl1ent", None, "used-once")
        api.post("https://api.x.com/2/oauth2/token").respond(401, json={
            "error": "unauthorized_client", "error_description": "Missing valid authorization"})
        with pytest.raises(AuthExpiredError):
            refresh(http, "cl1ent", "wrong", "Q0hGREtqN")
