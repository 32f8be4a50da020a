"""Write and read LinkedIn's "little" text format (Posts API commentary).

Characters the format reserves must be escaped with a backslash, or LinkedIn cuts
the post at the first one while answering 201. Links and #hashtags are left as they
are so that LinkedIn still links them.
"""

from __future__ import annotations

import re

RESERVED = set("\\|{}@[]()<>#*_~")
_URL = re.compile(r"https?://\S+")
_HASHTAG = re.compile(r"#\w")
_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")


def _escape_words(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        if char in RESERVED and not (char == "#" and _HASHTAG.match(text, index)):
            out.append("\\")
        out.append(char)
    return "".join(out)


def escape(text: str) -> str:
    """Return `text` as little-format commentary that LinkedIn shows unchanged."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        parts.append(_escape_words(text[last:match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_escape_words(text[last:]))
    return "".join(parts)


def unescape(commentary: str) -> str:
    """Return the plain text of little-format commentary (escapes removed)."""
    return _ESCAPED.sub(r"\1", commentary)
