"""The demo fast clock: a replayed series raises real alerts within seconds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from socialops.cli import main
from socialops.core import paging
from socialops.core.models import Organization
from socialops.listening import replay
from socialops.listening.models import Alert, SeriesBucket

pytestmark = pytest.mark.django_db


def test_a_synthetic_crisis_replayed_raises_a_volume_alert_on_the_last_buckets(
        make_org: Callable[..., Organization], django_capture_on_commit_callbacks: Any) -> None:
    org = make_org()
    pages: list[paging.PageRequest] = []
    paging.register_pager(pages.append)
    naps: list[float] = []
    try:
        with django_capture_on_commit_callbacks(execute=True):
            query = replay.replay(org, replay.synthetic_series(), name="Drill", live=24,
                                  interval=1.5, sleep=naps.append)
    finally:
        paging._pagers.remove(pages.append)
    assert "Drill (replay" in query.name and not query.is_active
    assert SeriesBucket.objects.filter(query=query).count() == len(replay.synthetic_series())
    alerts = list(Alert.objects.filter(query=query))
    assert "volume" in {a.metric for a in alerts}
    last = SeriesBucket.objects.filter(query=query).order_by("-start")[0].start
    spike_start = last - 11 * replay.BUCKET
    assert all(a.bucket_start >= spike_start for a in alerts), "no alert on the quiet days"
    assert naps == [1.5] * 23
    assert {p.kind for p in pages} == {"listening_alert"}


def test_the_command_replays_a_csv_and_prints_one_line_a_bucket(
        make_org: Callable[..., Organization], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    org = make_org()
    rows = replay.synthetic_series(days=2)
    csv = tmp_path / "spike.csv"
    csv.write_text("timestamp,value\n" + "".join(
        f"2026-01-01T00:00:00,{r.volume}\n" for r in rows), encoding="utf-8")
    status = main(["listening", "replay", "--org", org.slug, "--series", str(csv),
                   "--live", "12", "--interval", "0"])
    out = capsys.readouterr().out.splitlines()
    lines: list[dict[str, Any]] = [json.loads(line) for line in out if line.startswith("{")]
    assert status == 0 and len(lines) == 12
    assert any(line["alerts"] for line in lines)
    assert Alert.objects.filter(organization=org, query__name__startswith="spike").exists()


def test_the_command_refuses_an_unknown_organization_or_a_short_series(
        make_org: Callable[..., Organization], tmp_path: Path) -> None:
    assert main(["listening", "replay", "--org", "nope", "--interval", "0"]) == 2
    short = tmp_path / "short.csv"
    short.write_text("2026-01-01T00:00:00,3\n", encoding="utf-8")
    assert main(["listening", "replay", "--org", make_org().slug, "--series", str(short),
                 "--interval", "0"]) == 2
