"""Connecting a LinkedIn page: the exact OAuth requests and the page picker's query."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import respx

from socialops.connectors.http import HttpClient
from socialops.connectors.linkedin.connector import API_VERSION
from socialops.connectors.linkedin.oauth import (
    administered_pages,
    authorize_url,
    exchange_code,
    refresh,
)

REDIRECT = "https://socialops.example/channels/connect/linkedin/callback"


def _dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("13.107.42.14", port))]


def test_authorize_url() -> None:
    url = urlsplit(authorize_url("86abc", REDIRECT, "st4te"))
    assert (url.netloc, url.path) == ("www.linkedin.com", "/oauth/v2/authorization")
    query = parse_qs(url.query)
    assert query["state"] == ["st4te"] and query["redirect_uri"] == [REDIRECT]
    assert "w_organization_social" in query["scope"][0].split(" ")


def test_code_exchange_refresh_and_page_picker() -> None:
    with respx.mock() as api, HttpClient(resolver=_dns) as http:
        token = api.post("https://www.linkedin.com/oauth/v2/accessToken").respond(200, json={
            "access_token": "AQUvlL_DYEzvT2wz", "expires_in": 5184000,
            "refresh_token": "AQWAft_WjYZKwuWX", "refresh_token_expires_in": 525600,
            "scope": "r_organization_social,rw_organization_admin,w_organization_social"})
        credentials = exchange_code(http, "86abc", "s3cret", REDIRECT, "AQTQmah11")
        assert parse_qs(token.calls.last.request.content.decode()) == {
            "grant_type": ["authorization_code"], "code": ["AQTQmah11"],
            "client_id": ["86abc"], "client_secret": ["s3cret"], "redirect_uri": [REDIRECT]}
        assert (credentials["access_token"], credentials["refresh_token"]) == (
            "AQUvlL_DYEzvT2wz", "AQWAft_WjYZKwuWX")
        refresh(http, "86abc", "s3cret", "AQWAft_WjYZKwuWX")
        assert parse_qs(token.calls.last.request.content.decode())["grant_type"] == [
            "refresh_token"]
        acls = api.get("https://api.linkedin.com/rest/organizationAcls").respond(200, json={
            "elements": [{"roleAssignee": "urn:li:person:8675309", "state": "APPROVED",
                          "role": "ADMINISTRATOR", "organization": "urn:li:organization:2414183"}],
            "paging": {"count": 10, "start": 0}})
        assert administered_pages(http, "AQUvlL_DYEzvT2wz") == ["urn:li:organization:2414183"]
    request = acls.calls.last.request
    assert dict(request.url.params) == {"q": "roleAssignee", "role": "ADMINISTRATOR",
                                        "state": "APPROVED"}
    assert request.headers["LinkedIn-Version"] == API_VERSION
