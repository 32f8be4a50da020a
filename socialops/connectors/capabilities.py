"""Declare what a network supports, as plain frozen data (limits, media, rate limits)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

PlacementName = Literal["feed", "story", "reel", "short", "thread", "comment", "dm"]
TextCounting = Literal["chars", "graphemes", "x_weighted"]
MediaKind = Literal["image", "video"]
RateScope = Literal["account", "app"]

PLACEMENT_NAMES: tuple[PlacementName, ...] = (
    "feed",
    "story",
    "reel",
    "short",
    "thread",
    "comment",
    "dm",
)


class Feature(enum.StrEnum):
    """Name an optional operation a connector implements."""

    PUBLISH = "publish"
    DELETE = "delete"
    REPLY = "reply"
    COMMENTS = "comments"
    MENTIONS = "mentions"
    DMS = "dms"
    METRICS = "metrics"
    SEARCH = "search"
    # Hide (and unhide) a comment on the network without deleting it; the connector then
    # implements `base.Hider`.
    HIDE = "hide"


IMAGE_FORMATS: tuple[str, ...] = ("image/jpeg", "image/png")
VIDEO_FORMATS: tuple[str, ...] = ("video/mp4", "video/quicktime")


@dataclass(frozen=True)
class MediaSpec:
    """Describe the media a placement accepts.

    Aspect ratios are width / height (1.91 is landscape, 0.5625 is 9:16 portrait).
    """

    kinds: frozenset[MediaKind]
    max_count: int
    formats: tuple[str, ...]
    aspect_ratio: tuple[float, float]
    preferred_size: tuple[int, int]
    max_bytes: int
    max_duration_s: float | None = None
    # Some placements cannot be text-only (an Instagram post, a TikTok, a YouTube video).
    min_count: int = 0

    def accepts_mime(self, mime: str) -> bool:
        """Return whether a file of this MIME type may be attached."""
        return mime.lower() in self.formats


@dataclass(frozen=True)
class PlacementSpec:
    """Describe one way of publishing on a network (feed post, story, reel, ...)."""

    name: PlacementName
    max_text_length: int
    text_counting: TextCounting = "chars"
    max_hashtags: int | None = None
    max_mentions: int | None = None
    media: MediaSpec | None = None
    first_comment: bool = False
    # Video networks carry a separate title (YouTube) and a thumbnail image.
    max_title_length: int | None = None
    thumbnail: MediaSpec | None = None


@dataclass(frozen=True)
class RateLimit:
    """Describe one documented quota: `limit` calls per `window_seconds`.

    `publish_cost` is how much of the quota one publication uses (0: publishing does not
    count against it); the dispatcher paces publications to stay within every quota
    that publishing uses, instead of learning the limit from 429 answers.
    """

    name: str
    limit: int
    window_seconds: int
    scope: RateScope = "account"
    publish_cost: int = 0


# Our metric names (docs/metrics.md defines each one).
ACCOUNT_METRICS: tuple[str, ...] = (
    "followers", "follower_change", "impressions", "reach", "engagements",
    "profile_visits", "link_clicks", "video_views",
)
POST_METRICS: tuple[str, ...] = (
    "impressions", "reach", "reactions", "comments", "shares", "saves", "clicks", "video_views",
)


@dataclass(frozen=True)
class MetricMapping:
    """Map each of our metrics to the network's own metric that feeds it.

    Keys are our names (ACCOUNT_METRICS, POST_METRICS), values name the network's field
    or formula for docs/metrics.md. A metric absent from a mapping is one the network does
    not provide: it is stored as None (shown "—"), never as zero. Each network field feeds
    at most one of our metrics, so nothing is counted twice.
    """

    account: dict[str, str] = field(default_factory=dict)
    post: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = (set(self.account) - set(ACCOUNT_METRICS)) | (set(self.post) - set(POST_METRICS))
        if unknown:
            raise ValueError(f"unknown metric names: {sorted(unknown)}")


@dataclass(frozen=True)
class Capabilities:
    """Declare everything generic code may ask about a network."""

    network: str
    display_name: str
    placements: dict[str, PlacementSpec]
    features: frozenset[Feature]
    idempotent_publish: bool = False
    rate_limits: tuple[RateLimit, ...] = field(default_factory=tuple)
    metrics: MetricMapping = field(default_factory=MetricMapping)
    # The API version the connector speaks and the day the network retires it, where the
    # network announces one (Meta and LinkedIn retire versions about a year after release).
    api_version: str | None = None
    api_version_retires: date | None = None
    # The network fetches media itself from a public URL (Instagram) instead of taking
    # the bytes: the publisher hands it a signed link to the rendition.
    media_by_url: bool = False

    def __post_init__(self) -> None:
        for key, spec in self.placements.items():
            if key != spec.name:
                raise ValueError(f"placement key {key!r} does not match spec name {spec.name!r}")

    def __hash__(self) -> int:
        # The placements dict is never mutated after construction; hash by identity of data.
        return hash((self.network, tuple(self.placements), self.features))

    def placement(self, name: str) -> PlacementSpec:
        """Return the spec of a placement or raise KeyError with the allowed names."""
        try:
            return self.placements[name]
        except KeyError:
            allowed = ", ".join(self.placements)
            raise KeyError(f"{self.network} has no {name!r} placement (has: {allowed})") from None

    def supports(self, feature: Feature) -> bool:
        """Return whether the connector implements an optional feature."""
        return feature in self.features
