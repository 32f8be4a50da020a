"""`socialops keys rotate` and the vault page: every credential under a new key, no secret shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from socialops.cli import main
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance import vault
from socialops.governance.keys import key_status, rotate_keys
from socialops.governance.models import Channel, Credential
from socialops.governance.services import credentials_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_file(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.SOCIALOPS_SECRET_KEYS = []
    settings.SOCIALOPS_KEY_FILE = tmp_path / "fernet.keys"
    vault.reset_cache()
    yield settings.SOCIALOPS_KEY_FILE
    vault.reset_cache()


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()]


def test_rotate_puts_every_credential_under_a_new_key_and_retires_the_old(
        key_file: Path, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel], capsys: pytest.CaptureFixture[str]) -> None:
    first, second = make_org("Maison A"), make_org("Maison B")
    channels = [make_channel(first, credentials={"access_token": "alpha"}),
                make_channel(second, credentials={"access_token": "beta"})]
    old_key = _lines(key_file)
    before = list(Credential.objects.order_by("pk").values_list("ciphertext", flat=True))

    code = main(["keys", "rotate"])
    out = capsys.readouterr().out
    assert code == 0
    new_key = _lines(key_file)
    assert len(new_key) == 1 and new_key != old_key
    assert vault.fingerprint(new_key[0]) in out
    after = list(Credential.objects.order_by("pk").values_list("ciphertext", flat=True))
    assert all(b != a for b, a in zip(before, after, strict=True))
    # The new key alone opens every credential; the old one opens none.
    assert [credentials_of(c) for c in channels] == [{"access_token": "alpha"},
                                                    {"access_token": "beta"}]
    old = Fernet(old_key[0].encode())
    for ciphertext in after:
        with pytest.raises(InvalidToken):
            old.decrypt(ciphertext.encode())
    for org in (first, second):
        event = AuditEvent.objects.get(organization=org, action="vault.rotate_key")
        assert event.after["new_key"] == vault.fingerprint(new_key[0])
        assert event.after["retired"] == [vault.fingerprint(old_key[0])]
    # No secret in the output.
    assert "alpha" not in out and new_key[0] not in out


def test_keep_old_leaves_the_old_key_for_decryption(
        key_file: Path, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel]) -> None:
    make_channel(make_org(), credentials={"access_token": "alpha"})
    report = rotate_keys(Actor.system("test"), keep_old=True)
    assert report.retired == []
    assert len(_lines(key_file)) == 2
    status = key_status()
    assert status.on_newest == status.total == 1


def test_another_process_sees_the_new_key_without_a_restart(
        key_file: Path, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel]) -> None:
    channel = make_channel(make_org(), credentials={"access_token": "alpha"})
    # Another process rewrites the key file (new key first, old kept) and re-encrypts;
    # this process, which loaded the old key, must still read the credential.
    newest = Fernet.generate_key().decode()
    key_file.write_text(newest + "\n" + "\n".join(_lines(key_file)) + "\n")
    ciphertext = Fernet(newest.encode()).encrypt(b'{"access_token": "gamma"}').decode()
    Credential.objects.filter(channel=channel).update(ciphertext=ciphertext)
    assert credentials_of(channel) == {"access_token": "gamma"}


def test_rotation_refuses_keys_from_the_environment(settings: Any) -> None:
    settings.SOCIALOPS_SECRET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="SOCIALOPS_SECRET_KEYS"):
        rotate_keys(Actor.system("test"))


def test_the_vault_page_shows_state_never_secrets(
        make_org: Callable[..., Organization], make_member: Callable[..., Member],
        make_channel: Callable[..., Channel]) -> None:
    org = make_org("Maison Vault")
    admin = make_member(org, "admin")
    make_channel(org, handle="maison_vault", credentials={"access_token": "tok-SECRET-123"})
    make_channel(org, handle="maison_empty")
    client = Client()
    client.force_login(make_member(org, "manager").user)
    page = client.get("/channels/vault/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "maison_vault" in body and "maison_empty" in body
    assert "tok-SECRET-123" not in body
    assert admin.display_name in body  # an administrator may manage every credential
    assert vault.fingerprints()[0] in body
    contributor = Client()
    contributor.force_login(make_member(org, "contributor").user)
    assert contributor.get("/channels/vault/").status_code == 403
