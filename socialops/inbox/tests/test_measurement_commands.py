"""`socialops triage eval` and `socialops bench ingest`: shapes, figures and clean-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from socialops.cli import main
from socialops.core.models import AuditEvent, Organization
from socialops.governance.models import Channel
from socialops.inbox.bench import RunResult, bench_ingest
from socialops.inbox.models import Contact, Conversation, Message, UrgentNotice
from socialops.inbox.triage.evaluation import label, pearson, weighted_f1

GROUND_TRUTH = (
    "1\t3.1\tI love this, absolutely wonderful and amazing!\r\n"
    "2\t2.2\tGreat service, thank you so much :)\r\n"
    "3\t0.0\tThe store opens at nine on Monday.\r\n"
    "4\t-2.4\tThis is terrible, I hate it and I am very angry.\r\n"
    "5\t-3.0\tWorst experience ever, awful and disgusting.\r\n"
    "6\t0.02\tThe parcel is a box with a label.\r\n"
)


def _last_json(out: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def test_labels_use_the_same_strict_thresholds_on_both_sides() -> None:
    assert [label(x) for x in (0.06, 0.05, 0.0, -0.05, -0.06)] == [
        "positive", "neutral", "neutral", "neutral", "negative"]


def test_pearson_and_weighted_f1_match_hand_computed_values() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
    truth = ["positive", "positive", "negative", "neutral"]
    predicted = ["positive", "neutral", "negative", "neutral"]
    # positive: P 1, R 0.5, F1 2/3 (support 2); negative F1 1 (1); neutral: P 0.5, R 1, F1 2/3 (1).
    assert weighted_f1(truth, predicted) == pytest.approx((2 * 2 / 3 + 1 + 2 / 3) / 4)


@pytest.mark.django_db
def test_triage_eval_reports_pearson_and_f1_on_a_ground_truth_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tweets_GroundTruth.txt"
    path.write_bytes(GROUND_TRUTH.encode())
    assert main(["triage", "eval", "--vader", str(path)]) == 0
    out = capsys.readouterr().out
    result = _last_json(out)
    assert set(result) == {"items", "pearson_r", "weighted_f1"}
    assert result["items"] == 6
    assert result["weighted_f1"] == 1.0
    assert isinstance(result["pearson_r"], float) and result["pearson_r"] > 0.9
    assert "above 0.05" in out


@pytest.mark.django_db
def test_triage_eval_refuses_a_missing_or_malformed_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["triage", "eval", "--vader", str(tmp_path / "none.txt")]) == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("1\tnot-a-number\thello\n")
    assert main(["triage", "eval", "--vader", str(bad)]) == 2
    assert "bad.txt:1" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_bench_ingest_prints_the_json_line_and_leaves_nothing_behind(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "ingest", "--messages", "90", "--runs", "2", "--batch", "40"]) == 0
    out = capsys.readouterr().out
    result = _last_json(out)
    assert set(result) == {"messages", "ingest_per_s", "raw_upsert_per_s", "ratio"}
    assert result["messages"] == 90
    assert all(isinstance(result[k], float) and result[k] > 0  # type: ignore[operator]
               for k in ("ingest_per_s", "raw_upsert_per_s", "ratio"))
    assert out.count("90 rows") == 2
    _assert_clean()


@pytest.mark.django_db(transaction=True)
def test_bench_ingest_runs_the_real_pipeline_on_every_message() -> None:
    from unittest import mock

    from socialops.inbox import bench

    stored: list[tuple[int, int, int]] = []
    original = bench._time_raw

    def time_raw_then_look(rows: list[dict[str, Any]], size: int) -> float:
        # Before the run's clean-up: what ingest stored is triaged and threaded.
        seconds = original(rows, size)
        org_id = Channel.objects.get(pk=rows[0]["channel_id"]).organization_id
        messages = Message.objects.filter(conversation__organization_id=org_id)
        stored.append((messages.count(),
                       Conversation.objects.filter(organization_id=org_id).count(),
                       messages.exclude(language="unknown").count()))
        return seconds

    reports: list[RunResult] = []
    with mock.patch.object(bench, "_time_raw", time_raw_then_look):
        summary = bench_ingest(120, runs=1, size=50,
                               report=lambda _n, result: reports.append(result))
    assert summary["messages"] == 120
    messages, conversations, with_language = stored[0]
    assert messages == 120 and 0 < conversations <= 120 and with_language > 100
    assert [r.stored for r in reports] == [120]
    _assert_clean()


def _assert_clean() -> None:
    assert not Organization.objects.filter(name__startswith="Bench ingest").exists()
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()
    assert not Contact.objects.exists()
    assert not UrgentNotice.objects.exists()
    assert not Channel.objects.exists()
    assert not AuditEvent.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email__endswith="@bench.invalid").exists()
