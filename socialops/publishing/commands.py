"""`socialops bench publish`: the dispatcher's exactly-once, measured on the sandbox."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from django.utils.translation import gettext as _


def bench_publish(args: argparse.Namespace) -> int:
    """Run the publishing benchmark with the command-line options."""
    from socialops.cli import CommandError
    from socialops.publishing.bench import BenchConfig, main

    if args.posts < 1 or args.channels < 1 or args.workers < 1:
        raise CommandError(_("posts, channels and workers must be positive"))
    if not 0 <= args.fault_rate <= 1:
        raise CommandError(_("the fault rate is a share between 0 and 1"))
    return main(BenchConfig(
        posts=args.posts, channels=args.channels, workers=args.workers,
        concurrency=args.concurrency, kill_worker=args.kill_worker,
        fault_rate=args.fault_rate, broker=args.broker or "",
        spread_seconds=args.spread, timeout_seconds=args.timeout,
        write_limit=args.write_limit,
    ))


def register(add: Callable[..., argparse.ArgumentParser],
             add_bench: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the publishing benchmark to the CLI."""
    p = add_bench("publish", bench_publish,
                  _("Publish N posts over M sandbox channels with the real dispatcher and "
                    "workers, then count on the sandbox what went out."))
    p.add_argument("--posts", type=int, required=True, help=_("how many variants to publish"))
    p.add_argument("--channels", type=int, required=True, help=_("how many sandbox channels"))
    p.add_argument("--workers", type=int, default=2, help=_("Celery worker processes"))
    p.add_argument("--concurrency", type=int, default=8, help=_("threads per worker"))
    p.add_argument("--kill-worker", action="store_true",
                   help=_("SIGKILL one worker after about 30 percent of the posts are out"))
    p.add_argument("--fault-rate", type=float, default=0.0,
                   help=_("share of publish requests the sandbox fails (5xx or timeout)"))
    p.add_argument("--broker", default="",
                   help=_("broker URL, e.g. redis://127.0.0.1:6379/14 (default: the "
                          "configured one)"))
    p.add_argument("--spread", type=float, default=50.0,
                   help=_("seconds over which the posts fall due"))
    p.add_argument("--timeout", type=float, default=1800.0,
                   help=_("seconds to wait for every variant to be final"))
    p.add_argument("--write-limit", type=int, default=1_000_000,
                   help=_("sandbox posts per minute and account (rate limit)"))
