"""Collect metrics from the real sandbox: backfill, upserts, mapping, back-off."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialops.analytics.collection import collect_channel, due_channels
from socialops.analytics.models import ChannelDayMetrics, CollectionState
from socialops.analytics.tasks import collect_due_metrics
from socialops.analytics.tests.conftest import sandbox_channel_for
from socialops.connectors.http import HttpClient
from socialops.connectors.registry import capabilities_for
from socialops.core.models import Organization
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel

pytestmark = pytest.mark.django_db


def test_backfills_ninety_days_then_only_the_gap(sandbox_channel: Channel) -> None:
    outcome = collect_channel(sandbox_channel.pk)
    assert outcome.error == ""
    assert outcome.days == 90
    rows = ChannelDayMetrics.objects.filter(channel=sandbox_channel).order_by("day")
    assert rows.count() == 90
    assert rows.last().day == timezone.localdate()
    # Collecting again asks only for yesterday and today, and upserts them.
    again = collect_channel(sandbox_channel.pk)
    assert again.days == 2
    assert rows.count() == 90


def test_follower_change_is_the_difference_of_followers(sandbox_channel: Channel) -> None:
    collect_channel(sandbox_channel.pk)
    rows = list(ChannelDayMetrics.objects.filter(channel=sandbox_channel).order_by("day"))
    for before, after in itertools.pairwise(rows):
        assert after.follower_change == after.followers - before.followers  # type: ignore[operator]
    assert all(r.reach <= r.impressions for r in rows)  # type: ignore[operator]


def test_metrics_a_network_lacks_are_stored_as_none(
    sandbox: Any, settings: Any, make_org: Callable[..., Organization],
    make_channel: Callable[..., Channel],
) -> None:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    # Emulating X: the sandbox serves every counter, but X only reports followers.
    channel = sandbox_channel_for(sandbox, make_org(), make_channel, network="x")
    assert set(capabilities_for("x").metrics.account) == {"followers"}
    collect_channel(channel.pk)
    row = ChannelDayMetrics.objects.filter(channel=channel).latest("day")
    assert row.followers is not None and row.followers > 0
    assert row.impressions is None and row.reach is None and row.engagements is None
    # X gives no follower change: it is the difference from the day before's count.
    rows = list(ChannelDayMetrics.objects.filter(channel=channel).order_by("day"))
    assert rows[0].follower_change is None
    assert rows[-1].follower_change == rows[-1].followers - rows[-2].followers  # type: ignore[operator]


def test_a_failing_network_backs_off(sandbox: Any, sandbox_channel: Channel) -> None:
    sandbox.admin("POST", "/admin/faults", {"error_5xx": 20})
    try:
        # No real sleeping between the HTTP client's own retries.
        http = HttpClient(allow_private=True, sleep=lambda _seconds: None)
        outcome = collect_channel(sandbox_channel.pk,
                                  connector=connector_for(sandbox_channel, http))
    finally:
        sandbox.admin("POST", "/admin/faults", {"error_5xx": 0})
    assert outcome.error
    state = CollectionState.objects.get(channel=sandbox_channel)
    assert state.consecutive_failures == 1
    assert state.next_due_at is not None and state.next_due_at > timezone.now()
    assert sandbox_channel.pk not in due_channels()
    assert sandbox_channel.pk in due_channels(timezone.now() + timedelta(hours=7))


def test_beat_task_collects_every_due_channel(sandbox_channel: Channel) -> None:
    assert collect_due_metrics() >= 1
    assert ChannelDayMetrics.objects.filter(channel=sandbox_channel).count() == 90
    assert sandbox_channel.pk not in due_channels()
