"""Lay out each dashboard table as a header and rows, for CSV and XLSX downloads."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialops.analytics import kpis
from socialops.analytics.kpis import Period, Scope

TABLES: dict[str, str | Promise] = {
    "daily": _("Daily totals"),
    "channels": _("Channels"),
    "top_posts": _("Top posts"),
    "campaigns": _("Campaigns"),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "daily": ("day", "followers", "follower_change", "impressions", "reach", "engagements",
              "profile_visits", "link_clicks", "video_views"),
    "channels": ("channel", "network", "impressions", "reach", "engagements",
                 "engagement_rate_reach", "follower_change", "link_clicks", "video_views"),
    "top_posts": ("published_at", "channel", "network", "text", "impressions", "reach",
                  "engagements", "engagement_rate_reach", "clicks", "video_views"),
    "campaigns": ("campaign", "posts", "impressions", "impressions_vs_target", "reach",
                  "engagements", "engagements_vs_target", "engagement_rate_reach", "clicks",
                  "clicks_vs_target", "spend", "currency", "cpm", "cpc", "cpe"),
}


def _rows(table: str, scope: Scope, period: Period) -> list[dict[str, Any]]:
    if table == "daily":
        return kpis.daily_series(scope, period)
    if table == "channels":
        return kpis.by_channel(scope, period)
    if table == "top_posts":
        return kpis.top_posts(scope, period, limit=100)
    return kpis.campaign_results(scope, period)


def table_rows(table: str, scope: Scope, period: Period) -> tuple[list[str], list[list[Any]]]:
    """Return the column names and the rows of one table (unknown values stay None)."""
    columns = COLUMNS[table]
    return list(columns), [[row.get(c) for c in columns] for row in _rows(table, scope, period)]
