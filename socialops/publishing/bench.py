"""Run `socialops bench publish`: the real dispatcher and workers against the sandbox.

It starts a sandbox network and W Celery workers, schedules N variants over M sandbox
channels within one minute, dispatches every second as beat would, optionally injects
faults and SIGKILLs a worker, then counts on the sandbox side what was really posted.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.cli import CommandError
from socialops.connectors.sandbox.testing import SandboxAccount, SandboxProcess, start_sandbox
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.services import add_member, create_organization
from socialops.governance.models import Channel, Transport
from socialops.governance.services import create_channel
from socialops.processes import python
from socialops.publishing import dispatcher
from socialops.publishing.models import AttemptOutcome, Post, PublishAttempt, Variant, VariantStatus

ACTOR = Actor.system("bench")
# Networks whose text-only feed posts are valid; X, Facebook and LinkedIn take no
# idempotency key, so their unknown outcomes must be reconciled by looking.
NETWORKS = ("x", "bluesky", "mastodon", "facebook", "linkedin")
RECONCILE_WINDOW = 100  # what GET /v1/me/posts returns at most, per account
SANDBOX_HANG_SECONDS = 8.0  # longer than the workers' read timeout: a real timeout
GENEROUS_LIMIT = 1_000_000  # sandbox writes/reads per minute and account: no 429s


@dataclass
class BenchConfig:
    """Hold the options of one run."""

    posts: int
    channels: int
    workers: int = 2
    concurrency: int = 8
    kill_worker: bool = False
    fault_rate: float = 0.0
    broker: str = ""
    spread_seconds: float = 50.0
    timeout_seconds: float = 1800.0
    write_limit: int = GENEROUS_LIMIT
    say: Callable[[str], None] = field(default=lambda line: print(line, flush=True))


@dataclass
class Worker:
    """One Celery worker process and its log file."""

    process: subprocess.Popen[bytes]
    log: Path


class Bench:
    """Own the processes of one run and stop them whatever happens."""

    def __init__(self, config: BenchConfig) -> None:
        self.config = config
        self.data_dir = Path(settings.DATA_DIR) / "bench-publish"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.sandbox: SandboxProcess | None = None
        self.workers: list[Worker] = []
        self.killed = 0

    # Processes

    def _worker_env(self) -> dict[str, str]:
        assert self.sandbox is not None
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "socialops.publishing.bench_settings",
               "SOCIALOPS_SANDBOX_URL": self.sandbox.url, "SOCIALOPS_TASKS_EAGER": "false"}
        if self.config.broker:
            env["SOCIALOPS_BROKER_URL"] = self.config.broker
        return env

    def start_worker(self) -> Worker:
        """Start one Celery worker (threads pool) logging to its own file."""
        log = self.data_dir / f"worker-{len(self.workers) + 1}.log"
        argv = python("-m", "celery", "-A", "socialops.celery", "worker", "--loglevel=INFO",
                      "--pool=threads", f"--concurrency={self.config.concurrency}",
                      "--without-gossip", "--without-mingle", "--without-heartbeat",
                      f"--hostname=bench{len(self.workers) + 1}@%h")
        with log.open("wb") as out:
            # Its own session: Ctrl-C reaches the bench, which stops the workers itself.
            process = subprocess.Popen(  # noqa: S603 - argv built here
                argv, env=self._worker_env(), stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        worker = Worker(process, log)
        self.workers.append(worker)
        return worker

    def wait_ready(self, worker: Worker, timeout: float = 60) -> None:
        """Block until the worker logs that it is ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if worker.process.poll() is not None:
                raise RuntimeError(_("A worker exited; see %(log)s.") % {"log": worker.log})
            if b" ready." in worker.log.read_bytes():
                return
            time.sleep(0.2)
        raise RuntimeError(_("A worker was not ready after %(seconds)s s; see %(log)s.")
                           % {"seconds": f"{timeout:g}", "log": worker.log})

    def kill_one(self) -> None:
        """SIGKILL the first live worker mid-run and start a replacement."""
        victim = next(w for w in self.workers if w.process.poll() is None)
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait(10)
        self.killed += 1
        self.start_worker()

    def stop(self) -> None:
        """Stop the workers (SIGTERM, then SIGKILL) and the sandbox."""
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in self.workers:
            try:
                worker.process.wait(15)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(5)
        if self.sandbox is not None:
            self.sandbox.stop()

    # Set-up

    def start_sandbox(self) -> None:
        """Start the sandbox with generous rate limits and the requested fault shares."""
        self.sandbox = start_sandbox(self.data_dir)
        share = self.config.fault_rate / 2
        self.sandbox.admin("POST", "/admin/faults", {
            "write_limit": self.config.write_limit, "write_window_seconds": 60,
            "read_limit": GENEROUS_LIMIT, "read_window_seconds": 60,
            "hang_seconds": SANDBOX_HANG_SECONDS,
            "error_5xx_rate": float(share), "timeout_after_create_rate": float(share),
        })

    def create_channels(self) -> tuple[Organization, list[tuple[Channel, SandboxAccount]]]:
        """Create M sandbox accounts and a throw-away organization with M channels."""
        assert self.sandbox is not None
        stamp = time.strftime("%Y%m%d%H%M%S")
        org = create_organization(f"Bench {stamp}", ACTOR, slug=f"bench-{stamp}-{os.getpid()}")
        owner = add_member(org, f"owner-{org.slug}@bench.invalid", "manager", ACTOR)
        backup = add_member(org, f"backup-{org.slug}@bench.invalid", "publisher", ACTOR)
        channels = []
        for index in range(self.config.channels):
            network = NETWORKS[index % len(NETWORKS)]
            handle = f"{org.slug}-{network}-{index}"
            account = self.sandbox.create_account(handle, network)
            channel = create_channel(
                org, ACTOR, network=network, handle=handle, display_name=handle,
                owner=owner, backup_owner=backup, transport=Transport.SANDBOX,
                remote_id=account.id, credentials={"token": account.token})
            channels.append((channel, account))
        return org, channels

    def schedule(self, org: Organization, channels: list[Channel], author: Member,
                 start: datetime) -> None:
        """Bulk-create N approved variants due from ``start`` over the spread, round robin."""
        n = self.config.posts
        step = self.config.spread_seconds / max(1, n)
        with transaction.atomic():
            posts = Post.objects.bulk_create(
                [Post(organization=org, author=author, text=f"Bench post {i + 1}")
                 for i in range(n)], batch_size=1000)
            variants = []
            for i, post in enumerate(posts):
                due = start + timedelta(seconds=i * step)
                variants.append(Variant(
                    post=post, organization=org, channel=channels[i % len(channels)],
                    placement="feed", text=f"Bench post {i + 1} of {n} #bench",
                    status=VariantStatus.SCHEDULED, scheduled_at=due, next_attempt_at=due))
            Variant.objects.bulk_create(variants, batch_size=1000)


def _final(org: Organization) -> int:
    """Count the variants nobody will touch again (published, failed, or given up)."""
    variants = Variant.objects.filter(organization=org)
    return (variants.filter(status__in=(VariantStatus.PUBLISHED, VariantStatus.FAILED,
                                        VariantStatus.CANCELLED)).count()
            + variants.filter(status=VariantStatus.UNKNOWN, next_attempt_at=None).count())


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)], 3)


def count_on_sandbox(sandbox_url: str, org: Organization,
                     accounts: list[SandboxAccount]) -> dict[str, Any]:
    """Count what each sandbox account really holds, matched by idempotency key."""
    created: dict[str, list[datetime]] = {}
    strangers = 0
    with httpx.Client(timeout=30) as client:
        for account in accounts:
            response = client.get(f"{sandbox_url}/v1/me/posts",
                                  params={"limit": RECONCILE_WINDOW},
                                  headers={"Authorization": f"Bearer {account.token}"})
            response.raise_for_status()
            for post in response.json()["posts"]:
                ref = post.get("client_ref") or ""
                if not ref:
                    strangers += 1
                    continue
                created.setdefault(ref, []).append(datetime.fromisoformat(post["created_at"]))
    variants = Variant.objects.filter(organization=org)
    rate_limited = set(variants.filter(attempts__outcome=AttemptOutcome.RATE_LIMITED)
                       .values_list("pk", flat=True))
    published = missed = duplicates = rate_limited_late = 0
    lateness: list[float] = []
    keys = set()
    for pk, key, due in variants.values_list("pk", "idempotency_key", "scheduled_at"):
        keys.add(key)
        times = created.get(key, [])
        if not times:
            missed += 1
            continue
        published += 1
        duplicates += len(times) - 1
        if pk in rate_limited:
            rate_limited_late += 1
        else:
            lateness.append((min(times) - (due or min(times))).total_seconds())
    # A post no variant asked for is a duplicate too (it cannot be anything else here).
    duplicates += strangers + sum(len(v) for k, v in created.items() if k not in keys)
    return {"published": published, "missed": missed, "duplicates": duplicates,
            "lateness_p50_s": _percentile(lateness, 0.50),
            "lateness_p99_s": _percentile(lateness, 0.99),
            "rate_limited_late": rate_limited_late}


def _cancel_leftovers(org: Organization) -> int:
    """Cancel what an interrupted run left unfinished, so no later dispatcher picks it up."""
    return Variant.objects.filter(organization=org).exclude(
        status__in=(VariantStatus.PUBLISHED, VariantStatus.FAILED)).update(
        status=VariantStatus.CANCELLED, next_attempt_at=None, claim_token="",
        lease_expires_at=None)


def _use_broker(url: str) -> None:
    """Point this process's Celery app at ``url`` (the workers get it by environment)."""
    from socialops.celery import app

    os.environ["SOCIALOPS_BROKER_URL"] = url
    app.conf.broker_url = url
    if not url.startswith("filesystem://"):
        app.conf.broker_transport_options = {}


def run(config: BenchConfig) -> dict[str, Any]:
    """Run the benchmark and return its summary (the JSON of the last output line)."""
    from socialops.publishing.bench_settings import BENCH_PUBLISH_SETTINGS

    if math.ceil(config.posts / config.channels) > RECONCILE_WINDOW - 10:
        raise CommandError(_("At most %(most)s posts per channel: the sandbox lists the "
                             "%(window)s latest posts of an account. Add channels.")
                           % {"most": RECONCILE_WINDOW - 10, "window": RECONCILE_WINDOW})
    say = config.say
    for name, value in BENCH_PUBLISH_SETTINGS.items():
        setattr(settings, name, value)
    # Back-pressure sized to the workers: about four tasks per thread queued or running.
    settings.SOCIALOPS_PUBLISH_MAX_IN_FLIGHT = 4 * config.workers * config.concurrency
    if config.broker:
        _use_broker(config.broker)
    call_command("migrate", verbosity=0)
    bench = Bench(config)
    org: Organization | None = None

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        bench.start_sandbox()
        assert bench.sandbox is not None
        say(_("Sandbox at %(url)s; fault rate %(rate)s; rate limit %(limit)s posts per "
              "minute and account.") % {"url": bench.sandbox.url,
                                        "rate": f"{config.fault_rate:g}",
                                        "limit": config.write_limit})
        org, pairs = bench.create_channels()
        say(_("Organization %(slug)s: %(count)s channels (created by the services).")
            % {"slug": org.slug, "count": len(pairs)})
        for _index in range(config.workers):
            bench.start_worker()
        for worker in list(bench.workers):
            bench.wait_ready(worker)
        say(_("%(workers)s workers ready (%(threads)s threads each); broker %(broker)s.")
            % {"workers": config.workers, "threads": config.concurrency,
               "broker": config.broker or settings.CELERY_BROKER_URL})
        author = Member.objects.filter(organization=org).first()
        assert author is not None
        started = time.monotonic()
        start = timezone.now() + timedelta(seconds=3 + config.posts / 2000)
        bench.schedule(org, [channel for channel, _account in pairs], author, start)
        say(_("%(posts)s variants due from %(start)s over %(spread)s s (bulk creation, "
              "%(took)s s).") % {"posts": config.posts, "start": start.isoformat(),
                                 "spread": f"{config.spread_seconds:g}",
                                 "took": f"{time.monotonic() - started:.1f}"})
        summary = _drive(bench, org, config, start)
        # Faults off so that counting is not disturbed; the posts are already there.
        bench.sandbox.admin("DELETE", "/admin/faults")
        counts = count_on_sandbox(bench.sandbox.url, org, [account for _channel, account in pairs])
    finally:
        bench.stop()
        signal.signal(signal.SIGTERM, previous)
        # Read the final states before cancelling what is left, so the summary reports
        # what the run really ended with (scheduled, in flight, unknown), not "cancelled".
        statuses = dict(Variant.objects.filter(organization=org).values_list("status")
                        .annotate(n=Count("pk")).order_by()) if org is not None else {}
        attempts = dict(PublishAttempt.objects.filter(variant__organization=org)
                        .values_list("outcome").annotate(n=Count("pk")).order_by()
                        ) if org is not None else {}
        leftovers = _cancel_leftovers(org) if org is not None else 0
    return {"posts": config.posts, **counts, "channels": config.channels,
            "cancelled_after_run": leftovers,
            "workers": config.workers, "killed_workers": bench.killed,
            "fault_rate": config.fault_rate, "seconds": summary["seconds"],
            "timed_out": summary["timed_out"], "db_statuses": statuses,
            "attempts": attempts,
            "database": str(settings.DATABASES["default"]["ENGINE"]).rsplit(".", 1)[-1],
            "broker": (config.broker or settings.CELERY_BROKER_URL).split("://")[0]}


def _drive(bench: Bench, org: Organization, config: BenchConfig,
           start: datetime) -> dict[str, Any]:
    """Dispatch every second, kill a worker at ~30 %, until every variant is final."""
    began = time.monotonic()
    deadline = began + config.timeout_seconds
    last_report = 0.0
    timed_out = False
    while True:
        tick = time.monotonic()
        dispatcher.dispatch()
        published = Variant.objects.filter(organization=org,
                                           status=VariantStatus.PUBLISHED).count()
        if config.kill_worker and not bench.killed and published >= 0.3 * config.posts:
            bench.kill_one()
            config.say(_("SIGKILL sent to a worker at %(published)s published; a replacement "
                         "started.") % {"published": published})
        final = _final(org)
        if tick - last_report >= 5:
            last_report = tick
            config.say(_("%(seconds)s s: %(published)s published, %(final)s of %(posts)s "
                         "final.") % {"seconds": f"{tick - began:6.1f}", "published": published,
                                      "final": final, "posts": config.posts})
        if final >= config.posts:
            break
        if tick > deadline:
            timed_out = True
            config.say(_("Timeout: some variants are not final."))
            break
        for worker in bench.workers:
            if worker.process.poll() is not None and worker.process.returncode != -9:
                raise RuntimeError(_("A worker exited unexpectedly; see %(log)s.")
                                   % {"log": worker.log})
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    return {"seconds": round(time.monotonic() - began, 1), "timed_out": timed_out}


def main(config: BenchConfig) -> int:
    """Run the bench, print the summary as the last line; exit 1 on misses or duplicates."""
    try:
        summary = run(config)
    except KeyboardInterrupt:
        print(_("Interrupted; the processes are stopped."), file=sys.stderr)
        return 130
    print(json.dumps(summary))
    return 0 if summary["missed"] == 0 and summary["duplicates"] == 0 else 1
