"""Declare LinkedIn (organization pages, versioned REST API) limits as data."""

from __future__ import annotations

from datetime import date

from socialops.connectors.capabilities import (
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.media_presets import GB, LANDSCAPE_191, MB, PORTRAIT_4_5

_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    max_count=20,  # Posts API MultiImage: 2 to 20 images
    formats=("image/jpeg", "image/png", "image/gif", "video/mp4"),
    aspect_ratio=(PORTRAIT_4_5, LANDSCAPE_191),  # LinkedIn image specs: 1:1.91 to 4:5 shown
    preferred_size=(1200, 627),  # LinkedIn sharing: 1200x627 (1.91:1)
    max_bytes=5 * MB,  # Images API: recommended under 5 MB (hard max 36 Mpx)
    max_duration_s=30 * 60,  # Videos API: 3 s to 30 min
)

CAPABILITIES = Capabilities(
    network="linkedin",
    display_name="LinkedIn",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=3_000,  # Posts API commentary: 3,000 characters
            media=_MEDIA,
        ),
        "comment": PlacementSpec(name="comment", max_text_length=1_250),  # Comments API: 1,250
    },
    # No page DM or search API; comments cannot be hidden through the API.
    features=frozenset(Feature) - {Feature.DMS, Feature.SEARCH, Feature.HIDE},
    idempotent_publish=False,  # no idempotency key (PEERS.md)
    api_version="202605",  # Marketing May 2026, sent as the LinkedIn-Version header
    api_version_retires=date(2027, 5, 31),  # versions are supported for (at least) a year
    rate_limits=(
        # Limits are per app and per member, reset at midnight UTC; the developer portal
        # shows the real numbers per endpoint. These are the common published defaults.
        RateLimit("member_posts_day", 150, 86_400, "account", publish_cost=1),
        RateLimit("app_calls_day", 100_000, 86_400, "app"),
    ),
    metrics=MetricMapping(
        account={
            "followers": "networkSizes firstDegreeSize",
            "follower_change": "followerGains organic + paid",
            "impressions": "totalShareStatistics.impressionCount",
            "reach": "totalShareStatistics.uniqueImpressionsCount",
            "engagements": "likeCount + commentCount + shareCount",
            "profile_visits": "pageStatistics views allPageViews",
            "link_clicks": "totalShareStatistics.clickCount",
        },
        post={
            "impressions": "impressionCount",
            "reach": "uniqueImpressionsCount",
            "reactions": "likeCount",
            "comments": "commentCount",
            "shares": "shareCount",
            "clicks": "clickCount",
            "video_views": "videoAnalytics VIDEO_VIEW",
        },
    ),
)

UPLOAD_VIDEO_MAX_BYTES = 5 * GB  # Videos API: up to 5 GB via multipart upload
