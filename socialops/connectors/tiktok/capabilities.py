"""Declare TikTok (Content Posting API, Display API v2) limits as data.

Numbers come from developers.tiktok.com: Content Posting API reference (Direct Post,
Photo Post, Query Creator Info, Get Post Status), Media Transfer Guide, Display API
(video.query, user.info) and the rate-limit page.
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
from socialops.connectors.media_presets import GB, MB, PORTRAIT_9_16, SQUARE

VIDEO_FORMATS = ("video/mp4", "video/quicktime", "video/webm")  # Direct Post: MP4, MOV, WebM
# Photo Post: JPEG and WEBP only (no PNG), each fetched by TikTok from a verified URL.
PHOTO_FORMATS = ("image/jpeg", "image/webp")
VIDEO_TITLE_LIMIT = 2_200  # Direct Post post_info.title: 2,200 UTF-16 runes
PHOTO_TITLE_LIMIT = 90  # Photo Post post_info.title: 90 UTF-16 runes
PHOTO_DESCRIPTION_LIMIT = 4_000  # Photo Post post_info.description: 4,000 UTF-16 runes

_MEDIA = MediaSpec(
    kinds=frozenset({"video", "image"}),
    min_count=1,  # a TikTok is a video or a photo post
    max_count=35,  # Photo Post: up to 35 images (or exactly one video)
    formats=VIDEO_FORMATS + PHOTO_FORMATS,
    aspect_ratio=(PORTRAIT_9_16, SQUARE),  # TikTok creative specs: 9:16 best, 1:1 accepted
    preferred_size=(1080, 1920),  # TikTok creative specs: 1080x1920
    max_bytes=4 * GB,  # Media Transfer Guide: video up to 4 GB (photos: 20 MB each)
    # The creator's own limit (creator_info max_video_post_duration_sec) is checked at
    # publish time; 10 minutes is the longest TikTok allows through the API.
    max_duration_s=10 * 60,
)

PHOTO_MAX_BYTES = 20 * MB  # Photo Post: each image up to 20 MB

CAPABILITIES = Capabilities(
    network="tiktok",
    display_name="TikTok",
    placements={
        "short": PlacementSpec(
            name="short",
            max_text_length=VIDEO_TITLE_LIMIT,
            text_counting="chars",
            media=_MEDIA,
        ),
    },
    # The Content Posting and Display APIs neither delete posts nor read or write
    # comments, and there is no general-access search: publishing and metrics only.
    features=frozenset({Feature.PUBLISH, Feature.METRICS}),
    idempotent_publish=False,  # no idempotency key; reconciled by publish_id or caption
    rate_limits=(
        # Direct Post /v2/post/publish/video/init/: 6 requests per minute per user token
        RateLimit("post_init_minute", 6, 60, "account", publish_cost=1),
        # Content Sharing Guidelines: about 15 posts per creator per 24 hours through the
        # API (spam_risk_too_many_posts past it)
        RateLimit("creator_posts_day", 15, 86_400, "account", publish_cost=1),
        # Query Creator Info: 20 requests per minute per user token; one per publication
        RateLimit("creator_info_minute", 20, 60, "account", publish_cost=1),
    ),
    metrics=MetricMapping(
        # /v2/user/info/ gives today's counts only; no daily history in the public API.
        account={
            "followers": "follower_count (today only)",
        },
        # /v2/video/query/ fields; TikTok gives no reach, saves or impressions here.
        post={
            "reactions": "like_count",
            "comments": "comment_count",
            "shares": "share_count",
            "video_views": "view_count",
        },
    ),
    api_version="v2",  # open.tiktokapis.com/v2; TikTok announces no retirement date
)
