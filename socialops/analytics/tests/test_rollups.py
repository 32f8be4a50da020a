"""The monthly rollup gives the same sums as the daily rows, for any period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db.models import Sum

from socialops.analytics import rollups
from socialops.analytics.collection import store_account_metrics
from socialops.analytics.models import MONTH_TOTALS, ChannelDayMetrics
from socialops.analytics.tests.data import fill_days
from socialops.connectors.base import AccountMetrics
from socialops.core.models import Organization
from socialops.governance.models import Channel

pytestmark = pytest.mark.django_db


def test_split_into_whole_months_and_edges() -> None:
    assert rollups.split(date(2026, 1, 15), date(2026, 4, 10)) == (
        (date(2026, 2, 1), date(2026, 3, 1)),
        [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 4, 1), date(2026, 4, 10))])
    assert rollups.split(date(2026, 2, 1), date(2026, 2, 28)) == (
        (date(2026, 2, 1), date(2026, 2, 1)), [])
    assert rollups.split(date(2026, 2, 3), date(2026, 2, 20)) == (
        None, [(date(2026, 2, 3), date(2026, 2, 20))])


@pytest.mark.parametrize(("start", "days"), [(0, 1), (3, 40), (20, 365), (0, 600), (45, 59)])
def test_rolled_up_sums_equal_daily_sums(make_org: Callable[..., Organization],
                                         make_channel: Callable[..., Channel],
                                         start: int, days: int) -> None:
    org = make_org()
    a, b = make_channel(org), make_channel(org)
    first = date(2025, 1, 17)
    fill_days(a, first, 700, impressions=1000, reach=400, engagements=30)
    fill_days(b, first + timedelta(days=100), 300, impressions=77, reach=33, engagements=0)
    begin = first + timedelta(days=start)
    end = begin + timedelta(days=days - 1)
    expected = ChannelDayMetrics.objects.filter(day__gte=begin, day__lte=end).aggregate(
        **{name: Sum(name) for name in MONTH_TOTALS})
    assert rollups.sums(org.pk, (a.pk, b.pk), begin, end) == expected
    per_channel = rollups.sums_by_channel(org.pk, (a.pk, b.pk), begin, end)
    assert sum(v["impressions"] or 0 for v in per_channel.values()) == expected["impressions"]


def test_recollecting_a_day_updates_its_month(make_org: Callable[..., Organization],
                                              make_channel: Callable[..., Channel]) -> None:
    channel = make_channel(make_org())
    day = date(2026, 3, 10)
    store_account_metrics(channel, [AccountMetrics(day=day, impressions=10)],
                          {"impressions": "impressions"})
    store_account_metrics(channel, [AccountMetrics(day=day, impressions=25, reach=5)],
                          {"impressions": "impressions"})
    totals = rollups.sums(channel.organization_id, (channel.pk,), date(2026, 3, 1),
                          date(2026, 3, 31))
    assert totals["impressions"] == 25 and totals["reach"] is None
