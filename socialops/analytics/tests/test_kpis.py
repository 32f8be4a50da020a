"""KPI arithmetic on fixed data: rates, growth, comparisons, zero denominators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from socialops.analytics import kpis
from socialops.analytics.kpis import Period, Scope
from socialops.analytics.tests.data import fill_days, published_post
from socialops.core.models import Organization
from socialops.governance.models import Channel
from socialops.publishing.models import Campaign

pytestmark = pytest.mark.django_db
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def test_periods_compare_with_the_previous_period_and_last_year() -> None:
    assert OCTOBER.days == 31
    assert OCTOBER.previous() == Period(date(2026, 8, 31), date(2026, 9, 30))
    assert OCTOBER.last_year() == Period(date(2025, 10, 1), date(2025, 10, 31))
    assert Period(date(2028, 2, 29), date(2028, 2, 29)).last_year().start == date(2027, 2, 28)
    with pytest.raises(ValueError, match="ends before"):
        Period(date(2026, 10, 2), date(2026, 10, 1))


def test_ratio_of_nothing_is_unknown_not_zero_or_a_crash() -> None:
    assert kpis.ratio(5, 0) is None
    assert kpis.ratio(None, 10) is None
    assert kpis.ratio(0, 10) == 0
    assert kpis.change(10, 0) is None
    assert kpis.change(12, 10) == pytest.approx(0.2)
    assert kpis.cost_kpis(None, 1000, 10, 10) == {"cpm": None, "cpc": None, "cpe": None}
    assert kpis.cost_kpis(50.0, 10_000, 0, 100) == {"cpm": 5.0, "cpc": None, "cpe": 0.5}


def test_channel_kpis_and_comparison(make_org: Callable[..., Organization],
                                     make_channel: Callable[..., Channel]) -> None:
    org = make_org()
    a, b = make_channel(org), make_channel(org)
    fill_days(a, date(2026, 9, 1), 61, followers=1000, gain=10, engagements=50)
    fill_days(b, date(2026, 10, 1), 31, followers=2000, gain=0, reach=0, engagements=0)
    scope = Scope(org.pk, (a.pk, b.pk))
    k = kpis.channel_kpis(scope, OCTOBER)
    assert k["impressions"] == 62_000
    assert k["reach"] == 15_500  # b reports no reach at all (0)
    assert k["engagements"] == 1550
    assert k["engagement_rate_reach"] == pytest.approx(0.1)
    assert k["engagement_rate_impressions"] == pytest.approx(1550 / 62_000)
    # Followers at the end: a = 1000 + 10 x 61, b = 2000 + 0.
    assert k["followers"] == 1610 + 2000
    # Growth: 310 gained over the followers at the start (a on 30 September, b unknown).
    assert k["follower_growth"] == pytest.approx(310 / 1300)
    previous = kpis.channel_kpis(scope, OCTOBER.previous())
    assert previous["engagements"] == 30 * 50
    assert kpis.compare(k, previous)["engagements"] == pytest.approx(1550 / 1500 - 1)
    # No data last year: every change is unknown.
    assert kpis.compare(k, kpis.channel_kpis(scope, OCTOBER.last_year()))["reach"] is None


def test_an_empty_scope_gives_unknowns(make_org: Callable[..., Organization]) -> None:
    k = kpis.channel_kpis(Scope(make_org().pk, ()), OCTOBER)
    assert k["engagement_rate_reach"] is None and k["follower_growth"] is None
    assert k["impressions"] is None


def test_top_posts_campaigns_and_best_times(make_org: Callable[..., Organization],
                                           make_channel: Callable[..., Channel]) -> None:
    org = make_org()
    channel = make_channel(org)
    scope = Scope(org.pk, (channel.pk,))
    autumn = Campaign.objects.create(organization=org, name="Autumn",
                                     starts_on=date(2026, 9, 15), ends_on=date(2026, 11, 15),
                                     spend=Decimal("150.00"), target_impressions=10_000)
    for week in range(3):  # three Tuesdays at 10:00 Paris (08:00 UTC), strong
        published_post(channel, f"Tuesday {week}", datetime(2026, 10, 6 + 7 * week, 8,
                                                            tzinfo=UTC),
                       reach=1000, engagements=100, campaign=autumn)
    published_post(channel, "Sunday", datetime(2026, 10, 4, 18, tzinfo=UTC), reach=1000,
                   engagements=10)
    top = kpis.top_posts(scope, OCTOBER, limit=2)
    assert [p["engagements"] for p in top] == [100, 100]
    campaigns = kpis.campaign_results(scope, OCTOBER)
    assert campaigns == [{
        "campaign_id": autumn.pk, "campaign": "Autumn", "posts": 3, "impressions": 6000,
        "reach": 3000,
        "engagements": 300, "clicks": 3, "engagement_rate_reach": 0.1, "spend": 150.0,
        "currency": "EUR", "impressions_vs_target": 0.6, "engagements_vs_target": None,
        "clicks_vs_target": None, "cpm": 25.0, "cpc": 50.0, "cpe": 0.5}]
    # A campaign over before the period is not shown.
    assert kpis.campaign_results(scope, Period(date(2026, 12, 1), date(2026, 12, 31))) == []
    slots = kpis.best_times(scope, OCTOBER.end)
    assert slots[0]["weekday"] == 2 and slots[0]["hour"] == 10 and slots[0]["posts"] == 3
    assert all(slot["posts"] >= 2 for slot in slots)
    assert kpis.posting_mix(scope, OCTOBER)["published"] == 4
