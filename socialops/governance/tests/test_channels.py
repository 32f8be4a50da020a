"""Channels: owners and backups, encrypted credentials that never leak."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance import vault
from socialops.governance.models import Channel, Credential
from socialops.governance.services import (
    create_channel,
    credentials_of,
    reencrypt_all_credentials,
    set_credentials,
    update_channel,
)

pytestmark = pytest.mark.django_db


def test_channel_needs_distinct_active_owners_of_the_org(
    make_org: Callable[..., Organization], make_member: Callable[..., Member], actor: Actor
) -> None:
    org, other = make_org(), make_org()
    owner, backup = make_member(org, "manager"), make_member(org, "publisher")
    outsider = make_member(other, "manager")
    fields: dict[str, Any] = {"network": "instagram", "handle": "brand", "display_name": "B"}
    with pytest.raises(ValidationError, match="someone other"):
        create_channel(org, actor, owner=owner, backup_owner=owner, **fields)
    with pytest.raises(ValidationError, match="active members"):
        create_channel(org, actor, owner=owner, backup_owner=outsider, **fields)
    with pytest.raises(ValidationError, match="Unknown network"):
        create_channel(org, actor, owner=owner, backup_owner=backup,
                       **{**fields, "network": "myspace"})
    channel = create_channel(org, actor, owner=owner, backup_owner=backup, **fields)
    assert channel.organization == org
    with pytest.raises(ValidationError, match="already has"):
        create_channel(org, actor, owner=owner, backup_owner=backup, **fields)


def test_database_refuses_owner_as_backup(make_channel: Callable[..., Channel],
                                          make_org: Callable[..., Organization]) -> None:
    channel = make_channel(make_org())
    with pytest.raises(IntegrityError):
        Channel.objects.filter(pk=channel.pk).update(backup_owner=channel.owner)


def test_update_channel_is_audited_with_before_and_after(
    make_channel: Callable[..., Channel], make_org: Callable[..., Organization], actor: Actor
) -> None:
    org = make_org()
    channel = make_channel(org, region="France")
    update_channel(channel, actor, region="Belgique", status="disconnected")
    event = AuditEvent.objects.filter(organization=org, action="channel.update").get()
    assert event.before["region"] == "France"
    assert event.after["region"] == "Belgique"
    assert event.after["status"] == "disconnected"
    with pytest.raises(ValidationError):
        update_channel(channel, actor, organization=make_org())


def test_credentials_are_encrypted_and_never_audited(
    make_channel: Callable[..., Channel], make_org: Callable[..., Organization], actor: Actor
) -> None:
    org = make_org()
    channel = make_channel(org, credentials={"access_token": "s3cr3t-token-value"})
    stored = Credential.objects.get(channel=channel)
    assert "s3cr3t-token-value" not in stored.ciphertext
    assert "s3cr3t" not in repr(stored) and "s3cr3t" not in str(stored)
    assert credentials_of(channel) == {"access_token": "s3cr3t-token-value"}
    for event in AuditEvent.objects.filter(organization=org):
        assert "s3cr3t" not in f"{event.before} {event.after} {event.target_label}"
    set_credentials(channel, {"access_token": "n3w"}, actor)
    assert credentials_of(channel) == {"access_token": "n3w"}


def test_key_rotation_keeps_credentials_readable(
    make_channel: Callable[..., Channel], make_org: Callable[..., Organization],
    settings: Any, actor: Actor,
) -> None:
    old_key = Fernet.generate_key().decode()
    settings.SOCIALOPS_SECRET_KEYS = [old_key]
    vault.reset_cache()
    channel = make_channel(make_org(), credentials={"access_token": "abc"})
    before = Credential.objects.get(channel=channel).ciphertext

    settings.SOCIALOPS_SECRET_KEYS = [Fernet.generate_key().decode(), old_key]
    vault.reset_cache()
    assert credentials_of(channel) == {"access_token": "abc"}
    assert reencrypt_all_credentials(actor) == 1
    after = Credential.objects.get(channel=channel).ciphertext
    assert after != before

    settings.SOCIALOPS_SECRET_KEYS = settings.SOCIALOPS_SECRET_KEYS[:1]
    vault.reset_cache()
    assert credentials_of(channel) == {"access_token": "abc"}
    vault.reset_cache()
