"""Start socialops: embedded (one command) or one part of a distributed installation."""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _

from socialops.processes import Child, Supervisor, beat_child, python, web_child, worker_child


class PortInUseError(Exception):
    pass


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PortInUseError(
                _("Port %(port)d on %(host)s is in use (%(error)s); choose another with --port.")
                % {"port": port, "host": host, "error": exc.strerror}
            ) from exc


def _migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


def _data_dir() -> str:
    return str(settings.DATA_DIR)


def _embedded_broker() -> bool:
    return str(settings.CELERY_BROKER_URL).startswith("filesystem://")


def serve(*, host: str, port: int, web_only: bool, concurrency: int) -> int:
    """Run the web server, plus a worker with beat unless ``web_only``."""
    _check_port(host, port)
    _migrate()
    supervisor = Supervisor()
    if not web_only:
        supervisor.start(worker_child(with_beat=True, concurrency=concurrency,
                                      data_dir=_data_dir()))
    supervisor.start(web_child(host, port), wait_ready=60)
    print(_("socialops is running at http://%(host)s:%(port)d/ — press Ctrl-C to stop.")
          % {"host": host, "port": port}, flush=True)
    return supervisor.wait()


def worker(*, concurrency: int, with_beat: bool) -> int:
    """Run one Celery worker in the foreground."""
    supervisor = Supervisor()
    supervisor.start(worker_child(with_beat=with_beat, concurrency=concurrency,
                                  data_dir=_data_dir()))
    return supervisor.wait()


def beat() -> int:
    """Run the scheduler in the foreground (exactly one per installation)."""
    supervisor = Supervisor()
    supervisor.start(beat_child(_data_dir()))
    return supervisor.wait()


def sandbox_child(host: str, port: int, *, simulate: bool) -> Child:
    """Return the sandbox network child, keeping its SQLite file in the data directory."""
    argv = python("-m", "socialops.connectors.sandbox", "--host", host, "--port", str(port),
                  "--db", os.path.join(_data_dir(), "sandbox.sqlite3"))
    if simulate:
        argv += ["--simulate", "--rate-multiplier", os.environ.get("SOCIALOPS_DEMO_TRAFFIC", "60")]
    # The admin key goes through the environment so that `ps` does not show it.
    return Child("sandbox", argv, env={"SANDBOX_ADMIN_KEY": settings.SOCIALOPS_SANDBOX_ADMIN_KEY},
                 ready_line="SANDBOX READY")


def sandbox(*, host: str, port: int, simulate: bool) -> int:
    """Run the sandbox network alone in the foreground."""
    _check_port(host, port)
    supervisor = Supervisor()
    supervisor.start(sandbox_child(host, port, simulate=simulate), wait_ready=30)
    return supervisor.wait()


def demo(*, host: str, port: int, sandbox_port: int, seed_only: bool) -> int:
    """Start the sandbox, seed the demo organization once, then serve everything."""
    from socialops.demo import DEMO_PASSWORD, seed_demo

    if not seed_only:
        _check_port(host, port)
    _check_port("127.0.0.1", sandbox_port)
    _migrate()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    os.environ["SOCIALOPS_SANDBOX_URL"] = sandbox_url
    os.environ.setdefault("SOCIALOPS_CHANNEL_SYNC_SECONDS", "15")
    os.environ.setdefault("SOCIALOPS_INBOX_POLL_SECONDS", "5")
    supervisor = Supervisor()
    supervisor.start(sandbox_child("127.0.0.1", sandbox_port, simulate=not seed_only),
                     wait_ready=60)
    try:
        result = seed_demo(sandbox_url, settings.SOCIALOPS_SANDBOX_ADMIN_KEY)
    except Exception:
        supervisor.stop_all()
        raise
    print(result.message, flush=True)
    if seed_only:
        supervisor.stop_all()
        return 0
    supervisor.start(worker_child(with_beat=True, concurrency=4, data_dir=_data_dir()),
                     wait_ready=120)
    supervisor.start(web_child(host, port), wait_ready=60)
    lines = [
        "",
        _("socialops demo is running at http://%(host)s:%(port)d/") % {"host": host, "port": port},
        _("Sandbox network API: %(url)s/health") % {"url": sandbox_url},
        _("Sign in as any of these (password: %(password)s):") % {"password": DEMO_PASSWORD},
        *[f"  {email:<42} {role}" for email, role in result.logins],
        _("Press Ctrl-C to stop."),
        "",
    ]
    print("\n".join(lines), flush=True)
    return supervisor.wait()
