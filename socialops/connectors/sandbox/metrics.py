"""Compute post metrics that grow after publication, deterministically.

Nothing is stored: the same post, account size and server time always give the same
numbers, so tests and benchmarks are repeatable.
"""

from __future__ import annotations

import math
import random
from typing import Any

# Accounts with almost no followers still get seen by a few people (search, hashtags).
MIN_AUDIENCE = 50


def post_metrics(
    *,
    post_id: int,
    followers: int,
    age_seconds: float,
    comments: int,
    extra_reactions: int,
    has_video: bool,
    has_link: bool,
) -> dict[str, Any]:
    """Return the counters of one post at a given age."""
    # Seeding with a string is stable across processes (it hashes with SHA-512).
    rng = random.Random(f"sandbox-post-{post_id}")  # noqa: S311 - simulation, not security
    reach_factor = 0.2 + 0.6 * rng.random()
    half_life = 3600 * (1 + 5 * rng.random())
    engagement = 0.01 + 0.05 * rng.random()
    reach_share = 0.55 + 0.25 * rng.random()
    click_rate = 0.005 + 0.02 * rng.random()

    # Impressions follow a saturating curve: fast in the first hours, then flat.
    saturation = 1 - math.exp(-max(0.0, age_seconds) * math.log(2) / half_life)
    impressions = int(max(followers, MIN_AUDIENCE) * reach_factor * 1.5 * saturation)
    engaged = impressions * engagement
    return {
        "impressions": impressions,
        "reach": int(impressions * reach_share),
        "reactions": int(engaged * 0.8) + extra_reactions,
        "comments": int(engaged * 0.08) + comments,
        "shares": int(engaged * 0.07),
        "saves": int(engaged * 0.05),
        "clicks": int(impressions * click_rate) if has_link else 0,
        "video_views": int(impressions * 0.45) if has_video else None,
    }
