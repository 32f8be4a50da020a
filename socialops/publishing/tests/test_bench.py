"""`socialops bench publish` end to end: real workers, real sandbox, faults and a kill."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from socialops.publishing.bench import _percentile


def test_a_tiny_bench_under_faults_publishes_everything_exactly_once(tmp_path: Path) -> None:
    # Its own SQLite database and broker: the workers are separate processes.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SOCIALOPS_DATABASE", "SOCIALOPS_TEST_DATABASE",
                                  "SOCIALOPS_BROKER"))}
    env.update({"SOCIALOPS_DATA_DIR": str(tmp_path), "SOCIALOPS_TASKS_EAGER": "false"})
    done = subprocess.run(
        [sys.executable, "-m", "socialops.cli", "bench", "publish", "--posts", "20",
         "--channels", "4", "--workers", "1", "--concurrency", "4", "--fault-rate", "0.3",
         "--spread", "5", "--kill-worker", "--timeout", "240"],
        env=env, capture_output=True, text=True, timeout=400, check=False)
    assert done.stdout.strip(), done.stderr[-3000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert (summary["posts"], summary["published"]) == (20, 20), done.stdout[-3000:]
    assert summary["missed"] == 0 and summary["duplicates"] == 0, summary
    assert summary["killed_workers"] == 1 and not summary["timed_out"]
    assert summary["lateness_p50_s"] is not None and summary["rate_limited_late"] == 0
    assert done.returncode == 0


@pytest.mark.parametrize(("values", "share", "expected"), [
    ([], 0.5, None), ([3.0, 1.0, 2.0], 0.5, 2.0), ([float(i) for i in range(1, 101)], 0.99, 99.0),
])
def test_percentile_is_nearest_rank(values: list[float], share: float,
                                    expected: float | None) -> None:
    assert _percentile(values, share) == expected
