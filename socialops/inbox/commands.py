"""`socialops triage classify` and `socialops inbox poll`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
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
    inbox = add("inbox", lambda a: 2, _("Work with the community inbox."))
    inbox_sub = inbox.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)
    add("poll", cmd_inbox_poll, _("Poll the inbox of every due channel now."), inbox_sub)
