"""Assemble what a dashboard shows, as plain data the page, the API and exports share."""

from __future__ import annotations

from typing import Any

from socialops.analytics import kpis
from socialops.analytics.kpis import Period, Scope


def dashboard_data(scope: Scope, period: Period) -> dict[str, Any]:
    """Return the KPIs with their comparisons, the daily series and the ranked tables."""
    current = kpis.channel_kpis(scope, period)
    previous = kpis.channel_kpis(scope, period.previous())
    last_year = kpis.channel_kpis(scope, period.last_year())
    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "kpis": current,
        "previous": previous,
        "change_previous": kpis.compare(current, previous),
        "change_last_year": kpis.compare(current, last_year),
        "series": kpis.daily_series(scope, period, kpis.SERIES_SHOWN),
        "channels": kpis.by_channel(scope, period),
        "top_posts": kpis.top_posts(scope, period),
        "posting": kpis.posting_mix(scope, period),
        "best_times": kpis.best_times(scope, period.end),
        "inbox": kpis.inbox_kpis(scope, period),
        "campaigns": kpis.campaign_results(scope, period),
    }
