"""REST endpoints of the analytics app, with the same permissions as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from socialops.analytics.breakdowns import campaign_dashboard, team_dashboard
from socialops.analytics.dashboard import dashboard_data
from socialops.analytics.kpis import Scope
from socialops.analytics.models import ChannelDayMetrics, PostMetrics
from socialops.analytics.scope import Filters, require_analytics, scope_for
from socialops.core.api_auth import api_member
from socialops.core.api_pagination import Pagination
from socialops.publishing.models import Campaign

router = Router(tags=["analytics"])


class ChannelDayOut(Schema):
    channel_id: int
    day: date
    followers: int | None
    follower_change: int | None
    impressions: int | None
    reach: int | None
    engagements: int | None
    profile_visits: int | None
    link_clicks: int | None
    video_views: int | None


class PostMetricsOut(Schema):
    variant_id: int
    post_id: int
    channel_id: int
    published_at: datetime
    impressions: int | None
    reach: int | None
    reactions: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    clicks: int | None
    video_views: int | None
    engagements: int

    @staticmethod
    def resolve_post_id(obj: PostMetrics) -> int:
        return obj.variant.post_id


def _scope(request: HttpRequest, start: str, end: str, channel: int | None,
           network: str) -> tuple[Scope, Filters]:
    member = require_analytics(api_member(request))
    filters = Filters.parse({"start": start, "end": end, "channel": channel,
                             "network": network})
    return scope_for(member, filters), filters


@router.get("/analytics/dashboard", url_name="analytics_dashboard",
            summary="KPIs, comparisons, daily series and ranked tables of a period")
def dashboard(request: HttpRequest, start: str = "", end: str = "", channel: int | None = None,
              network: str = "") -> dict[str, Any]:
    scope, filters = _scope(request, start, end, channel, network)
    return dashboard_data(scope, filters.period)


@router.get("/analytics/channel-days", response=list[ChannelDayOut],
            summary="Daily metrics per channel (None: the network does not report it)")
@paginate(Pagination)
def channel_days(request: HttpRequest, start: str = "", end: str = "",
                 channel: int | None = None, network: str = "") -> Any:
    scope, filters = _scope(request, start, end, channel, network)
    return ChannelDayMetrics.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        day__gte=filters.period.start, day__lte=filters.period.end,
    ).order_by("day", "channel_id")


@router.get("/analytics/posts", response=list[PostMetricsOut],
            summary="Latest metrics of the posts published in a period")
@paginate(Pagination)
def posts(request: HttpRequest, start: str = "", end: str = "", channel: int | None = None,
          network: str = "") -> Any:
    scope, filters = _scope(request, start, end, channel, network)
    first, after = filters.period.bounds()
    return PostMetrics.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids,
        published_at__gte=first, published_at__lt=after,
    ).select_related("variant").order_by("-published_at", "pk")



@router.get("/analytics/campaigns/{campaign_id}", url_name="analytics_campaign",
            summary="One campaign against its targets: costs, channels, top posts, chart")
def campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    member = require_analytics(api_member(request))
    item = get_object_or_404(Campaign, pk=campaign_id, organization_id=member.organization_id)
    data = campaign_dashboard(scope_for(member, Filters.parse({})), item)
    return {"campaign": {"id": item.pk, "name": item.name, "starts_on": item.starts_on,
                         "ends_on": item.ends_on, "currency": item.currency}, **data}


@router.get("/analytics/team", url_name="analytics_team",
            summary="The inbox's response figures per person and per channel for a period")
def team(request: HttpRequest, start: str = "", end: str = "", channel: int | None = None,
         network: str = "") -> dict[str, Any]:
    scope, filters = _scope(request, start, end, channel, network)
    return team_dashboard(scope, filters.period)
