"""`socialops bench dashboard` at a tiny size: it fills, times, cleans up and prints JSON."""

from __future__ import annotations

import json

import pytest

from socialops.analytics.models import ChannelDayMetrics, PostMetricSnapshot
from socialops.cli import main
from socialops.core.models import Organization

pytestmark = pytest.mark.django_db


def test_a_small_bench_prints_its_figures_and_leaves_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "dashboard", "--channels", "5", "--days", "30", "--posts", "1000",
                 "--runs", "2"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["channel_days"] == 150 and summary["post_metric_rows"] == 990
    assert summary["p95_ms"] >= summary["median_ms"] > 0
    assert not Organization.objects.filter(name__startswith="Bench dashboard").exists()
    assert not ChannelDayMetrics.objects.exists() and not PostMetricSnapshot.objects.exists()


def test_bad_sizes_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "dashboard", "--channels", "0"]) == 2
    assert "at least 1" in capsys.readouterr().err
