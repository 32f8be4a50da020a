"""Declare TikTok (Content Posting API) limits as data."""

from __future__ import annotations

from socialops.connectors.capabilities import (
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.media_presets import GB, PORTRAIT_9_16, SQUARE

_VIDEO = MediaSpec(
    kinds=frozenset({"video", "image"}),
    min_count=1,  # a TikTok is a video or a photo post
    max_count=35,  # Content Posting API photo mode: up to 35 images
    formats=("video/mp4", "video/quicktime", "video/webm", "image/jpeg", "image/webp"),
    aspect_ratio=(PORTRAIT_9_16, SQUARE),  # TikTok creative specs: 9:16 best, 1:1 accepted
    preferred_size=(1080, 1920),  # TikTok creative specs: 1080x1920
    max_bytes=4 * GB,  # Content Posting API: video up to 4 GB
    max_duration_s=10 * 60,  # Content Posting API: up to 10 minutes
)

CAPABILITIES = Capabilities(
    network="tiktok",
    display_name="TikTok",
    placements={
        "short": PlacementSpec(
            name="short",
            max_text_length=2_200,  # Content Posting API: title (caption) 2,200 UTF-16 units
            media=_VIDEO,
        ),
        "comment": PlacementSpec(name="comment", max_text_length=150),  # TikTok comments: 150
    },
    # Content Posting API: no comment/DM/search access for business accounts by default.
    features=frozenset({Feature.PUBLISH, Feature.METRICS}),
    idempotent_publish=False,  # no idempotency key (PEERS.md); unaudited apps post privately
    rate_limits=(
        # publish/video/init: 6/min per token
        RateLimit("post_init_minute", 6, 60, "account", publish_cost=1),
        # creator cap ~15 posts/day
        RateLimit("creator_posts_day", 15, 86_400, "account", publish_cost=1),
    ),
    metrics=MetricMapping(
        account={
            "followers": "follower_count",
            "follower_change": "daily net followers",
            "engagements": "likes + comments + shares",
            "profile_visits": "profile_views",
            "video_views": "video_views",
        },
        post={
            "reach": "reach",
            "reactions": "like_count",
            "comments": "comment_count",
            "shares": "share_count",
            "saves": "favorites",
            "video_views": "view_count",
        },
    ),
)
