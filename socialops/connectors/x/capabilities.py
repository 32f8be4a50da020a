"""Declare X (Twitter) limits as data."""

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
from socialops.connectors.media_presets import LANDSCAPE_16_9, MB, PORTRAIT_9_16

_MEDIA = MediaSpec(
    kinds=frozenset({"image", "video"}),
    max_count=4,  # docs.x.com "Media best practices": up to 4 images per post
    formats=(*IMAGE_FORMATS, "image/gif", "image/webp", "video/mp4"),
    aspect_ratio=(PORTRAIT_9_16, LANDSCAPE_16_9),  # X media best practices: 1:2.39 to 2.39:1
    preferred_size=(1600, 900),  # X media best practices: 16:9 in-stream image
    max_bytes=5 * MB,  # docs.x.com media upload: images up to 5 MB
    max_duration_s=140,  # X media best practices: video up to 2 min 20 s (non-premium)
)

CAPABILITIES = Capabilities(
    network="x",
    display_name="X",
    placements={
        "feed": PlacementSpec(
            name="feed",
            max_text_length=280,  # twitter-text v3: 280 weighted characters
            text_counting="x_weighted",
            max_hashtags=None,  # X sets no hashtag cap
            max_mentions=50,  # twitter-text: at most 50 @mentions per post
            media=_MEDIA,
        ),
        "thread": PlacementSpec(
            name="thread",
            max_text_length=280,  # each post of a thread is counted on its own
            text_counting="x_weighted",
            max_mentions=50,
            media=_MEDIA,
        ),
        "comment": PlacementSpec(
            name="comment", max_text_length=280, text_counting="x_weighted", media=_MEDIA
        ),
        "dm": PlacementSpec(
            name="dm",
            max_text_length=10_000,  # docs.x.com DM: 10,000 characters per message
            text_counting="x_weighted",
        ),
    },
    features=frozenset(Feature) - {Feature.HIDE},
    idempotent_publish=False,  # POST /2/tweets takes no idempotency key (PEERS.md)
    rate_limits=(
        # POST /2/tweets per user
        RateLimit("post_create_15min", 200, 15 * 60, "account", publish_cost=1),
        # shared with retweets
        RateLimit("post_create_3h", 300, 3 * 3600, "account", publish_cost=1),
    ),
    metrics=MetricMapping(
        account={
            "followers": "GET /2/users/me public_metrics.followers_count (today only)",
        },
        post={
            "impressions": "non_public_metrics.impression_count",
            "reactions": "public_metrics.like_count",
            "comments": "public_metrics.reply_count",
            "shares": "public_metrics.retweet_count + quote_count",
            "saves": "public_metrics.bookmark_count",
            "clicks": "non_public_metrics.url_link_clicks",
            "video_views": "media public_metrics.view_count",
        },
    ),
)
