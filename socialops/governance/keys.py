"""Rotate the key that encrypts channel credentials, without downtime; audited.

`rotate_keys` adds a new key first in the key file (every process re-reads it and
encrypts with it from then on, while still decrypting with the old keys),
re-encrypts every credential, checks that the new key alone opens all of them,
then retires the old keys.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Organization
from socialops.governance import vault
from socialops.governance.models import Credential
from socialops.governance.services import reencrypt_all_credentials

# Re-encryption passes before giving up on retiring the old keys: a credential saved
# by a process that had not yet seen the new key is caught by the next pass.
MAX_PASSES = 3


@dataclass
class KeyStatus:
    """Which key encrypts how many credentials (key fingerprints, newest first)."""

    fingerprints: list[str]
    by_key: dict[str, int] = field(default_factory=dict)
    unreadable: int = 0
    from_file: bool = True

    @property
    def total(self) -> int:
        return sum(self.by_key.values()) + self.unreadable

    @property
    def on_newest(self) -> int:
        return self.by_key.get(self.fingerprints[0], 0) if self.fingerprints else 0


@dataclass
class RotationReport:
    new_key: str
    reencrypted: int
    retired: list[str]
    passes: int


def key_status() -> KeyStatus:
    """Count the credentials under each configured key (never reading a secret out)."""
    prints = vault.fingerprints()
    status = KeyStatus(fingerprints=prints, from_file=vault.uses_key_file())
    counts: Counter[str] = Counter()
    stored = Credential.objects.values_list("ciphertext", flat=True).iterator()
    others = (store.ciphertexts() for store in vault.secret_stores())
    for ciphertext in itertools.chain(stored, *others):
        index = vault.key_index(ciphertext)
        if index is None:
            status.unreadable += 1
        else:
            counts[prints[index]] += 1
    status.by_key = {fp: counts.get(fp, 0) for fp in prints}
    return status


def _audit_rotation(actor: Actor, after: dict[str, object]) -> None:
    for organization in Organization.objects.order_by("pk"):
        with transaction.atomic():
            audit.record(organization, actor, "vault.rotate_key", organization, after=after)


def rotate_keys(actor: Actor, *, keep_old: bool = False) -> RotationReport:
    """Encrypt every credential under a new key and (unless ``keep_old``) retire the others."""
    if not vault.uses_key_file():
        raise ImproperlyConfigured(
            "The keys come from SOCIALOPS_SECRET_KEYS: put a new key first in it, restart, run "
            "`socialops keys reencrypt`, then remove the old key (docs/operations.md).")
    new_key = vault.add_key()
    reencrypted, passes = 0, 0
    while passes < MAX_PASSES:
        passes += 1
        reencrypted += reencrypt_all_credentials(actor)
        status = key_status()
        if status.on_newest == status.total and not status.unreadable:
            break
    else:
        raise ImproperlyConfigured(
            "Some credentials are still not under the new key; the old keys are kept. "
            "Run `socialops keys status` and `socialops keys rotate` again.")
    retired = [] if keep_old else vault.retire_old_keys()
    _audit_rotation(actor, {"new_key": new_key, "reencrypted": reencrypted, "retired": retired})
    return RotationReport(new_key=new_key, reencrypted=reencrypted, retired=retired,
                          passes=passes)


def retire_keys(actor: Actor) -> list[str]:
    """Retire every key but the newest, once no credential needs them (audited)."""
    status = key_status()
    if status.on_newest != status.total:
        raise ImproperlyConfigured(
            "Some credentials are still encrypted with an older key: run "
            "`socialops keys reencrypt` first.")
    retired = vault.retire_old_keys()
    if retired:
        _audit_rotation(actor, {"new_key": status.fingerprints[0], "reencrypted": 0,
                                "retired": retired})
    return retired
