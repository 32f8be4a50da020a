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


# Audience is busier on weekdays than at the weekend (Monday first).
WEEKDAY_FACTORS = (1.05, 1.12, 1.1, 1.04, 0.95, 0.8, 0.74)
MAX_DAYS_PER_CALL = 366


def _followers_on(base: int, growth: float, offset_days: int) -> int:
    # A small weekly ripple in the growth curve gives the follower change a weekly cycle.
    ripple = 1 + 0.0015 * math.sin(2 * math.pi * offset_days / 7)
    return max(0, round(max(base, MIN_AUDIENCE) * math.exp(growth * offset_days) * ripple))


def account_day_metrics(*, account_id: int, followers: int, offset_days: int,
                        weekday: int, day_key: str) -> dict[str, Any]:
    """Return one account's counters for one day, `offset_days` after its creation day.

    The follower count grows from `followers` (the count on the creation day) at a
    steady per-account rate; the day's traffic follows the audience size, the day of the
    week and a few viral days, all seeded so the same day always gives the same numbers.
    """
    account_rng = random.Random(f"sandbox-account-{account_id}")  # noqa: S311 - simulation
    growth = 0.0004 + 0.0016 * account_rng.random()
    reach_factor = 0.18 + 0.3 * account_rng.random()
    engagement_rate = 0.02 + 0.04 * account_rng.random()
    reach_share = 0.55 + 0.2 * account_rng.random()
    visit_rate = 0.01 + 0.02 * account_rng.random()
    click_rate = 0.003 + 0.007 * account_rng.random()
    video_share = 0.2 + 0.15 * account_rng.random()

    day_rng = random.Random(f"sandbox-day-{account_id}-{day_key}")  # noqa: S311 - simulation
    count = _followers_on(followers, growth, offset_days)
    previous = _followers_on(followers, growth, offset_days - 1)
    noise = max(0.5, 1 + 0.18 * day_rng.gauss(0, 1))
    viral = 1 + 2.5 * day_rng.random() if day_rng.random() < 0.03 else 1.0
    impressions = int(count * reach_factor * 1.6 * WEEKDAY_FACTORS[weekday] * noise * viral)
    engagements = int(impressions * engagement_rate * max(0.5, 1 + 0.2 * day_rng.gauss(0, 1)))
    reach = int(impressions * reach_share)
    return {
        "followers": count,
        "follower_change": count - previous,
        "impressions": impressions,
        "reach": reach,
        "engagements": engagements,
        "profile_visits": int(reach * visit_rate),
        "link_clicks": int(impressions * click_rate),
        "video_views": int(impressions * video_share),
    }
