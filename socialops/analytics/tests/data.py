"""Build fixed analytics datasets directly in the tables, for KPI and page tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from socialops.analytics.models import ChannelDayMetrics, PostMetrics
from socialops.analytics.rollups import refresh_months
from socialops.governance.models import Channel
from socialops.publishing.models import Campaign, Post, Variant, VariantStatus


def fill_days(channel: Channel, start: date, days: int, *, followers: int = 1000,
              gain: int = 10, impressions: int = 1000, reach: int = 500,
              engagements: int = 50) -> None:
    """Store `days` identical days of metrics, followers growing by `gain` a day."""
    ChannelDayMetrics.objects.bulk_create([
        ChannelDayMetrics(
            organization_id=channel.organization_id, channel=channel,
            day=start + timedelta(days=n), followers=followers + gain * (n + 1),
            follower_change=gain, impressions=impressions, reach=reach,
            engagements=engagements, profile_visits=5, link_clicks=3, video_views=None,
            collected_at=datetime(2026, 1, 1, tzinfo=UTC))
        for n in range(days)
    ])
    refresh_months([channel.pk], start, start + timedelta(days=days - 1))


def published_post(channel: Channel, text: str, at: datetime, *, reach: int,
                   engagements: int, campaign: Campaign | None = None) -> Variant:
    """Create a published post on a channel and its latest metrics."""
    post = Post.objects.create(organization_id=channel.organization_id, text=text,
                               campaign=campaign)
    variant = Variant.objects.create(post=post, organization_id=channel.organization_id,
                                     channel=channel, placement="feed", text=text,
                                     status=VariantStatus.PUBLISHED, published_at=at,
                                     remote_id=f"p-{post.pk}")
    PostMetrics.objects.create(
        organization_id=channel.organization_id, channel=channel, variant=variant,
        published_at=at, impressions=reach * 2, reach=reach, reactions=engagements,
        comments=0, shares=0, saves=0, clicks=1, engagements=engagements, collected_at=at,
        published_weekday=timezone.localtime(at).isoweekday(),
        published_hour=timezone.localtime(at).hour)
    return variant
