"""Count text the way each network does and report limit problems as structured data.

Problems carry an English %-format template plus its parameters, so the Django side can
translate the template with gettext before interpolating.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from socialops.connectors.capabilities import MediaSpec, PlacementSpec

# X (twitter-text v3) and Mastodon count every link as 23 characters, whatever its length.
URL_WEIGHT = 23
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w&#])#(\w+)")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_](?:[\w.-]*\w)?)")

ZWJ = "\u200d"
# twitter-text v3: these code point ranges weigh 1, everything else (CJK, emoji...) weighs 2.
_X_LIGHT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x10FF),
    (0x2000, 0x200D),
    (0x2010, 0x201F),
    (0x2032, 0x2037),
)


@dataclass(frozen=True)
class Problem:
    """Describe one reason a text or media set breaks a placement's limits."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        """Return the English message with its parameters interpolated."""
        return self.message % self.params


def _extends_cluster(char: str, previous: str) -> bool:
    """Return whether `char` belongs to the grapheme cluster that `previous` ended."""
    code = ord(char)
    if previous == ZWJ or char == ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    return (
        0xFE00 <= code <= 0xFE0F  # variation selectors (text/emoji presentation)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag sequences (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF
        or (previous == "\r" and char == "\n")
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def graphemes(text: str) -> Iterator[str]:
    """Yield user-perceived characters, approximately (UAX #29 without the full tables).

    Handles combining marks, ZWJ emoji sequences, skin tones, variation selectors,
    flag pairs and CRLF, which covers what social posts contain in practice.
    """
    cluster = ""
    pending_flag = False
    for char in text:
        if cluster and _extends_cluster(char, cluster[-1]):
            cluster += char
            continue
        if cluster and pending_flag and _is_regional_indicator(char):
            cluster += char
            pending_flag = False
            continue
        if cluster:
            yield cluster
        cluster = char
        pending_flag = _is_regional_indicator(char)
    if cluster:
        yield cluster


def _x_code_point_weight(char: str) -> int:
    code = ord(char)
    return 1 if any(low <= code <= high for low, high in _X_LIGHT_RANGES) else 2


def _x_cluster_weight(cluster: str) -> int:
    # An emoji sequence (several code points, or one outside the light ranges) counts 2.
    if len(cluster) > 1 and any(ord(c) > 0x10FF for c in cluster):
        return 2
    return sum(_x_code_point_weight(c) for c in cluster)


def x_weighted_length(text: str) -> int:
    """Count like X: each URL is 23, CJK and emoji count 2, Latin letters count 1."""
    length = 0
    position = 0
    for match in URL_RE.finditer(text):
        length += sum(_x_cluster_weight(c) for c in graphemes(text[position : match.start()]))
        length += URL_WEIGHT
        position = match.end()
    length += sum(_x_cluster_weight(c) for c in graphemes(text[position:]))
    return length


def text_length(placement: PlacementSpec, text: str) -> int:
    """Return the length of `text` as the placement's network counts it."""
    if placement.text_counting == "x_weighted":
        return x_weighted_length(text)
    if placement.text_counting == "graphemes":
        return sum(1 for _ in graphemes(text))
    return len(text)


def hashtags(text: str) -> list[str]:
    """Return the hashtags in `text`, without '#'."""
    return HASHTAG_RE.findall(text)


def mentions(text: str) -> list[str]:
    """Return the @handles in `text`, without '@' (dotted handles such as a.bsky.social too)."""
    return MENTION_RE.findall(text)


def validate_text(placement: PlacementSpec, text: str) -> list[Problem]:
    """Return the problems of `text` for this placement (empty when it fits)."""
    problems: list[Problem] = []
    length = text_length(placement, text)
    if length > placement.max_text_length:
        problems.append(
            Problem(
                "text_too_long",
                "Text is %(length)d characters; %(placement)s allows %(limit)d.",
                {"length": length, "placement": placement.name, "limit": placement.max_text_length},
            )
        )
    tags = hashtags(text)
    if placement.max_hashtags is not None and len(tags) > placement.max_hashtags:
        problems.append(
            Problem(
                "too_many_hashtags",
                "Text has %(count)d hashtags; %(placement)s allows %(limit)d.",
                {"count": len(tags), "placement": placement.name, "limit": placement.max_hashtags},
            )
        )
    handles = mentions(text)
    if placement.max_mentions is not None and len(handles) > placement.max_mentions:
        problems.append(
            Problem(
                "too_many_mentions",
                "Text mentions %(count)d accounts; %(placement)s allows %(limit)d.",
                {
                    "count": len(handles),
                    "placement": placement.name,
                    "limit": placement.max_mentions,
                },
            )
        )
    return problems


def validate_title(placement: PlacementSpec, title: str | None) -> list[Problem]:
    """Return the problems of a video title for this placement (YouTube-style)."""
    limit = placement.max_title_length
    if limit is None or title is None:
        return []
    length = len(title)
    if length <= limit:
        return []
    return [
        Problem(
            "title_too_long",
            "Title is %(length)d characters; %(placement)s allows %(limit)d.",
            {"length": length, "placement": placement.name, "limit": limit},
        )
    ]


def validate_media(placement: PlacementSpec, files: Sequence[tuple[str, int]]) -> list[Problem]:
    """Return the problems of attaching `files` ((mime, size in bytes) pairs) here."""
    spec: MediaSpec | None = placement.media
    name = placement.name
    if spec is None:
        if files:
            return [
                Problem("media_not_allowed", "%(placement)s takes no media.", {"placement": name})
            ]
        return []
    problems: list[Problem] = []
    if len(files) < spec.min_count:
        problems.append(
            Problem(
                "media_required",
                "%(placement)s needs at least %(limit)d media file(s).",
                {"placement": name, "limit": spec.min_count},
            )
        )
    if len(files) > spec.max_count:
        problems.append(
            Problem(
                "too_many_media",
                "%(count)d media files attached; %(placement)s allows %(limit)d.",
                {"count": len(files), "placement": name, "limit": spec.max_count},
            )
        )
    for mime, size in files:
        if not spec.accepts_mime(mime):
            problems.append(
                Problem(
                    "media_format",
                    "%(mime)s is not accepted by %(placement)s.",
                    {"mime": mime, "placement": name},
                )
            )
        if size > spec.max_bytes:
            problems.append(
                Problem(
                    "media_too_large",
                    "A media file is %(size)d bytes; %(placement)s allows %(limit)d.",
                    {"size": size, "placement": name, "limit": spec.max_bytes},
                )
            )
    return problems
