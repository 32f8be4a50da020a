"""`socialops triage classify|eval`, `socialops inbox poll`, `socialops bench ingest|inbox`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

Handler = Callable[[argparse.Namespace], int]
CLASSIFY_BATCH = 256


def _batches(lines: Iterator[str]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError("each line must be a JSON object")
        batch.append(row)
        if len(batch) >= CLASSIFY_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def cmd_triage_classify(args: argparse.Namespace) -> int:
    """Read {"id", "text"} JSON lines on stdin, write the triage of each on stdout."""
    from socialops.inbox.triage import get_classifier, priority_for

    classifier = get_classifier()
    try:
        for batch in _batches(iter(sys.stdin)):
            texts = [str(row.get("text", "")) for row in batch]
            for row, triage in zip(batch, classifier.classify(texts), strict=True):
                print(json.dumps({
                    "id": row.get("id"), "language": triage.language,
                    "sentiment": triage.sentiment, "sentiment_score": triage.sentiment_score,
                    "spam": triage.spam, "urgent": triage.urgent,
                    "priority": priority_for(triage),
                }, ensure_ascii=False), flush=False)
    except ValueError as exc:
        print(_("socialops: invalid input: %(error)s") % {"error": exc}, file=sys.stderr)
        return 2
    sys.stdout.flush()
    return 0


def cmd_triage_eval(args: argparse.Namespace) -> int:
    """Compare the classifier's sentiment with VADER's ground truth; last line JSON."""
    from socialops.inbox.triage import get_classifier
    from socialops.inbox.triage.evaluation import (
        NEGATIVE_BELOW,
        POSITIVE_ABOVE,
        evaluate,
        read_ground_truth,
    )

    path = Path(args.vader)
    if not path.is_file():
        print(_("socialops: no file %(path)s") % {"path": path}, file=sys.stderr)
        return 2
    try:
        rows = read_ground_truth(path)
    except ValueError as exc:
        print(_("socialops: invalid input: %(error)s") % {"error": exc}, file=sys.stderr)
        return 2
    result = evaluate(get_classifier(), rows)
    print(_("Classes: positive above %(pos)s, negative below %(neg)s, neutral otherwise "
            "(ratings and scores alike).") % {"pos": POSITIVE_ABOVE, "neg": NEGATIVE_BELOW})
    languages = ", ".join(f"{lang} {n}" for lang, n in sorted(result.languages.items()))
    print(_("Detected languages: %(languages)s") % {"languages": languages})
    print(json.dumps({"items": result.items, "pearson_r": result.pearson_r,
                      "weighted_f1": result.weighted_f1}))
    return 0


def cmd_bench_ingest(args: argparse.Namespace) -> int:
    """Time ingest + triage against a raw batched insert of the same rows; last line JSON."""
    from socialops.inbox.bench import RunResult, bench_ingest

    if args.messages < 1 or args.runs < 1 or args.batch < 1:
        print(_("socialops: --messages, --runs and --batch must be at least 1"),
              file=sys.stderr)
        return 2

    def report(number: int, result: RunResult) -> None:
        print(_("run %(n)s: ingest %(ingest).2f s, raw insert %(raw).2f s, %(stored)s rows")
              % {"n": number, "ingest": result.ingest_seconds, "raw": result.raw_seconds,
                 "stored": result.stored}, flush=True)

    summary = bench_ingest(args.messages, runs=args.runs, size=args.batch, report=report)
    print(json.dumps(summary))
    return 0


def cmd_bench_inbox(args: argparse.Namespace) -> int:
    """Time the inbox's default queue, a filtered queue and a search; last line JSON."""
    from socialops.inbox.bench_queue import bench_inbox

    if args.messages < 10 or args.samples < 2:
        print(_("socialops: --messages must be at least 10 and --samples at least 2"),
              file=sys.stderr)
        return 2
    summary = bench_inbox(args.messages, samples=args.samples,
                          report=lambda line: print(line, flush=True))
    print(json.dumps(summary))
    return 0


def cmd_inbox_poll(args: argparse.Namespace) -> int:
    """Poll every due channel now, in this process."""
    from socialops.inbox.services import due_channels, poll_channel

    for channel_id in due_channels():
        outcome = poll_channel(channel_id)
        print(f"{channel_id}\t{outcome.ingested}\t{outcome.error}")
    return 0


def register(add: Callable[..., argparse.ArgumentParser], add_bench: Callable[..., Any]) -> None:
    """Add the inbox's subcommands to the `socialops` command."""
    triage = add("triage", lambda a: 2, _("Triage messages (language, sentiment, urgency)."))
    triage_sub = triage.add_subparsers(dest="triage_command", metavar="ACTION", required=True)
    add("classify", cmd_triage_classify,
        _("Read JSON lines {id, text} on standard input; write their triage as JSON lines."),
        triage_sub)
    p = add("eval", cmd_triage_eval,
            _("Measure the sentiment against VADER's ground truth; the last line is JSON."),
            triage_sub)
    p.add_argument("--vader", required=True,
                   help=_("ground-truth file: id, mean rating and text per line, tab-separated"))
    p = add_bench("ingest", cmd_bench_ingest,
                  _("Measure ingest and triage against a raw batched insert of the same rows."))
    p.add_argument("--messages", type=int, default=2000, help=_("messages to generate"))
    p.add_argument("--runs", type=int, default=3, help=_("runs in this process (medians)"))
    p.add_argument("--batch", type=int, default=500, help=_("messages per ingest batch"))
    p = add_bench("inbox", cmd_bench_inbox,
                  _("Fill a large inbox and time its queue, a filtered queue and a search."))
    p.add_argument("--messages", type=int, default=100_000, help=_("messages to insert"))
    p.add_argument("--samples", type=int, default=40, help=_("timed requests per page"))
    inbox = add("inbox", lambda a: 2, _("Work with the community inbox."))
    inbox_sub = inbox.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)
    add("poll", cmd_inbox_poll, _("Poll the inbox of every due channel now."), inbox_sub)
