"""Deterministic record keys: the same idempotency key always names the same post.

Bluesky posts live at `at://<did>/app.bsky.feed.post/<rkey>` and `createRecord`
accepts a client-chosen rkey in TID form. Deriving it from the publication's
idempotency key makes a retried publish hit the same record instead of posting twice.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as TIDs use
# Keep the TID's timestamp in a plausible past range: some servers refuse TIDs
# far in the future.
_EPOCH_US = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
_SPAN_US = 2 * 365 * 24 * 3600 * 1_000_000


def tid_for(idempotency_key: str) -> str:
    """Return the 13-character TID that stands for this idempotency key."""
    digest = int.from_bytes(hashlib.sha256(idempotency_key.encode("utf-8")).digest()[:8], "big")
    timestamp = _EPOCH_US + digest % _SPAN_US
    clock_id = (digest >> 53) & 0x3FF
    value = (timestamp << 10) | clock_id  # top bit stays 0, as the TID spec requires
    chars = []
    for _ in range(13):
        chars.append(_ALPHABET[value & 0x1F])
        value >>= 5
    return "".join(reversed(chars))
