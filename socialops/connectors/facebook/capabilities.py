"""Declare Facebook Pages limits as data."""

from __future__ import annotations

from socialops.connectors.capabilities import (
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.facebook.graph import API_VERSION, API_VERSION_RETIRES
from socialops.connectors.media_presets import GB, LANDSCAPE_191, MB, PORTRAIT_9_16

_FEED_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    max_count=10,  # Pages API: multi-photo post via attached_media (10 kept for layout)
    formats=("image/jpeg", "image/png", "image/gif", "video/mp4", "video/quicktime"),
    aspect_ratio=(PORTRAIT_9_16, LANDSCAPE_191),  # Meta ads guide: 9:16 to 1.91:1
    preferred_size=(1200, 630),  # Meta sharing guide: link image 1200x630 (1.91:1)
    max_bytes=4 * MB,  # Graph API /photos: 4 MB per image
    max_duration_s=240 * 60,  # Graph API /videos: up to 240 minutes
)

_STORY_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    min_count=1,
    max_count=1,
    formats=("image/jpeg", "image/png", "video/mp4"),
    aspect_ratio=(PORTRAIT_9_16, PORTRAIT_9_16),  # Page stories API: 9:16
    preferred_size=(1080, 1920),  # Page stories API: 1080x1920
    max_bytes=1 * GB,
    max_duration_s=60,  # Page stories API: video 3-60 s
)

CAPABILITIES = Capabilities(
    network="facebook",
    display_name="Facebook",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=63_206,  # Facebook post text limit: 63,206 characters
            media=_FEED_MEDIA,
            first_comment=True,
        ),
        "story": PlacementSpec(name="story", max_text_length=0, media=_STORY_MEDIA),
        "reel": PlacementSpec(
            name="reel",
            max_text_length=2_200,  # Reels description shown up to 2,200 characters
            media=_STORY_MEDIA,
        ),
        "comment": PlacementSpec(name="comment", max_text_length=8_000),  # Graph API comment
        "dm": PlacementSpec(name="dm", max_text_length=2_000),  # Messenger Send API: 2,000
    },
    features=frozenset(Feature) - {Feature.SEARCH},  # public post search was removed in 2018
    idempotent_publish=False,  # Graph API has no idempotency key (PEERS.md)
    rate_limits=(
        # Page-token calls: 4,800 x engaged users per 24 h; the limit is per engaged user.
        RateLimit("page_calls_per_engaged_user", 4_800, 86_400, "account"),
    ),
    metrics=MetricMapping(
        # Page Insights (developers.facebook.com/docs/graph-api/reference/insights): Meta
        # retired page_impressions/post_impressions in November 2025 for "views"
        # (page_media_view, post_media_view) and "viewers" (*_total_media_view_unique).
        account={
            "followers": "page_follows",
            "follower_change": "page_daily_follows_unique - page_daily_unfollows_unique",
            "impressions": "page_media_view",
            "reach": "page_total_media_view_unique",
            "engagements": "page_post_engagements",
            "profile_visits": "page_views_total",
            "video_views": "page_video_views",
        },
        post={
            "impressions": "post_media_view (videos: total_video_impressions)",
            "reach": "post_total_media_view_unique (videos: total_video_impressions_unique)",
            "reactions": "reactions.summary.total_count",
            "comments": "comments.summary.total_count",
            "shares": "shares.count",
            "clicks": "post_clicks",
            "video_views": "total_video_views (video_insights)",
        },
    ),
    api_version=API_VERSION,
    api_version_retires=API_VERSION_RETIRES,
)
