"""Declare Instagram (Graph API, professional accounts) limits as data."""

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
from socialops.connectors.media_presets import GB, LANDSCAPE_191, MB, PORTRAIT_4_5, PORTRAIT_9_16

CAPTION_LIMIT = 2_200  # IG Graph API media: caption max 2,200 characters
HASHTAG_LIMIT = 30  # IG Graph API media: max 30 hashtags
MENTION_LIMIT = 20  # IG Graph API media: max 20 @ tags

_FEED_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    min_count=1,  # Instagram has no text-only post
    max_count=10,  # IG Graph API carousel: up to 10 children
    formats=("image/jpeg", "video/mp4", "video/quicktime"),  # IG API: JPEG only for images
    aspect_ratio=(PORTRAIT_4_5, LANDSCAPE_191),  # IG API image: 4:5 to 1.91:1
    preferred_size=(1080, 1350),  # Instagram help: 1080 px wide, 4:5 fills the feed
    max_bytes=8 * MB,  # IG API image: max 8 MB
    max_duration_s=60 * 60,  # IG API feed video up to 60 minutes
)

_VERTICAL_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    min_count=1,
    max_count=1,  # a story or a reel is one file
    formats=("image/jpeg", "video/mp4", "video/quicktime"),
    aspect_ratio=(PORTRAIT_9_16, PORTRAIT_9_16),  # IG API stories/reels: 9:16
    preferred_size=(1080, 1920),  # IG API reels: 1080x1920 recommended
    max_bytes=1 * GB,  # IG API reels: max 1 GB (300 MB for stories video)
    max_duration_s=15 * 60,  # IG API reels: up to 15 minutes
)

CAPABILITIES = Capabilities(
    network="instagram",
    display_name="Instagram",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=CAPTION_LIMIT,
            max_hashtags=HASHTAG_LIMIT,
            max_mentions=MENTION_LIMIT,
            media=_FEED_MEDIA,
            first_comment=True,  # teams often move hashtags to a first comment
        ),
        "story": PlacementSpec(
            name="story",
            max_text_length=0,  # stories published through the API carry no caption
            media=_VERTICAL_MEDIA,
        ),
        "reel": PlacementSpec(
            name="reel",
            max_text_length=CAPTION_LIMIT,
            max_hashtags=HASHTAG_LIMIT,
            max_mentions=MENTION_LIMIT,
            media=_VERTICAL_MEDIA,
            first_comment=True,
        ),
        "comment": PlacementSpec(
            name="comment",
            max_text_length=2_200,  # IG comments share the caption limit
            max_hashtags=HASHTAG_LIMIT,
            max_mentions=MENTION_LIMIT,
        ),
        "dm": PlacementSpec(name="dm", max_text_length=1_000),  # Messenger API for IG: 1,000
    },
    features=frozenset(Feature) - {Feature.SEARCH},  # hashtag search only, no keyword search
    media_by_url=True,  # the Graph API fetches image_url/video_url itself
    idempotent_publish=False,  # container flow has no idempotency key (PEERS.md)
    rate_limits=(
        # content_publishing_limit endpoint: 100 API-published posts per rolling 24 h.
        RateLimit("content_publishing", 100, 86_400, "account", publish_cost=1),
        RateLimit("graph_calls", 200, 3600, "account"),  # Graph API: 200 calls/user/hour
    ),
    metrics=MetricMapping(
        account={
            "followers": "followers_count",
            "follower_change": "follower_count (new followers per day, last 30 days)",
            "impressions": "views",
            "reach": "reach",
            "engagements": "total_interactions",
            "profile_visits": "profile_views",
            "link_clicks": "website_clicks",
        },
        post={
            "impressions": "views",
            "reach": "reach",
            "reactions": "likes",
            "comments": "comments",
            "shares": "shares",
            "saves": "saved",
            # `plays` was retired in Graph API v22.0: a reel's plays are its `views` now,
            # already counted as impressions.
        },
    ),
    api_version=API_VERSION,
    api_version_retires=API_VERSION_RETIRES,
)
