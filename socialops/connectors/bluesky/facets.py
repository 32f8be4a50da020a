"""Rich-text facets: the byte ranges that make links and @mentions live on Bluesky."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# A handle is a domain name; trailing punctuation is not part of it.
_MENTION = re.compile(rb"(?:^|[\s(])(@([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                      rb"[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)")
_URL = re.compile(rb"(?:^|[\s(])(https?://[^\s)\]]+[^\s)\].,;:!?\"'])")


def build_facets(text: str, resolve_handle: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """Return facets for the links and resolvable @mentions of ``text`` (UTF-8 offsets)."""
    data = text.encode("utf-8")
    facets: list[dict[str, Any]] = []
    for match in _MENTION.finditer(data):
        handle = match.group(1)[1:].decode("utf-8")
        did = resolve_handle(handle)
        if did is None:
            continue  # an unknown handle stays plain text, as in the official app
        facets.append({
            "index": {"byteStart": match.start(1), "byteEnd": match.end(1)},
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
        })
    for match in _URL.finditer(data):
        facets.append({
            "index": {"byteStart": match.start(1), "byteEnd": match.end(1)},
            "features": [{"$type": "app.bsky.richtext.facet#link",
                          "uri": match.group(1).decode("utf-8")}],
        })
    return facets
