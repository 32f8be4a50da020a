"""Subcommands of the analytics app (`socialops analytics collect`, `socialops bench dashboard`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from django.utils.translation import gettext as _


def cmd_bench_dashboard(args: argparse.Namespace) -> int:
    """Fill channels x days of metrics and post-metric rows, time the dashboard; JSON last."""
    from socialops.analytics.bench import BenchSize, bench_dashboard

    if min(args.channels, args.days, args.posts, args.runs) < 1:
        print(_("socialops: --channels, --days, --posts and --runs must be at least 1"),
              file=sys.stderr)
        return 2
    size = BenchSize(channels=args.channels, days=args.days, post_rows=args.posts,
                     runs=args.runs)
    print(json.dumps(bench_dashboard(size, report=lambda line: print(line, flush=True))))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    """Collect the metrics of every due channel now, in this process."""
    from socialops.analytics.collection import collect_channel, due_channels

    for channel_id in due_channels():
        outcome = collect_channel(channel_id)
        print(f"{channel_id}\t{outcome.days}\t{outcome.posts}\t{outcome.error}")
    return 0


def register(add: Callable[..., argparse.ArgumentParser],
             add_bench: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the analytics subcommands to the CLI."""
    analytics = add("analytics", lambda a: 2, _("Work with analytics and reports."))
    sub = analytics.add_subparsers(dest="analytics_command", metavar="ACTION", required=True)
    add("collect", cmd_collect, _("Collect the metrics of every due channel now."), sub)
    p = add_bench("dashboard", cmd_bench_dashboard,
                  _("Fill years of metrics and time the dashboard's queries; last line JSON."))
    p.add_argument("--channels", type=int, default=300, help=_("channels to fill"))
    p.add_argument("--days", type=int, default=730, help=_("days of metrics per channel"))
    p.add_argument("--posts", type=int, default=1_000_000,
                   help=_("post-metric rows (30 daily snapshots per post)"))
    p.add_argument("--runs", type=int, default=5, help=_("timed runs of each dashboard view"))
