"""`socialops listening detect`, `socialops listening replay` and `socialops bench detect`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from socialops.listening.detection import SeasonalCusumDetector
from socialops.listening.evaluation import evaluate_nab, evaluate_synthetic, read_series, run

DEFAULT_NAB_DIR = Path(settings.BASE_DIR).parent.parent / "shared" / "data" / "nab-realTweets"


def detect(args: argparse.Namespace) -> int:
    """Print one JSON line per alert the production detector raises on a CSV series."""
    path = Path(args.series)
    if not path.is_file():
        print(_("socialops: no file %(path)s") % {"path": path}, file=sys.stderr)
        return 2
    try:
        series = read_series(path)
    except ValueError as exc:
        print(f"socialops: {exc}", file=sys.stderr)
        return 2
    for alert in run(SeasonalCusumDetector(), series):
        print(json.dumps({"timestamp": alert.timestamp.isoformat(), "score": alert.score,
                          "severity": alert.severity, "value": alert.value,
                          "baseline": alert.baseline}))
    return 0


def replay_series(args: argparse.Namespace) -> int:
    """Replay a CSV or a synthetic series into a new query on a fast clock, with alerting."""
    from socialops.core.models import Organization
    from socialops.listening import replay

    organization = Organization.objects.filter(slug=args.org).first()
    if organization is None:
        print(_("socialops: no organization %(slug)s") % {"slug": args.org}, file=sys.stderr)
        return 2
    if args.series:
        path = Path(args.series)
        try:
            rows = replay.rows_from_values([v for _t, v in read_series(path)])
        except (OSError, ValueError) as exc:
            print(f"socialops: {exc}", file=sys.stderr)
            return 2
        name = args.name or path.stem
    else:
        rows, name = replay.synthetic_series(), args.name or _("Synthetic crisis")
    if args.days < 1 or args.live < 1 or len(rows) < replay.DAY_BUCKETS + args.live:
        print(_("socialops: give --days 1 or more, --live 1 or more, and a series with at "
                "least one day (288 rows) before the %(live)d replayed buckets")
              % {"live": args.live}, file=sys.stderr)
        return 2

    def report(start: Any, row: replay.Row, alerts: list[Any]) -> None:
        line = {"bucket": start.isoformat(), "volume": row.volume, "negative": row.negative,
                "alerts": [{"id": a.pk, "metric": a.metric, "severity": a.severity}
                           for a in alerts]}
        print(json.dumps(line), flush=True)

    query = replay.replay(organization, rows[-(args.days * replay.DAY_BUCKETS + args.live):],
                          name=name, live=args.live, interval=args.interval, report=report)
    print(_("Replayed into the query “%(name)s” (id %(id)d).") % {"name": query.name,
                                                                  "id": query.pk})
    return 0


def bench_detect(args: argparse.Namespace) -> int:
    """Evaluate the production detector on NAB realTweets and on synthetic onsets."""
    data = Path(args.data)
    if not (data / "windows.json").is_file():
        print(_("socialops: %(dir)s does not hold the NAB realTweets data (windows.json)")
              % {"dir": data}, file=sys.stderr)
        return 2
    started = time.perf_counter()
    nab = evaluate_nab(data, SeasonalCusumDetector)
    per_series: dict[str, Any] = nab.pop("per_series")  # type: ignore[assignment]
    for name, found in per_series.items():
        print(f"{name}: {found}")
    synthetic = evaluate_synthetic(SeasonalCusumDetector, runs=args.runs)
    summary: dict[str, Any] = {"nab": nab, "synthetic": synthetic,
                               "seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(summary))
    return 0


def register(add: Callable[..., argparse.ArgumentParser],
             add_bench: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the listening subcommands and the detector benchmark to the CLI."""
    listening = add("listening", lambda a: 2, _("Listening tools."))
    sub = listening.add_subparsers(dest="listening_command", metavar="ACTION", required=True)
    p = add("detect", detect,
            _("Run the spike detector on a CSV of timestamp,value rows; one JSON line per alert."),
            sub)
    p.add_argument("--series", required=True, help=_("CSV file, one row per 5-minute bucket"))
    p = add("replay", replay_series,
            _("Replay a recorded or synthetic series into a new query on a fast clock, "
              "with the real alerting (demos, rehearsals)."), sub)
    p.add_argument("--org", required=True, help=_("organization slug"))
    p.add_argument("--series", help=_("CSV of timestamp,value rows (default: synthetic "
                                      "quiet days then a crisis)"))
    p.add_argument("--name", default="", help=_("name of the replay query"))
    p.add_argument("--days", type=int, default=2, help=_("days of history before the replay"))
    p.add_argument("--live", type=int, default=24, help=_("buckets replayed one by one"))
    p.add_argument("--interval", type=float, default=2.0,
                   help=_("seconds between two replayed buckets"))
    p = add_bench("detect", bench_detect,
                  _("Measure the spike detector on NAB realTweets and synthetic onsets."))
    p.add_argument("--data", default=str(DEFAULT_NAB_DIR), help=_("NAB realTweets directory"))
    p.add_argument("--runs", type=int, default=20, help=_("synthetic series per onset size"))
