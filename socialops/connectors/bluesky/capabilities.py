"""Declare Bluesky (AT Protocol) limits as data."""

from __future__ import annotations

from socialops.connectors.capabilities import (
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.media_presets import LANDSCAPE_16_9, PORTRAIT_9_16

_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    max_count=4,  # app.bsky.embed.images: maxLength 4
    formats=("image/jpeg", "image/png", "image/webp", "video/mp4"),
    aspect_ratio=(PORTRAIT_9_16, LANDSCAPE_16_9),  # Bluesky app crops outside this range
    preferred_size=(2000, 2000),  # app resizes images to fit 2000 px
    max_bytes=1_000_000,  # app.bsky.embed.images: image blob maxSize 1,000,000 bytes
    max_duration_s=180,  # Bluesky video: up to 3 minutes (2025)
)

CAPABILITIES = Capabilities(
    network="bluesky",
    display_name="Bluesky",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=300,  # app.bsky.feed.post: maxGraphemes 300
            text_counting="graphemes",
            media=_MEDIA,
        ),
        "thread": PlacementSpec(
            name="thread", max_text_length=300, text_counting="graphemes", media=_MEDIA
        ),
        "comment": PlacementSpec(
            name="comment", max_text_length=300, text_counting="graphemes", media=_MEDIA
        ),
        "dm": PlacementSpec(
            name="dm",
            max_text_length=1000,  # chat.bsky.convo.defs#messageInput: maxGraphemes 1000
            text_counting="graphemes",
        ),
    },
    features=frozenset(Feature) - {Feature.HIDE},
    # createRecord accepts a client-chosen rkey, so a retried publish is a no-op (PEERS.md).
    idempotent_publish=True,
    rate_limits=(
        # PDS: create costs 3 points
        RateLimit("write_points_hour", 5_000, 3600, "account", publish_cost=3),
        # PDS daily write points
        RateLimit("write_points_day", 35_000, 86_400, "account", publish_cost=3),
        RateLimit("create_session", 30, 5 * 60, "account"),  # createSession 30 per 5 min
    ),
    metrics=MetricMapping(
        account={
            "followers": "app.bsky.actor.getProfile followersCount (today only)",
        },
        post={
            "reactions": "likeCount",
            "comments": "replyCount",
            "shares": "repostCount + quoteCount",
        },
    ),
)
