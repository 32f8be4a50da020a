"""The demo's analytics: real sandbox metrics and last month's report in the archive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from socialops.analytics.demo_data import seed_analytics_demo
from socialops.analytics.models import ChannelDayMetrics, ReportRun
from socialops.analytics.tests.conftest import sandbox_channel_for
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel

pytestmark = pytest.mark.django_db


def test_the_demo_collects_a_year_and_archives_a_report(
        sandbox: Any, settings: Any, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel], make_member: Callable[..., Member]) -> None:
    org = make_org()
    channel = sandbox_channel_for(sandbox, org, make_channel)
    seed_analytics_demo(org, {"sophie.durand": make_member(org, "manager")}, sandbox.url)
    assert ChannelDayMetrics.objects.filter(channel=channel).count() == 400
    run = ReportRun.objects.get(organization=org)
    assert run.language == "fr" and run.summary and bytes(run.pdf).startswith(b"%PDF")
