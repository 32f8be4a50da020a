"""Start `mastodon-mock` (a stateful imitation of Mastodon's REST API) for tests.

The server runs in its own process on a free loopback port with an in-memory
database; its output is drained so a full pipe never blocks it (ADR 0005).
"""

from __future__ import annotations

import collections
import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from socialops.connectors.base import ChannelAuth
from socialops.core.local_servers import free_port

READY_TIMEOUT = 30.0


class MockUnavailableError(RuntimeError):
    """Report that mastodon-mock is not installed or did not start."""


@dataclass(frozen=True)
class MockAccount:
    """An account on the mock instance, with a user token."""

    id: str
    username: str
    token: str = field(repr=False)

    def auth(self, instance: str) -> ChannelAuth:
        """Return the credentials a channel on this account would hold."""
        return ChannelAuth(remote_id=self.id, handle=self.username,
                           credentials={"access_token": self.token, "instance": instance})


@dataclass
class MockInstance:
    """A running mastodon-mock server: its URL, its process, and its control endpoints."""

    url: str
    process: subprocess.Popen[str]
    output: collections.deque[str]
    workdir: str = ""

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = httpx.request(method, f"{self.url}{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def create_account(self, name: str) -> MockAccount:
        """Create a local account named `<name>_<random>` and return its token."""
        data = self._call("POST", "/api/v1/_mock/dev_user",
                          json={"username": f"{name}_{secrets.token_hex(3)}"})
        return MockAccount(id=str(data["id"]), username=data["username"],
                           token=data["access_token"])

    def as_user(self, account: MockAccount, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API as `account` (how a test plays the public talking to the brand)."""
        headers = {"Authorization": f"Bearer {account.token}"}
        return self._call(method, path, headers=headers, **kwargs)

    def fault(self, method: str, path: str, effect: dict[str, Any], count: int = 1) -> None:
        """Make the next `count` matching requests fail as `effect` says."""
        self._call("POST", "/api/v1/_mock/faults",
                   json={"match": {"methods": [method], "path": path}, "effect": effect,
                         "count": count})

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._call("DELETE", "/api/v1/_mock/faults")

    def stop(self) -> None:
        """Terminate the server and remove its uploaded files."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def installed() -> bool:
    """Return whether the mastodon-mock package is importable."""
    return importlib.util.find_spec("mastodon_mock") is not None



def start_mock(config: str = "") -> MockInstance:
    """Start the server and wait until it answers; raise MockUnavailableError otherwise.

    `config` is the text of a `.mastodon_mock.toml` (e.g. to turn its rate limit on).
    """
    if not installed():
        raise MockUnavailableError("mastodon-mock is not installed (pip install mastodon-mock)")
    port = free_port()
    # Its own directory: the mock reads a config file from its working directory and
    # keeps uploaded media in TMPDIR; both stay out of the project and are removed.
    workdir = tempfile.mkdtemp(prefix="socialops-mastodon-mock-")
    if config:
        with open(os.path.join(workdir, ".mastodon_mock.toml"), "w", encoding="utf-8") as file:
            file.write(config)
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "mastodon_mock", "serve", "--in-memory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=workdir,
        env={**os.environ, "TMPDIR": workdir},
    )
    output: collections.deque[str] = collections.deque(maxlen=200)

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip())

    threading.Thread(target=drain, name="mastodon-mock-output", daemon=True).start()
    instance = MockInstance(url=f"http://127.0.0.1:{port}", process=process, output=output,
                            workdir=workdir)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{instance.url}/api/v1/instance", timeout=2).status_code == 200:
                return instance
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    instance.stop()
    raise MockUnavailableError("mastodon-mock did not start:\n" + "\n".join(output))
