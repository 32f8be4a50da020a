"""Encrypt channel credentials at rest with MultiFernet (key rotation built in).

Keys come from SOCIALOPS_SECRET_KEYS (comma-separated, newest first) or, on the
embedded default, from a key file created in the data directory on first use.
"""

from __future__ import annotations

import json
import threading
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_lock = threading.Lock()


def _keys_from_file() -> list[str]:
    path = settings.SOCIALOPS_KEY_FILE
    with _lock:
        if not path.exists():
            path.write_text(Fernet.generate_key().decode() + "\n", encoding="utf-8")
            path.chmod(0o600)
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.SOCIALOPS_SECRET_KEYS) or _keys_from_file()
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "SOCIALOPS_SECRET_KEYS (or the key file) holds a value that is not a Fernet key: "
            "generate one with `socialops manage generate_secret_key`."
        ) from exc


def reset_cache() -> None:
    """Forget the loaded keys (after the configuration changed)."""
    _fernet.cache_clear()


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
