"""Start the reference AT Protocol network (@atproto/dev-env) for tests.

`./run test` installs Node 22 and @atproto/dev-env into a cache directory and
exports SOCIALOPS_NODE22 and SOCIALOPS_ATPROTO_DEVENV; this module starts the
network from `devnet.mjs` on free loopback ports, with the AppView's tables in a
schema of its own in PostgreSQL, and creates accounts on its PDS.
"""

from __future__ import annotations

import collections
import os
import secrets
import string
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from socialops.core.local_servers import NotReadyError, free_port, start_ready

DEVNET_SCRIPT = Path(__file__).with_name("devnet.mjs")
READY_TIMEOUT = 90.0


class NetworkUnavailableError(RuntimeError):
    """The dev network cannot be started here (not installed, or it failed)."""


@dataclass(frozen=True)
class DevAccount:
    """An account created on the dev network's PDS."""

    handle: str
    did: str
    password: str

    def __repr__(self) -> str:
        return f"DevAccount(handle={self.handle!r}, did={self.did!r})"


@dataclass
class DevNetwork:
    """A running dev network: its URLs, its process, and account creation."""

    pds_url: str
    bsky_url: str
    process: subprocess.Popen[str]
    schema: str
    database_url: str
    output: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))

    def create_account(self, name: str) -> DevAccount:
        """Create an account `<name>.test` and return its handle, DID and password."""
        handle = f"{name}.test"
        password = secrets.token_urlsafe(12)
        response = httpx.post(
            f"{self.pds_url}/xrpc/com.atproto.server.createAccount",
            json={"email": f"{name}@example.test", "handle": handle, "password": password},
            timeout=30,
        )
        response.raise_for_status()
        return DevAccount(handle=handle, did=response.json()["did"], password=password)

    def stop(self) -> None:
        """Close the network and drop its PostgreSQL schema."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        _drop_schema(self.database_url, self.schema)


def _drop_schema(database_url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')  # letters only: see below



def installed() -> tuple[Path, Path] | None:
    """Return (node binary, dev-env directory) when both are installed, else None."""
    node = os.environ.get("SOCIALOPS_NODE22", "")
    devenv = os.environ.get("SOCIALOPS_ATPROTO_DEVENV", "")
    if not node or not devenv:
        return None
    node_path, devenv_path = Path(node), Path(devenv)
    if not node_path.is_file() or not (devenv_path / "node_modules" / "@atproto").is_dir():
        return None
    return node_path, devenv_path


def start_network(database_url: str) -> DevNetwork:
    """Start the network; raise NetworkUnavailableError with its output if it fails."""
    found = installed()
    if found is None:
        raise NetworkUnavailableError(
            "Node 22 and @atproto/dev-env are not installed: run ./run test, which installs "
            "them and sets SOCIALOPS_NODE22 and SOCIALOPS_ATPROTO_DEVENV"
        )
    node, devenv = found
    # The AppView's schema name must be letters and underscores only (PEERS.md).
    schema = "socialops_bsky_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    env = {
        **os.environ,
        "SOCIALOPS_ATPROTO_DEVENV": str(devenv),
        "SOCIALOPS_ATPROTO_SCHEMA": schema,
        "SOCIALOPS_ATPROTO_PDS_PORT": str(free_port()),
        "SOCIALOPS_ATPROTO_BSKY_PORT": str(free_port()),
        "SOCIALOPS_ATPROTO_PLC_PORT": str(free_port()),
        "DB_POSTGRES_URL": database_url,
        "REDIS_HOST": "unused",
        "LOG_ENABLED": "false",
        # The PDS keeps SQLite files and blobs in TMPDIR: give each run its own.
        "TMPDIR": tempfile.mkdtemp(prefix="socialops-atproto-"),
    }
    try:
        server = start_ready([str(node), str(DEVNET_SCRIPT)], env=env, cwd=devenv,
                             timeout=READY_TIMEOUT)
    except NotReadyError as exc:
        raise NetworkUnavailableError(f"dev network did not start:\n{exc}") from exc
    return DevNetwork(pds_url=server.ready["pds"], bsky_url=server.ready["bsky"],
                      process=server.process, schema=schema, database_url=database_url,
                      output=server.output)
