"""Run the sandbox network: the WSGI app under waitress plus the simulator thread."""

from __future__ import annotations

import logging
import secrets
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from waitress import wasyncore
from waitress.server import create_server

from socialops.connectors.sandbox.admin import AdminApi
from socialops.connectors.sandbox.api import PublicApi
from socialops.connectors.sandbox.context import SandboxContext
from socialops.connectors.sandbox.simulator import AudienceSimulator
from socialops.connectors.sandbox.store import Store
from socialops.connectors.sandbox.webapp import Router

logger = logging.getLogger(__name__)

READY_PREFIX = "SANDBOX READY"
POLL_SECONDS = 0.2


def build_app(ctx: SandboxContext) -> Router:
    """Return the WSGI application serving the public and admin APIs."""
    router = Router()
    PublicApi(ctx).register(router)
    AdminApi(ctx).register(router)
    return router


class SandboxServer:
    """Own one sandbox: its database, HTTP listener and simulator thread."""

    def __init__(
        self,
        host: str,
        port: int,
        db_path: Path | str,
        *,
        simulate: bool = False,
        seed: int | None = None,
        admin_key: str | None = None,
        rate_multiplier: float = 1.0,
        threads: int = 8,
    ):
        store = Store(db_path)
        self.ctx = SandboxContext(store=store, admin_key=admin_key or secrets.token_urlsafe(16))
        self.ctx.simulator = AudienceSimulator(
            store,
            self.ctx.clock,
            seed=seed,
            running=simulate,
            rate_multiplier=rate_multiplier,
        )
        self._map: dict[int, Any] = {}
        self._server = create_server(
            build_app(self.ctx),
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            # The fault "timeout_after_create" hangs a thread on purpose; keep others free.
            channel_timeout=60,
            ident="socialops-sandbox",
        )
        self._stop = threading.Event()
        self._simulator_thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the base URL the server listens on."""
        host = str(getattr(self._server, "effective_host", "127.0.0.1"))
        port = getattr(self._server, "effective_port", 0)
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    @property
    def admin_key(self) -> str:
        """Return the key the admin API expects."""
        return self.ctx.admin_key

    def serve_forever(self) -> None:
        """Serve requests until `stop()` is called (from any thread or a signal handler)."""
        assert self.ctx.simulator is not None
        self._simulator_thread = threading.Thread(
            target=self.ctx.simulator.run, args=(self._stop,), name="sandbox-simulator", daemon=True
        )
        self._simulator_thread.start()
        try:
            # Poll in short slices so a stop request from another thread is seen quickly.
            while not self._stop.is_set():
                wasyncore.loop(timeout=POLL_SECONDS, map=self._map, use_poll=True, count=1)
        finally:
            self._shutdown()

    def stop(self) -> None:
        """Ask the server to stop; returns at once."""
        self._stop.set()
        self.ctx.shutdown.set()

    def _shutdown(self) -> None:
        self.ctx.shutdown.set()
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(self._map)
        if self._simulator_thread is not None:
            self._simulator_thread.join(timeout=5)
        self.ctx.store.close()


def serve(
    host: str,
    port: int,
    db_path: Path | str,
    *,
    simulate: bool,
    seed: int | None,
    admin_key: str,
    ready_callback: Callable[[str], None] | None = None,
    rate_multiplier: float = 1.0,
) -> None:
    """Run the sandbox until SIGTERM/SIGINT; print "SANDBOX READY <url>" once listening.

    `ready_callback(url)` is called after that line. Signal handlers are installed only
    when called from the main thread.
    """
    server = SandboxServer(
        host,
        port,
        db_path,
        simulate=simulate,
        seed=seed,
        admin_key=admin_key,
        rate_multiplier=rate_multiplier,
    )
    if threading.current_thread() is threading.main_thread():

        def on_signal(signum: int, frame: FrameType | None) -> None:
            server.stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    print(f"{READY_PREFIX} {server.url}", flush=True)
    sys.stdout.flush()
    if ready_callback is not None:
        ready_callback(server.url)
    server.serve_forever()
    logger.info("sandbox stopped")
