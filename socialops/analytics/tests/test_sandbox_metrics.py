"""The sandbox's daily account metrics: deterministic, weekly cycle, growth, real HTTP."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialops.connectors.errors import PermanentError
from socialops.connectors.http import HttpClient
from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.connectors.sandbox.metrics import account_day_metrics


def _day(offset: int) -> dict[str, Any]:
    day = date(2026, 1, 5) + timedelta(days=offset)
    return account_day_metrics(account_id=7, followers=10_000, offset_days=offset,
                               weekday=day.weekday(), day_key=day.isoformat())


def test_the_same_day_gives_the_same_numbers_and_followers_grow() -> None:
    assert _day(3) == _day(3)
    year = [_day(n) for n in range(-364, 1)]
    assert year[-1]["followers"] > year[0]["followers"]
    assert all(d["follower_change"] == d["followers"] - p["followers"]
               for p, d in itertools.pairwise(year))
    weekdays = sum(d["impressions"] for n, d in enumerate(year) if (n + 1) % 7 not in (5, 6))
    weekends = sum(d["impressions"] for n, d in enumerate(year) if (n + 1) % 7 in (5, 6))
    assert weekdays / 5 > weekends / 2  # busier on weekdays
    assert all(d["reach"] <= d["impressions"] for d in year)


def test_the_connector_reads_days_up_to_today(sandbox: Any) -> None:
    account = sandbox.create_account(f"daily{timezone.now().timestamp()}", "sandbox")
    connector = SandboxConnector(account.auth, HttpClient(allow_private=True),
                                 base_url=sandbox.url)
    today = timezone.now().date()
    rows = connector.fetch_account_metrics(today - timedelta(days=400), today + timedelta(days=5))
    assert len(rows) == 401 and rows[-1].day == today
    again = connector.fetch_account_metrics(today - timedelta(days=3), today - timedelta(days=3))
    assert again[0] == rows[-4]
    with pytest.raises(PermanentError):
        connector._get("/v1/me/daily", {"since": "2026-02-30", "until": "2026-03-01"})
