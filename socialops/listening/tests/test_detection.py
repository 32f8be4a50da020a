"""The spike detector: causal, finds sustained rises, quiet on normal weeks."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from socialops.listening.detection import SeasonalCusumDetector, severity_of
from socialops.listening.evaluation import (
    DEFAULT_PEAK,
    read_series,
    run,
    synthetic_series,
)

NAB = Path(__file__).resolve().parents[4] / "shared" / "data" / "nab-realTweets"


def _with_onset(extra: float, seed: int = 7) -> tuple[list, int]:
    series = synthetic_series(seed, 2, DEFAULT_PEAK)
    onset = 7 * 288 + 3 * 288 + 150  # Thursday of the second week, 12:30
    for i in range(onset, onset + 24):
        stamp, value = series[i]
        series[i] = (stamp, value + extra)
    return series, onset


def test_a_sustained_rise_at_twice_the_peak_alerts_within_fifteen_minutes() -> None:
    series, onset = _with_onset(2 * DEFAULT_PEAK)
    alerts = [a for a in run(SeasonalCusumDetector(), series) if a.timestamp >= series[onset][0]]
    assert alerts, "no alert for a rise to three times the usual peak"
    assert alerts[0].timestamp - series[onset][0] <= timedelta(minutes=15)
    assert alerts[0].severity in {"medium", "high", "critical"}


def test_a_normal_week_raises_nothing() -> None:
    series = synthetic_series(3, 3, DEFAULT_PEAK)
    assert run(SeasonalCusumDetector(), series) == []


def test_decisions_never_depend_on_the_future() -> None:
    series, onset = _with_onset(1.0 * DEFAULT_PEAK, seed=11)
    full = run(SeasonalCusumDetector(), series)
    for cut in (onset - 5, onset + 3, onset + 12, len(series) - 100):
        truncated = run(SeasonalCusumDetector(), series[:cut])
        assert truncated == [a for a in full if a.timestamp <= series[cut - 1][0]]


def test_one_episode_alerts_once() -> None:
    series, onset = _with_onset(3 * DEFAULT_PEAK)
    alerts = [a for a in run(SeasonalCusumDetector(), series) if a.timestamp >= series[onset][0]]
    assert len(alerts) == 1


def test_severity_grows_with_the_ratio_to_normal() -> None:
    assert [severity_of(r) for r in (1.5, 2.5, 5, 12)] == ["low", "medium", "high", "critical"]


def test_read_series_reports_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("timestamp,value\n2026-01-01 00:00:00,3\nnot-a-date,4\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"s\.csv:3"):
        read_series(path)


def test_cli_prints_one_json_line_per_alert(tmp_path: Path) -> None:
    series, onset = _with_onset(2 * DEFAULT_PEAK)
    path = tmp_path / "volume.csv"
    path.write_text("timestamp,value\n" + "".join(
        f"{stamp.strftime('%Y-%m-%d %H:%M:%S')},{value:g}\n" for stamp, value in series),
        encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "socialops.cli", "listening", "detect", "--series", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(alerts) == 1
    assert set(alerts[0]) >= {"timestamp", "score", "severity"}
    assert alerts[0]["timestamp"].startswith(series[onset][0].strftime("%Y-%m-%dT%H"))


@pytest.mark.skipif(not (NAB / "windows.json").exists(), reason="shared NAB data not present")
def test_finds_the_labelled_windows_of_a_real_series() -> None:
    windows = json.loads((NAB / "windows.json").read_text(encoding="utf-8"))
    series = read_series(NAB / "Twitter_volume_AAPL.csv")
    alerts = run(SeasonalCusumDetector(), series)
    found = 0
    for start, end in windows["Twitter_volume_AAPL.csv"]:
        lo, hi = (s.replace(" ", "T") + "+00:00" for s in (start, end))
        found += any(lo <= a.timestamp.isoformat() <= hi for a in alerts)
    assert found >= 3
