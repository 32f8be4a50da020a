"""Start a sandbox server in a subprocess for tests, demos and benchmarks."""

from __future__ import annotations

import collections
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from socialops.connectors.base import ChannelAuth
from socialops.connectors.sandbox.server import READY_PREFIX

READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


class SandboxStartError(RuntimeError):
    """Report that the sandbox process did not become ready."""


@dataclass(frozen=True)
class SandboxAccount:
    """Describe an account created on the sandbox, with its bearer token."""

    id: str
    handle: str
    network: str
    token: str

    def __repr__(self) -> str:
        return f"SandboxAccount(id={self.id!r}, handle={self.handle!r}, network={self.network!r})"

    @property
    def auth(self) -> ChannelAuth:
        """Return the ChannelAuth a connector needs to act as this account."""
        return ChannelAuth(remote_id=self.id, handle=self.handle, credentials={"token": self.token})


class SandboxProcess:
    """Run `python -m socialops.connectors.sandbox` and talk to its admin API."""

    def __init__(self, process: subprocess.Popen[str], admin_key: str):
        self.process = process
        self.admin_key = admin_key
        self.url = ""
        self.output: collections.deque[str] = collections.deque(maxlen=200)
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._drain, name="sandbox-output", daemon=True)
        self._reader.start()
        self._client = httpx.Client(timeout=30)

    def _drain(self) -> None:
        # Keep reading: a full pipe would block the server on its next print.
        stream: IO[str] | None = self.process.stdout
        if stream is None:
            return
        for line in stream:
            self.output.append(line.rstrip("\n"))
            if line.startswith(READY_PREFIX) and not self._ready.is_set():
                self.url = line.split()[-1].strip()
                self._ready.set()
        self._ready.set()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the READY line appears; raise with the output otherwise."""
        if not self._ready.wait(timeout) or not self.url:
            self.stop()
            log = "\n".join(self.output)
            raise SandboxStartError(f"sandbox did not start within {timeout}s:\n{log}")

    def admin(self, method: str, path: str, json: Any = None) -> Any:
        """Call the admin API and return its JSON (raises httpx.HTTPStatusError on errors)."""
        response = self._client.request(
            method, f"{self.url}{path}", json=json, headers={"X-Sandbox-Admin": self.admin_key}
        )
        response.raise_for_status()
        return response.json()

    def create_account(
        self,
        handle: str,
        network: str = "sandbox",
        *,
        followers: int = 1000,
        display_name: str | None = None,
        languages: dict[str, float] | None = None,
    ) -> SandboxAccount:
        """Create (or fetch) an account and return it with its token."""
        body: dict[str, Any] = {
            "handle": handle,
            "network": network,
            "followers": followers,
            "display_name": display_name or handle,
        }
        if languages is not None:
            body["languages"] = languages
        data = self.admin("POST", "/admin/accounts", body)
        return SandboxAccount(
            id=data["id"], handle=data["handle"], network=data["network"], token=data["token"]
        )

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then kill after a grace period)."""
        self._client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self._reader.join(timeout=STOP_TIMEOUT)

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def start_sandbox(
    tmp_dir: Path,
    *,
    simulate: bool = False,
    seed: int = 1,
    admin_key: str | None = None,
    rate_multiplier: float = 1.0,
    timeout: float = READY_TIMEOUT,
) -> SandboxProcess:
    """Launch a sandbox on a free loopback port with its database in `tmp_dir`."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    key = admin_key or secrets.token_urlsafe(16)
    command = [
        sys.executable,
        "-m",
        "socialops.connectors.sandbox",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--db",
        str(tmp_dir / f"sandbox-{time.monotonic_ns()}.sqlite3"),
        "--seed",
        str(seed),
        "--rate-multiplier",
        str(rate_multiplier),
    ]
    if simulate:
        command.append("--simulate")
    # The key goes through the environment so it does not show up in `ps`.
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SANDBOX_ADMIN_KEY": key}
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    sandbox = SandboxProcess(process, key)
    sandbox.wait_ready(timeout)
    return sandbox
