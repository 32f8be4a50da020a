"""Compute the campaign and team dashboards: one campaign's results, the inbox per person.

Like socialops.analytics.kpis, functions take a permission-checked `Scope`; every ratio
goes through `kpis.ratio()` so an unknown or zero base gives None ("—").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import BigIntegerField, Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from socialops.analytics.kpis import Period, Scope, cost_kpis, ratio
from socialops.analytics.models import PostMetrics
from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Direction, Message
from socialops.publishing.models import Campaign

COUNTERS = ("impressions", "reach", "engagements", "clicks")
TARGETED = ("impressions", "engagements", "clicks")


def _campaign_posts(scope: Scope, campaign: Campaign) -> Any:
    return PostMetrics.objects.filter(organization_id=scope.organization_id,
                                      channel_id__in=scope.channel_ids,
                                      variant__post__campaign=campaign)


def campaign_dashboard(scope: Scope, campaign: Campaign, top: int = 10) -> dict[str, Any]:
    """Return one campaign's results against its targets, costs, channels, top posts, chart.

    Counters are the latest ones of the campaign's posts on the scope's channels, whatever
    the day they were published (as in `kpis.campaign_results`).
    """
    posts = _campaign_posts(scope, campaign)
    sums = posts.aggregate(posts=Count("pk"), **{name: Sum(name) for name in COUNTERS})
    spend = float(campaign.spend) if campaign.spend is not None else None
    budget = float(campaign.budget) if campaign.budget is not None else None
    targets = []
    for name in TARGETED:
        target = getattr(campaign, f"target_{name}")
        targets.append({"key": name, "value": sums[name], "target": target,
                        "share": ratio(sums[name], target)})
    return {
        "totals": sums,
        "engagement_rate_reach": ratio(sums["engagements"], sums["reach"]),
        "targets": targets,
        "spend": spend, "budget": budget, "budget_used": ratio(spend, budget),
        "costs": cost_kpis(spend, sums["impressions"], sums["clicks"], sums["engagements"]),
        "channels": _campaign_channels(posts),
        "top_posts": _campaign_top_posts(posts, top),
        "series": _campaign_series(posts, campaign),
    }


def _campaign_channels(posts: Any) -> list[dict[str, Any]]:
    rows = list(posts.values("channel_id", "channel__display_name", "channel__network")
                .order_by().annotate(posts=Count("pk"),
                                     **{name: Sum(name) for name in COUNTERS}))
    rows.sort(key=lambda r: (-(r["engagements"] or 0), r["channel__display_name"]))
    return [{"channel": r["channel__display_name"], "network": r["channel__network"],
             "posts": r["posts"], **{name: r[name] for name in COUNTERS},
             "engagement_rate_reach": ratio(r["engagements"], r["reach"])} for r in rows]


def _campaign_top_posts(posts: Any, limit: int) -> list[dict[str, Any]]:
    rows = (posts.order_by("-engagements", "-published_at")
            .values("variant__post_id", "variant__text", "channel__display_name",
                    "channel__network", "published_at", *COUNTERS)[:limit])
    return [{"post_id": r["variant__post_id"], "text": r["variant__text"][:140],
             "channel": r["channel__display_name"], "network": r["channel__network"],
             "published_at": r["published_at"],
             **{name: r[name] for name in COUNTERS},
             "engagement_rate_reach": ratio(r["engagements"], r["reach"])} for r in rows]


def _campaign_series(posts: Any, campaign: Campaign) -> list[dict[str, Any]]:
    """Return, for each day of the campaign, the latest counters of the posts published then.

    Posts published outside the campaign's dates are added on its first or last day so
    the chart's total matches the figures above it.
    """
    by_day: dict[Any, dict[str, int]] = defaultdict(lambda: {"impressions": 0,
                                                             "engagements": 0, "posts": 0})
    for published_at, impressions, engagements in posts.values_list(
            "published_at", "impressions", "engagements"):
        day = min(max(timezone.localdate(published_at), campaign.starts_on), campaign.ends_on)
        by_day[day]["impressions"] += impressions or 0
        by_day[day]["engagements"] += engagements or 0
        by_day[day]["posts"] += 1
    days = (campaign.ends_on - campaign.starts_on).days + 1
    return [{"day": (day := campaign.starts_on + timedelta(days=n)).isoformat(),
             **by_day.get(day, {"impressions": 0, "engagements": 0, "posts": 0})}
            for n in range(days)]


def _inbox_counts(conversations: Any, key: str) -> dict[Any, dict[str, Any]]:
    rows = conversations.values(key).order_by().annotate(
        total=Count("pk"), answered=Count("pk", filter=Q(first_responded_at__isnull=False)),
        # On time as the inbox's own report counts it (see kpis.inbox_kpis).
        within=Count("pk", filter=Q(first_responded_at__isnull=False) & (
            Q(first_response_due_at__isnull=True)
            | Q(first_responded_at__lte=F("first_response_due_at")))))
    delays: dict[Any, list[float]] = defaultdict(list)
    for group, first, answered in conversations.filter(
            first_responded_at__isnull=False).values_list(key, "first_inbound_at",
                                                          "first_responded_at"):
        delays[group].append((answered - first).total_seconds())
    return {row[key]: {
        "conversations": row["total"], "answered": row["answered"],
        "response_rate": ratio(row["answered"], row["total"]),
        "within_target": ratio(row["within"], row["answered"]),
        "median_response_seconds": (statistics.median(delays[row[key]])
                                    if delays[row[key]] else None),
    } for row in rows}


def team_dashboard(scope: Scope, period: Period) -> dict[str, Any]:
    """Return the inbox's response KPIs per person and per channel, and replies sent.

    A conversation counts for the person who sent its first reply; one not answered by a
    person yet counts for its assignee (unassigned ones are grouped apart). "Replies sent"
    counts the outgoing messages each person sent in the period, on any conversation.
    """
    start, end = period.bounds()
    conversations = Conversation.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        first_inbound_at__gte=start, first_inbound_at__lt=end, spam=False)
    first_reply_by = (Message.objects.filter(conversation=OuterRef("pk"), direction=Direction.OUT,
                                             sent_by__isnull=False)
                      .order_by("created_at", "pk").values("sent_by_id")[:1])
    per_person = _inbox_counts(conversations.annotate(
        person=Coalesce(Subquery(first_reply_by), F("assignee_id"),
                        output_field=BigIntegerField())), "person")
    replies: dict[int | None, int] = dict(Message.objects.filter(
        conversation__organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        direction=Direction.OUT, sent_by__isnull=False, created_at__gte=start,
        created_at__lt=end).values("sent_by_id").order_by().annotate(n=Count("pk"))
        .values_list("sent_by_id", "n"))
    people_ids: set[int | None] = set(per_person) | set(replies)
    names: dict[int | None, str] = {m.pk: m.display_name for m in
             Member.objects.filter(organization_id=scope.organization_id,
                                   pk__in=[pk for pk in people_ids if pk is not None])
             .select_related("user")}
    empty = {"conversations": 0, "answered": 0, "response_rate": None,
             "within_target": None, "median_response_seconds": None}
    people = [{"member_id": pk, "name": names.get(pk, ""),
               **per_person.get(pk, empty), "replies": replies.get(pk, 0)}
              for pk in people_ids if pk is None or pk in names]
    people.sort(key=lambda p: (p["member_id"] is None, -p["replies"], -p["conversations"],
                               p["name"]))
    per_channel = _inbox_counts(conversations, "channel_id")
    channel_names = dict((pk, (name, network)) for pk, name, network in Channel.objects.filter(
        pk__in=list(per_channel)).values_list("pk", "display_name", "network"))
    channels = [{"channel": channel_names[pk][0], "network": channel_names[pk][1], **row}
                for pk, row in per_channel.items()]
    channels.sort(key=lambda c: (-c["conversations"], c["channel"]))
    return {"people": people, "channels": channels}
