"""Encrypt channel credentials at rest with MultiFernet (key rotation built in).

Keys come from SOCIALOPS_SECRET_KEYS (comma-separated, newest first) or, on the
embedded default, from a key file created in the data directory on first use.
The newest key encrypts; every key listed decrypts. Each process re-reads the key
file when it changes, so `socialops keys rotate` needs no restart (see
docs/operations.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_lock = threading.RLock()
_cache: dict[str, object] = {}


@dataclass(frozen=True)
class SecretStore:
    """Vault ciphertexts kept outside channel credentials (e.g. single sign-on secrets).

    Key rotation counts them and re-encrypts them with the credentials, so that retiring
    an old key never leaves one unreadable.
    """

    name: str
    ciphertexts: Callable[[], Iterable[str]]
    reencrypt: Callable[[Any], int]  # (actor) -> how many were re-encrypted


_stores: dict[str, SecretStore] = {}


def register_secret_store(store: SecretStore) -> None:
    """Let key rotation find another table's ciphertexts (call from AppConfig.ready)."""
    _stores[store.name] = store


def secret_stores() -> list[SecretStore]:
    """Return the registered stores besides channel credentials."""
    return list(_stores.values())


def uses_key_file() -> bool:
    """Return whether the keys live in the data directory's key file (not the environment)."""
    return not settings.SOCIALOPS_SECRET_KEYS


def _keys_from_file() -> list[str]:
    path = settings.SOCIALOPS_KEY_FILE
    with _lock:
        if not path.exists():
            path.write_text(Fernet.generate_key().decode() + "\n", encoding="utf-8")
            path.chmod(0o600)
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _stamp() -> tuple[object, ...]:
    if not uses_key_file():
        return ("env", tuple(settings.SOCIALOPS_SECRET_KEYS))
    path = settings.SOCIALOPS_KEY_FILE
    try:
        info = path.stat()
    except FileNotFoundError:
        return ("file", str(path), 0, 0)
    return ("file", str(path), info.st_mtime_ns, info.st_size)


def keys() -> list[str]:
    """Return the configured keys, newest first."""
    return list(settings.SOCIALOPS_SECRET_KEYS) if not uses_key_file() else _keys_from_file()


def _fernets() -> list[Fernet]:
    try:
        return [Fernet(key.encode()) for key in keys()]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "SOCIALOPS_SECRET_KEYS (or the key file) holds a value that is not a Fernet key: "
            "generate one with `socialops manage generate_secret_key`."
        ) from exc


def _fernet() -> MultiFernet:
    stamp = _stamp()
    if _cache.get("stamp") != stamp or "fernet" not in _cache:
        fernets = _fernets()
        _cache.update(stamp=_stamp(), fernet=MultiFernet(fernets), single=fernets)
    fernet = _cache["fernet"]
    assert isinstance(fernet, MultiFernet)
    return fernet


def reset_cache() -> None:
    """Forget the loaded keys (after the configuration changed)."""
    _cache.clear()


def fingerprint(key: str) -> str:
    """Return a short, non-secret name for a key (the first 12 hex digits of its SHA-256)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def fingerprints() -> list[str]:
    """Return the fingerprints of the configured keys, newest first."""
    return [fingerprint(key) for key in keys()]


def encrypt(secrets: dict[str, str]) -> str:
    """Return the ciphertext of a credential mapping, with the newest key."""
    return _fernet().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def decrypt(ciphertext: str) -> dict[str, str]:
    """Return the credential mapping; raise ImproperlyConfigured if no key opens it."""
    try:
        data = _fernet().decrypt(ciphertext.encode())
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A channel credential cannot be decrypted with the configured keys."
        ) from exc
    value = json.loads(data)
    return {str(k): str(v) for k, v in value.items()}


def rotate(ciphertext: str) -> str:
    """Re-encrypt a ciphertext with the newest key."""
    return _fernet().rotate(ciphertext.encode()).decode()


def key_index(ciphertext: str) -> int | None:
    """Return which configured key (0 = newest) opens a ciphertext, or None."""
    _fernet()
    single = _cache["single"]
    assert isinstance(single, list)
    for index, fernet in enumerate(single):
        try:
            fernet.decrypt(ciphertext.encode())
        except InvalidToken:
            continue
        return index
    return None


def _write_keys(new_keys: list[str]) -> None:
    path = settings.SOCIALOPS_KEY_FILE
    temporary = path.with_name(path.name + ".new")
    # Written aside then renamed: a process reading the file sees the old or the new
    # list, never half of one.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(new_keys) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    reset_cache()


def add_key() -> str:
    """Put a new key first in the key file (it encrypts from now on); return its fingerprint."""
    if not uses_key_file():
        raise ImproperlyConfigured(
            "The keys come from SOCIALOPS_SECRET_KEYS: put a new key first in that variable.")
    with _lock:
        new = Fernet.generate_key().decode()
        _write_keys([new, *_keys_from_file()])
    return fingerprint(new)


def retire_old_keys() -> list[str]:
    """Keep only the newest key in the key file; return the fingerprints retired."""
    if not uses_key_file():
        raise ImproperlyConfigured(
            "The keys come from SOCIALOPS_SECRET_KEYS: remove the old keys from that variable.")
    with _lock:
        current = _keys_from_file()
        _write_keys(current[:1])
    return [fingerprint(key) for key in current[1:]]
