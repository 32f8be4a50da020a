"""Fixtures for the web interface: two organizations, members and channels."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization, Role
from socialops.core.services import add_member, create_organization
from socialops.governance.models import Channel, Transport
from socialops.governance.services import create_channel

PASSWORD = "blue-heron-lantern-42"
ACTOR = Actor.system("test")


@dataclass
class World:
    """Two organizations; `alice` administers Acme, `oscar` belongs to Other only."""

    acme: Organization
    other: Organization
    alice: Member
    bob: Member
    oscar: Member
    oscar_backup: Member
    acme_channel: Channel
    other_channel: Channel


def make_channel(org: Organization, owner: Member, backup: Member, handle: str, **extra: str) -> (
    Channel
):
    """Create a sandboxed Instagram channel through the service."""
    fields = {
        "network": "instagram", "transport": Transport.SANDBOX,
        "display_name": f"{org.name} {handle}", **extra,
    }
    return create_channel(
        org, ACTOR, handle=handle, owner=owner, backup_owner=backup,
        **fields,  # type: ignore[arg-type]
    )


@pytest.fixture
def world(db: None) -> World:
    acme = create_organization("Acme", ACTOR)
    other = create_organization("Other Corp", ACTOR)
    alice = add_member(acme, "alice@acme.test", Role.ADMIN, ACTOR, password=PASSWORD,
                       full_name="Alice Martin")
    bob = add_member(acme, "bob@acme.test", Role.RESPONDER, ACTOR, full_name="Bob Durand")
    oscar = add_member(other, "oscar@other.test", Role.OWNER, ACTOR, password=PASSWORD)
    oscar_backup = add_member(other, "olga@other.test", Role.MANAGER, ACTOR)
    return World(
        acme=acme, other=other, alice=alice, bob=bob, oscar=oscar, oscar_backup=oscar_backup,
        acme_channel=make_channel(acme, alice, bob, "acme.fr", region="FR",
                                  business_unit="Retail"),
        other_channel=make_channel(other, oscar, oscar_backup, "other.secret"),
    )


@pytest.fixture
def alice_client(client: Client, world: World) -> Client:
    client.force_login(world.alice.user)
    return client
