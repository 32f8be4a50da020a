"""The dashboard page, its exports and the API: numbers, permissions, bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from socialops.analytics.tests.data import fill_days, published_post
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def setup(make_org: Callable[..., Organization], make_channel: Callable[..., Channel],
          make_member: Callable[..., Member]) -> dict[str, Any]:
    org = make_org()
    channel = make_channel(org, display_name="Arlette Instagram")
    today = timezone.localdate()
    fill_days(channel, today - timedelta(days=59), 60, impressions=1234, reach=600,
              engagements=60)
    published_post(channel, "=HYPERLINK(\"http://evil\") <script>alert(1)</script>",
                   datetime.combine(today, datetime.min.time(), UTC) - timedelta(days=2),
                   reach=500, engagements=42)
    return {"org": org, "channel": channel, "manager": make_member(org, "manager")}


def test_the_dashboard_shows_kpis_tables_and_definitions(setup: dict[str, Any]) -> None:
    response = _client(setup["manager"]).get("/analytics/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "34,552" in html  # 28 days x 1,234 impressions
    assert "10.0%" in html  # engagement rate by reach: 60 / 600
    assert "Reactions + comments + shares + saves" in html  # definition on hover
    assert "<script>alert(1)</script>" not in html
    assert "chart.umd.min.js" in html and "cdn" not in html.lower()


def test_french_numbers(setup: dict[str, Any]) -> None:
    client = _client(setup["manager"])
    client.cookies["socialops_language"] = "fr"
    html = client.get("/analytics/").content.decode()
    assert "34\u00a0552" in html and "10,0 %" in html


def test_filters_and_bad_dates(setup: dict[str, Any]) -> None:
    client = _client(setup["manager"])
    today = timezone.localdate()
    response = client.get("/analytics/", {"start": (today - timedelta(days=1)).isoformat(),
                                          "end": today.isoformat()})
    assert "2,468" in response.content.decode()
    bad = client.get("/analytics/", {"start": "yesterday"})
    assert bad.status_code == 400
    assert "Dates must look like" in bad.content.decode()


def test_csv_export_neutralises_formulas(setup: dict[str, Any]) -> None:
    client = _client(setup["manager"])
    response = client.get("/analytics/export/", {"table": "top_posts"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["published_at", "channel", "network"]
    assert rows[1][3].startswith("'=HYPERLINK")
    daily_csv = client.get("/analytics/export/", {"table": "daily", "format": "csv"})
    daily = list(csv.reader(io.StringIO(daily_csv.content.decode())))
    assert len(daily) == 29 and daily[-1][3] == "1234" and daily[-1][8] == ""
    xlsx = client.get("/analytics/export/", {"table": "campaigns",
                                                    "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client.get("/analytics/export/", {"table": "secrets"}).status_code == 404


def test_a_contributor_cannot_read_analytics(setup: dict[str, Any],
                                             make_member: Callable[..., Member]) -> None:
    client = _client(make_member(setup["org"], "contributor"))
    assert client.get("/analytics/").status_code == 403
    assert client.get("/api/v1/analytics/dashboard").status_code == 403


def test_another_organizations_channel_matches_nothing(
    setup: dict[str, Any], make_org: Callable[..., Organization],
    make_member: Callable[..., Member],
) -> None:
    outsider = make_member(make_org(), "owner")
    data = _client(outsider).get("/api/v1/analytics/dashboard",
                                 {"channel": setup["channel"].pk}).json()
    assert data["kpis"]["impressions"] is None and data["channels"] == []
    days = _client(outsider).get("/api/v1/analytics/channel-days").json()
    assert days["count"] == 0


def test_the_api_serves_kpis_and_paginated_rows(setup: dict[str, Any]) -> None:
    client = _client(setup["manager"])
    data = client.get("/api/v1/analytics/dashboard").json()
    assert data["kpis"]["impressions"] == 28 * 1234
    assert data["change_previous"]["impressions"] == 0
    assert data["change_last_year"]["impressions"] is None
    assert len(data["series"]) == 28
    page = client.get("/api/v1/analytics/channel-days", {"limit": 10}).json()
    assert page["count"] == 28 and len(page["items"]) == 10
    assert page["items"][0]["video_views"] is None
    posts = client.get("/api/v1/analytics/posts").json()
    assert posts["items"][0]["engagements"] == 42
    bad = client.get("/api/v1/analytics/dashboard", {"start": "2026-10-31", "end": "2026-10-01"})
    assert bad.status_code == 400 and bad.json()["message"]


def test_the_menu_links_the_dashboard(setup: dict[str, Any]) -> None:
    html = _client(setup["manager"]).get("/").content.decode()
    assert 'href="/analytics/"' in html


def test_the_dashboard_opens_on_the_summary(setup: dict[str, Any]) -> None:
    html = _client(setup["manager"]).get("/analytics/").content.decode()
    assert "Engagements held steady at 1,680 (+0.0%)." in html
