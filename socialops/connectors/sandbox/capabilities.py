"""Declare the sandbox network's own limits: generous, but real enough to test against."""

from __future__ import annotations

from socialops.connectors.capabilities import (
    IMAGE_FORMATS,
    VIDEO_FORMATS,
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.media_presets import LANDSCAPE_191, MB, PORTRAIT_9_16

_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    max_count=4,  # same as X, Bluesky and Mastodon
    formats=(*IMAGE_FORMATS, *VIDEO_FORMATS),
    aspect_ratio=(PORTRAIT_9_16, LANDSCAPE_191),  # the widest range the real networks share
    preferred_size=(1080, 1350),
    max_bytes=8 * MB,  # the server refuses larger uploads
    max_duration_s=600,
)

WRITES_PER_WINDOW = 300  # server default token bucket, like Mastodon's 300 per 5 min
WRITE_WINDOW_SECONDS = 15 * 60

CAPABILITIES = Capabilities(
    network="sandbox",
    display_name="Sandbox",
    placements={
        "feed": PlacementSpec(
            name="feed", max_text_length=500, max_hashtags=30, max_mentions=20, media=_MEDIA
        ),
        "thread": PlacementSpec(name="thread", max_text_length=500, media=_MEDIA),
        "comment": PlacementSpec(name="comment", max_text_length=500),
        "dm": PlacementSpec(name="dm", max_text_length=1_000),
    },
    features=frozenset(Feature) - {Feature.HIDE},
    idempotent_publish=True,  # the server honours Idempotency-Key unless a fault disables it
    rate_limits=(RateLimit("writes", WRITES_PER_WINDOW, WRITE_WINDOW_SECONDS, "account",
                           publish_cost=1),),
    metrics=MetricMapping(
        account={
            "followers": "followers",
            "follower_change": "follower_change",
            "impressions": "impressions",
            "reach": "reach",
            "engagements": "engagements",
            "profile_visits": "profile_visits",
            "link_clicks": "link_clicks",
            "video_views": "video_views",
        },
        post={
            "impressions": "impressions",
            "reach": "reach",
            "reactions": "reactions",
            "comments": "comments",
            "shares": "shares",
            "saves": "saves",
            "clicks": "clicks",
            "video_views": "video_views",
        },
    ),
)
