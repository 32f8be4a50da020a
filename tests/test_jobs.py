"""Jobs: channel synchronisation over real HTTP, and a real Celery worker taking work."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from socialops.core.models import AuditEvent, Organization
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.governance.tasks import sync_all_channels, sync_channel


@pytest.fixture
def sandbox_channel(sandbox: Any, make_org: Callable[..., Organization],
                    make_channel: Callable[..., Channel], settings: Any) -> Channel:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    handle = f"brand-{time.monotonic_ns()}"
    account = sandbox.create_account(handle, "instagram", followers=4321)
    return make_channel(make_org(), network="instagram", transport=Transport.SANDBOX,
                        handle=handle, remote_id=account.id,
                        credentials={"token": account.token})


@pytest.mark.django_db
def test_sync_reads_the_account_over_http(sandbox_channel: Channel) -> None:
    assert sync_all_channels.delay().get() >= 1
    sandbox_channel.refresh_from_db()
    assert sandbox_channel.followers == 4321
    assert sandbox_channel.last_synced_at is not None
    assert sandbox_channel.last_error == ""


@pytest.mark.django_db
def test_expired_token_flags_the_channel_and_recovers(sandbox: Any,
                                                      sandbox_channel: Channel) -> None:
    sandbox.admin("POST", "/admin/faults", {"expired_tokens": [sandbox_channel.handle]})
    try:
        sync_channel.delay(sandbox_channel.pk)
        sandbox_channel.refresh_from_db()
        assert sandbox_channel.status == ChannelStatus.NEEDS_REAUTH
        assert sandbox_channel.last_error
        event = AuditEvent.objects.filter(action="channel.status").get()
        assert event.after["status"] == ChannelStatus.NEEDS_REAUTH
        assert event.actor_label == "system:sync"
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    sync_channel.delay(sandbox_channel.pk)
    sandbox_channel.refresh_from_db()
    assert sandbox_channel.status == ChannelStatus.ACTIVE


def _brokers() -> list[Any]:
    params: list[Any] = [pytest.param("filesystem://", id="filesystem")]
    for name in ("REDIS", "AMQP"):
        url = os.environ.get(f"SOCIALOPS_TEST_{name}_URL", "")
        params.append(pytest.param(url, id=name.lower(), marks=pytest.mark.skipif(
            not url, reason=f"set SOCIALOPS_TEST_{name}_URL to test this broker")))
    return params


def _database_env() -> dict[str, str]:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"SOCIALOPS_SQLITE_PATH": str(db["NAME"])}
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return {"SOCIALOPS_DATABASE_URL":
            f"postgresql://{auth}{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"}


@pytest.fixture
def worker(request: pytest.FixtureRequest, sandbox: Any) -> Iterator[str]:
    broker = request.param
    env = {**os.environ, **_database_env(), "SOCIALOPS_BROKER_URL": broker,
           "SOCIALOPS_SANDBOX_URL": sandbox.url, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "socialops.celery", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield broker
    finally:
        process.terminate()
        try:
            output, _unused = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _unused = process.communicate()
        # Captured by pytest and shown only when the test fails.
        print(output)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("worker", _brokers(), indirect=True)
def test_a_real_worker_runs_queued_jobs(worker: str, sandbox_channel: Channel) -> None:
    from socialops.celery import app

    app.conf.task_always_eager = False
    options: dict[str, Any] = {}
    if worker.startswith("filesystem://"):
        options["transport_options"] = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    with app.connection_for_write(worker, **options) as conn:
        sync_channel.apply_async((sandbox_channel.pk,), connection=conn)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sandbox_channel.refresh_from_db()
        if sandbox_channel.last_synced_at is not None:
            break
        time.sleep(0.3)
    assert sandbox_channel.last_synced_at is not None, "the worker never ran the job"
    assert sandbox_channel.followers == 4321


def test_demo_seed_only_from_the_command_line(tmp_path: Path, sandbox: Any) -> None:
    env = {**os.environ, "SOCIALOPS_DATA_DIR": str(tmp_path)}
    env.pop("SOCIALOPS_DATABASE_URL", None)
    env.pop("SOCIALOPS_SQLITE_PATH", None)
    socialops = [sys.executable, "-m", "socialops.cli"]
    port = "18765"
    first = subprocess.run([*socialops, "demo", "--seed-only", "--sandbox-port", port],
                           env=env, capture_output=True, text=True, timeout=180, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "seeded with 12 channels and 9 members" in first.stdout
    again = subprocess.run([*socialops, "demo", "--seed-only", "--sandbox-port", port],
                           env=env, capture_output=True, text=True, timeout=180, check=False)
    assert again.returncode == 0 and "already seeded" in again.stdout
    members = subprocess.run([*socialops, "member", "list", "maison-arlette"], env=env,
                             capture_output=True, text=True, timeout=60, check=True)
    roles = {line.split("\t")[1] for line in members.stdout.splitlines()}
    assert roles == {"owner", "admin", "manager", "publisher", "responder", "contributor",
                     "approver", "analyst"}
    verify = subprocess.run([*socialops, "audit", "verify"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert verify.returncode == 0 and verify.stdout.strip().endswith("OK")
