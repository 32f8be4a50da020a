"""Declare YouTube (Data API v3) limits as data.

Sources: developers.google.com/youtube/v3/docs (videos.insert, thumbnails.set,
commentThreads), developers.google.com/youtube/data/determine_quota_cost (quota),
support.google.com/youtube (video and Shorts specs).
"""

from __future__ import annotations

from socialops.connectors.capabilities import (
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.media_presets import GB, LANDSCAPE_16_9, MB, PORTRAIT_9_16

_THUMBNAIL = MediaSpec(
    kinds=frozenset({"image"}),
    max_count=1,
    formats=("image/jpeg", "image/png"),
    aspect_ratio=(LANDSCAPE_16_9, LANDSCAPE_16_9),  # YouTube help: thumbnails 16:9
    preferred_size=(1280, 720),  # YouTube help: 1280x720, min width 640
    max_bytes=2 * MB,  # thumbnails.set: max 2 MB
)

_VIDEO = MediaSpec(
    kinds=frozenset({"video"}),
    min_count=1,
    max_count=1,
    formats=("video/mp4", "video/quicktime", "video/webm"),
    aspect_ratio=(LANDSCAPE_16_9, LANDSCAPE_16_9),  # YouTube help: 16:9 player
    preferred_size=(1920, 1080),
    max_bytes=256 * GB,  # videos.insert: max 256 GB
    max_duration_s=12 * 3600,  # YouTube help: 12 hours for verified accounts
)

_SHORT = MediaSpec(
    kinds=frozenset({"video"}),
    min_count=1,
    max_count=1,
    formats=("video/mp4", "video/quicktime", "video/webm"),
    aspect_ratio=(PORTRAIT_9_16, 1.0),  # YouTube Shorts: square or vertical
    preferred_size=(1080, 1920),  # YouTube Shorts: 9:16 1080x1920
    max_bytes=256 * GB,
    max_duration_s=180,  # YouTube Shorts: up to 3 minutes (since Oct 2024)
)

TITLE_LIMIT = 100  # videos.insert snippet.title: 100 characters
DESCRIPTION_LIMIT = 5_000  # videos.insert snippet.description: 5,000 bytes

CAPABILITIES = Capabilities(
    network="youtube",
    display_name="YouTube",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=DESCRIPTION_LIMIT,
            max_hashtags=60,  # YouTube ignores every hashtag when a video has more than 60
            media=_VIDEO,
            max_title_length=TITLE_LIMIT,
            thumbnail=_THUMBNAIL,
        ),
        "short": PlacementSpec(
            name="short",
            max_text_length=DESCRIPTION_LIMIT,
            max_hashtags=60,
            media=_SHORT,
            max_title_length=TITLE_LIMIT,
        ),
        "comment": PlacementSpec(name="comment", max_text_length=10_000),  # commentThreads
    },
    # Comments are read and answered, held for review (hidden) and published again;
    # YouTube has no DMs and no mentions API.
    features=frozenset(Feature) - {Feature.DMS, Feature.MENTIONS},
    idempotent_publish=False,  # videos.insert has no idempotency key
    rate_limits=(
        # determine_quota_cost: 10,000 units a day per project for every method but
        # videos.insert and search.list; a publication spends 50 more with a thumbnail.
        RateLimit("quota_units_day", 10_000, 86_400, "app", publish_cost=50),
        # videos.insert has its own bucket: 100 calls a day per project, 1 per upload.
        RateLimit("videos_insert_day", 100, 86_400, "app", publish_cost=1),
        RateLimit("search_list_day", 100, 86_400, "app"),  # search.list's own bucket
    ),
    metrics=MetricMapping(
        # channels.list part=statistics: today's count only (daily history would need
        # the YouTube Analytics API, which socialops does not call).
        account={
            "followers": "statistics.subscriberCount (today only)",
        },
        # videos.list part=statistics; YouTube gives no shares or impressions here.
        post={
            "reactions": "statistics.likeCount",
            "comments": "statistics.commentCount",
            "video_views": "statistics.viewCount",
        },
    ),
    api_version="v3",  # Data API v3 has no announced retirement
)
