"""The REST API: bearer tokens, organization isolation, JSON errors, OpenAPI 3.1."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.services import create_token, revoke_tokens
from socialops.governance.models import Channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs(make_org: Callable[..., Organization], make_member: Callable[..., Member],
             make_channel: Callable[..., Channel], actor: Actor) -> dict[str, Any]:
    mine, theirs = make_org("Mine"), make_org("Theirs")
    me = make_member(mine, "analyst")
    them = make_member(theirs, "owner")
    my_channels = [make_channel(mine, network=n, credentials={"access_token": f"tok-{n}"})
                   for n in ("instagram", "x", "linkedin")]
    their_channel = make_channel(theirs, network="facebook")
    return {
        "me": me, "them": them, "my_channels": my_channels, "their_channel": their_channel,
        "my_token": create_token(me, actor).raw, "their_token": create_token(them, actor).raw,
    }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_lists_its_organizations_channels_only(client: Client,
                                                     two_orgs: dict[str, Any]) -> None:
    response = client.get("/api/v1/channels", headers=bearer(two_orgs["my_token"]))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {c["id"] for c in body["items"]} == {c.pk for c in two_orgs["my_channels"]}
    first = body["items"][0]
    assert {"network", "handle", "owner", "backup_owner", "status"} <= set(first)
    assert first["owner"]["email"].endswith("@mine.example")
    # Credentials appear nowhere in any answer.
    assert "tok-" not in response.content.decode()
    assert "credential" not in response.content.decode()

    theirs = client.get("/api/v1/channels", headers=bearer(two_orgs["their_token"])).json()
    assert [c["id"] for c in theirs["items"]] == [two_orgs["their_channel"].pk]


def test_other_organizations_ids_are_not_found(client: Client,
                                               two_orgs: dict[str, Any]) -> None:
    their_id = two_orgs["their_channel"].pk
    response = client.get(f"/api/v1/channels/{their_id}", headers=bearer(two_orgs["my_token"]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    their_member = two_orgs["them"].pk
    response = client.get(f"/api/v1/members/{their_member}", headers=bearer(two_orgs["my_token"]))
    assert response.status_code == 404
    mine = two_orgs["my_channels"][0].pk
    assert client.get(f"/api/v1/channels/{mine}", headers=bearer(two_orgs["my_token"])).json()[
        "id"] == mine


def test_revoked_or_unknown_token_gets_401(client: Client, two_orgs: dict[str, Any],
                                           actor: Actor) -> None:
    revoke_tokens(two_orgs["me"], actor)
    for headers in (bearer(two_orgs["my_token"]), bearer("sot_nope"), {}):
        response = client.get("/api/v1/channels", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.json()["message"]


def test_filters_and_bad_parameters(client: Client, two_orgs: dict[str, Any]) -> None:
    token = bearer(two_orgs["my_token"])
    body = client.get("/api/v1/channels?network=x", headers=token).json()
    assert [c["network"] for c in body["items"]] == ["x"]
    response = client.get("/api/v1/channels/not-a-number", headers=token)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_organization_and_members(client: Client, two_orgs: dict[str, Any]) -> None:
    token = bearer(two_orgs["my_token"])
    org = client.get("/api/v1/organization", headers=token).json()
    assert org["name"] == "Mine"
    assert org["channel_count"] == 3
    members = client.get("/api/v1/members", headers=token).json()
    emails = {m["email"] for m in members["items"]}
    assert two_orgs["me"].user.email in emails
    assert two_orgs["them"].user.email not in emails
    assert all("password" not in m for m in members["items"])


def test_session_auth_uses_the_current_organization(client: Client,
                                                    two_orgs: dict[str, Any]) -> None:
    client.force_login(two_orgs["me"].user)
    body = client.get("/api/v1/channels").json()
    assert body["count"] == 3


def test_openapi_document_is_3_1(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/channels" in spec["paths"]
    assert "/api/v1/channels/{channel_id}" in spec["paths"]
