"""Key rotation re-encrypts single sign-on client secrets with the channel credentials."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Organization
from socialops.governance import vault
from socialops.governance.keys import key_status, rotate_keys
from socialops.sso import services
from socialops.sso.models import SsoConfiguration

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def key_file(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.SOCIALOPS_SECRET_KEYS = []
    settings.SOCIALOPS_KEY_FILE = tmp_path / "fernet.keys"
    vault.reset_cache()
    yield settings.SOCIALOPS_KEY_FILE
    vault.reset_cache()


def test_rotation_keeps_the_client_secret_readable_under_the_new_key_only(
        key_file: Path, acme: Organization, actor: Actor) -> None:
    config = services.save_configuration(acme, services.ConfigurationInput(
        issuer="https://login.acme.example", client_id="socialops", client_secret="rotate-me",
        allowed_domains="acme.test", default_role="contributor", required=False, enabled=True,
    ), actor)
    old_key = key_file.read_text().split()[0]
    assert key_status().total == 1

    report = rotate_keys(Actor.system("test"))

    config = SsoConfiguration.objects.get(pk=config.pk)
    assert report.reencrypted == 1 and report.retired
    assert services.client_secret(config) == "rotate-me"
    with pytest.raises(InvalidToken):
        Fernet(old_key.encode()).decrypt(config.secret_ciphertext.encode())
    status = key_status()
    assert status.on_newest == status.total == 1
    assert AuditEvent.objects.filter(organization=acme, action="sso.reencrypt").count() == 1
