"""Declare Mastodon limits as data (defaults of a stock instance)."""

from __future__ import annotations

from socialops.connectors.capabilities import (
    IMAGE_FORMATS,
    Capabilities,
    Feature,
    MediaSpec,
    MetricMapping,
    PlacementSpec,
    RateLimit,
)
from socialops.connectors.media_presets import MB

_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    max_count=4,  # configuration.statuses.max_media_attachments default 4
    formats=(*IMAGE_FORMATS, "image/gif", "image/webp", "video/mp4", "video/webm"),
    aspect_ratio=(0.25, 4.0),  # no hard ratio; the web UI letterboxes beyond 1:4
    preferred_size=(1920, 1080),  # image_matrix_limit default ≈ 16.7 Mpx; 1080p is safe
    max_bytes=16 * MB,  # configuration.media_attachments.image_size_limit default 16 MB
    max_duration_s=None,  # limited by video_size_limit (99 MB), not duration
)

CAPABILITIES = Capabilities(
    network="mastodon",
    display_name="Mastodon",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=500,  # configuration.statuses.max_characters default 500
            text_counting="chars",  # instances count URLs as 23; we count them in full
            media=_MEDIA,
        ),
        "thread": PlacementSpec(name="thread", max_text_length=500, media=_MEDIA),
        "comment": PlacementSpec(name="comment", max_text_length=500, media=_MEDIA),
        "dm": PlacementSpec(name="dm", max_text_length=500),  # a DM is a direct-visibility status
    },
    features=frozenset(Feature) - {Feature.HIDE},
    idempotent_publish=True,  # POST /api/v1/statuses honours Idempotency-Key for 1 hour
    rate_limits=(
        RateLimit("api_requests", 300, 5 * 60, "account"),  # docs: 300 requests per 5 min
        RateLimit("media_uploads", 30, 30 * 60, "account"),  # docs: 30 uploads per 30 min
        RateLimit("status_deletes", 30, 30 * 60, "account"),  # docs: 30 deletions per 30 min
    ),
    metrics=MetricMapping(
        account={
            "followers": "GET /api/v1/accounts/:id followers_count (today only)",
        },
        post={
            "reactions": "favourites_count",
            "comments": "replies_count",
            "shares": "reblogs_count",
        },
    ),
)
