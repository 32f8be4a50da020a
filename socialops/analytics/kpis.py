"""Compute the KPIs of docs/metrics.md from stored metrics, posts and conversations.

Every ratio goes through `ratio()`: a zero or unknown denominator gives None (shown
"—"), never an exception or a misleading 0. Functions take a `Scope` (the channels the
member may see, already permission-checked) and a `Period` of whole days.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from socialops.analytics import rollups
from socialops.analytics.models import ChannelDayMetrics, PostMetrics
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation
from socialops.publishing.models import Campaign, Variant, VariantStatus

DAY_TOTALS = ("impressions", "reach", "engagements", "profile_visits", "link_clicks",
              "video_views", "follower_change")
# How far back "best times" looks, in the organization's own history.
BEST_TIMES_DAYS = 180


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return numerator / denominator, or None when either is unknown or the base is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def change(current: float | None, previous: float | None) -> float | None:
    """Return the relative change from previous to current (0.12 for +12 %), or None."""
    if current is None or previous is None:
        return None
    return ratio(current - previous, abs(previous))


@dataclass(frozen=True)
class Period:
    """A range of whole days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The period ends before it starts.")

    @property
    def days(self) -> int:
        """Return the number of days in the period."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """Return the period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def last_year(self) -> Period:
        """Return the same days one year earlier (28 February for a 29 February)."""
        def back(day: date) -> date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:
                return day.replace(year=day.year - 1, day=28)
        return Period(back(self.start), back(self.end))

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the aware datetimes [start of first day, start of the day after the last)."""
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.start, time.min, tz),
                datetime.combine(self.end + timedelta(days=1), time.min, tz))


@dataclass(frozen=True)
class Scope:
    """The organization and the channels a dashboard covers (permission-checked ids)."""

    organization_id: int
    channel_ids: tuple[int, ...]


def _days(scope: Scope, period: Period) -> Any:
    return ChannelDayMetrics.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        day__gte=period.start, day__lte=period.end)


def followers_on(scope: Scope, day: date, lookback: int = 7) -> int | None:
    """Return the summed follower counts of the scope's channels at the end of `day`.

    A channel missing that day counts with its last known count of the week before.
    """
    rows = (ChannelDayMetrics.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        day__gt=day - timedelta(days=lookback), day__lte=day, followers__isnull=False)
        .order_by("channel_id", "day").values_list("channel_id", "followers"))
    latest: dict[int, int] = {}
    for channel_id, followers in rows:
        latest[channel_id] = followers or 0
    return sum(latest.values()) if latest else None


def totals(scope: Scope, period: Period) -> dict[str, Any]:
    """Return the period's summed daily counters and the follower counts at both ends."""
    sums = rollups.sums(scope.organization_id, scope.channel_ids, period.start, period.end,
                        DAY_TOTALS)
    sums["followers"] = followers_on(scope, period.end)
    sums["followers_start"] = followers_on(scope, period.start - timedelta(days=1))
    return sums


def channel_kpis(scope: Scope, period: Period) -> dict[str, Any]:
    """Return the channel-metric KPIs of a period (engagement rates, follower growth)."""
    t = totals(scope, period)
    start = t["followers_start"]
    if start is None and t["followers"] is not None and t["follower_change"] is not None:
        start = t["followers"] - t["follower_change"]
    return {
        **{name: t[name] for name in (*DAY_TOTALS, "followers")},
        "engagement_rate_reach": ratio(t["engagements"], t["reach"]),
        "engagement_rate_impressions": ratio(t["engagements"], t["impressions"]),
        "follower_growth": ratio(t["follower_change"], start),
    }


SERIES_ALL = (*DAY_TOTALS, "followers")
# What the dashboard's chart and table show; exports ask for every counter.
SERIES_SHOWN = ("impressions", "reach", "engagements", "followers")


def daily_series(scope: Scope, period: Period,
                 names: tuple[str, ...] = SERIES_ALL) -> list[dict[str, Any]]:
    """Return one row per day of the period with the summed counters of the scope."""
    rows = (_days(scope, period).values("day").order_by("day")
            .annotate(**{name: Sum(name) for name in names}))
    by_day = {row["day"]: row for row in rows}
    series = []
    for offset in range(period.days):
        day = period.start + timedelta(days=offset)
        row = by_day.get(day, {})
        series.append({"day": day.isoformat(), **{name: row.get(name) for name in names}})
    return series


def by_channel(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Return the period's totals per channel, with engagement rates."""
    # Grouped on the channel id alone (monthly rollup and covering index); names after.
    rows = [{"channel_id": pk, **values} for pk, values in rollups.sums_by_channel(
        scope.organization_id, scope.channel_ids, period.start, period.end, DAY_TOTALS).items()]
    names = dict((pk, (name, network)) for pk, name, network in Channel.objects.filter(
        pk__in=[row["channel_id"] for row in rows]).values_list("pk", "display_name",
                                                                 "network"))
    rows.sort(key=lambda row: (-(row["engagements"] or 0), row["channel_id"]))
    return [{
        "channel_id": row["channel_id"], "channel": names[row["channel_id"]][0],
        "network": names[row["channel_id"]][1],
        **{name: row[name] for name in DAY_TOTALS},
        "engagement_rate_reach": ratio(row["engagements"], row["reach"]),
    } for row in rows]


def _posts(scope: Scope, period: Period) -> Any:
    start, end = period.bounds()
    return PostMetrics.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        published_at__gte=start, published_at__lt=end)


def top_posts(scope: Scope, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    """Return the posts published in the period with the most engagements."""
    # Rank on the covering index first, then read the few winners' rows: reading every
    # post of a long period from the table just to keep ten was most of the cost.
    ids = list(_posts(scope, period).order_by("-engagements", "-published_at", "pk")
               .values_list("pk", flat=True)[:limit])
    rows = (PostMetrics.objects.filter(pk__in=ids).order_by("-engagements", "-published_at",
                                                            "pk")
            .values("variant_id", "variant__post_id", "variant__text", "channel__display_name",
                    "channel__network", "published_at", "impressions", "reach", "engagements",
                    "clicks", "video_views"))
    return [{
        "variant_id": row["variant_id"], "post_id": row["variant__post_id"],
        "text": row["variant__text"][:140], "channel": row["channel__display_name"],
        "network": row["channel__network"], "published_at": row["published_at"].isoformat(),
        "impressions": row["impressions"], "reach": row["reach"],
        "engagements": row["engagements"], "clicks": row["clicks"],
        "video_views": row["video_views"],
        "engagement_rate_reach": ratio(row["engagements"], row["reach"]),
    } for row in rows]


def posting_mix(scope: Scope, period: Period) -> dict[str, Any]:
    """Return how many variants were published, by network and by placement."""
    start, end = period.bounds()
    published = Variant.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        status=VariantStatus.PUBLISHED, published_at__gte=start, published_at__lt=end)
    networks: dict[str, int] = {}
    placements: dict[str, int] = {}
    network_of = dict(Channel.objects.filter(pk__in=scope.channel_ids)
                      .values_list("pk", "network"))
    # One grouped query; the channel's network is looked up here rather than joined.
    for row in published.values("channel_id", "placement").annotate(n=Count("pk")).order_by():
        network = network_of.get(row["channel_id"], "")
        networks[network] = networks.get(network, 0) + row["n"]
        placements[row["placement"]] = placements.get(row["placement"], 0) + row["n"]
    return {"published": sum(networks.values()), "by_network": networks,
            "by_placement": placements}


def best_times(scope: Scope, end: date, days: int = BEST_TIMES_DAYS) -> list[dict[str, Any]]:
    """Return weekday and hour slots ranked by mean engagements per post (own history).

    Slots with fewer than 2 posts are left out: one lucky post is not a pattern.
    """
    period = Period(end - timedelta(days=days - 1), end)
    rows = (_posts(scope, period).values("published_weekday", "published_hour").order_by()
            .annotate(posts=Count("pk"), engagements=Sum("engagements"), reach=Sum("reach")))
    slots: list[dict[str, Any]] = [
        {"weekday": row["published_weekday"], "hour": row["published_hour"],
         "posts": row["posts"], "mean_engagements": row["engagements"] / row["posts"],
         "engagement_rate_reach": ratio(row["engagements"], row["reach"])}
        for row in rows if row["posts"] >= 2]
    slots.sort(key=lambda s: (-s["mean_engagements"], s["weekday"], s["hour"]))
    return slots[:5]


def inbox_kpis(scope: Scope, period: Period) -> dict[str, Any]:
    """Return response rate, median first-response time, share within target, sentiment."""
    start, end = period.bounds()
    conversations = Conversation.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        first_inbound_at__gte=start, first_inbound_at__lt=end, spam=False)
    counts = conversations.aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(first_responded_at__isnull=False)),
        # As the inbox's own report counts it: an answered conversation is on time when it
        # was answered by its target, or had no target.
        within=Count("pk", filter=Q(first_responded_at__isnull=False) & (
            Q(first_response_due_at__isnull=True)
            | Q(first_responded_at__lte=F("first_response_due_at")))),
        positive=Count("pk", filter=Q(sentiment="positive")),
        neutral=Count("pk", filter=Q(sentiment="neutral")),
        negative=Count("pk", filter=Q(sentiment="negative")),
    )
    delays = [
        (answered - first).total_seconds()
        for first, answered in conversations.filter(first_responded_at__isnull=False)
        .values_list("first_inbound_at", "first_responded_at") if answered is not None
    ]
    total = counts["total"]
    return {
        "conversations": total,
        "response_rate": ratio(counts["answered"], total),
        "median_response_seconds": statistics.median(delays) if delays else None,
        "within_target": ratio(counts["within"], counts["answered"]),
        "sentiment": {name: ratio(counts[name], total)
                      for name in ("positive", "neutral", "negative")},
    }


def campaign_results(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Return each campaign running in the period against its targets, with its costs.

    Counters are the campaign's posts' latest ones (on the scope's channels), whatever
    the day they were published: a campaign is judged on all of its posts. Costs divide
    the campaign's spend so far by those counters.
    """
    campaigns = {c.pk: c for c in Campaign.objects.filter(
        organization_id=scope.organization_id, starts_on__lte=period.end,
        ends_on__gte=period.start)}
    rows = (PostMetrics.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        variant__post__campaign_id__in=list(campaigns))
        .values("variant__post__campaign_id").order_by()
        .annotate(posts=Count("pk"), impressions=Sum("impressions"), reach=Sum("reach"),
                  engagements=Sum("engagements"), clicks=Sum("clicks")))
    by_campaign: dict[int, dict[str, Any]] = {
        row["variant__post__campaign_id"]: dict(row) for row in rows}
    results = []
    for pk, campaign in campaigns.items():
        row: dict[str, Any] = by_campaign.get(pk, {})
        spend = float(campaign.spend) if campaign.spend is not None else None
        entry = {"campaign_id": pk, "campaign": campaign.name, "posts": row.get("posts", 0),
                 **{name: row.get(name) for name in ("impressions", "reach", "engagements",
                                                     "clicks")},
                 "spend": spend, "currency": campaign.currency}
        entry["engagement_rate_reach"] = ratio(entry["engagements"], entry["reach"])
        for name in ("impressions", "engagements", "clicks"):
            entry[f"{name}_vs_target"] = ratio(entry[name],
                                               getattr(campaign, f"target_{name}"))
        entry.update(cost_kpis(spend, entry["impressions"], entry["clicks"],
                               entry["engagements"]))
        results.append(entry)
    results.sort(key=lambda e: (-(e["engagements"] or 0), e["campaign"]))
    return results


def cost_kpis(spend: float | None, impressions: int | None, clicks: int | None,
              engagements: int | None) -> dict[str, float | None]:
    """Return CPM (per 1,000 impressions), CPC and CPE for a spend, None where unknown."""
    cpm = ratio(spend, impressions)
    return {"cpm": cpm * 1000 if cpm is not None else None, "cpc": ratio(spend, clicks),
            "cpe": ratio(spend, engagements)}


COMPARED = ("impressions", "reach", "engagements", "followers", "follower_change",
            "engagement_rate_reach", "engagement_rate_impressions", "follower_growth")


def compare(current: dict[str, Any], other: dict[str, Any]) -> dict[str, float | None]:
    """Return the relative change of each compared KPI against another period."""
    return {name: change(current.get(name), other.get(name)) for name in COMPARED}
