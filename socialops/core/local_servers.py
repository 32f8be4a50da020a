"""Start the real local servers the tests talk to, and wait until they say they are ready.

The reference networks (the Bluesky dev network, an OpenID Connect provider) are Node
scripts that print one line `READY {json}` once they listen. `start_ready` starts one,
keeps draining its output (a full pipe would block it on its next log line), and returns
the JSON of that line.
"""

from __future__ import annotations

import collections
import json
import socket
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def free_port() -> int:
    """Return a TCP port free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NotReadyError(RuntimeError):
    """The server exited or did not say READY in time; the message ends with its output."""


@dataclass
class ReadyServer:
    """A started server: its process, what its READY line said, its latest output lines."""

    process: subprocess.Popen[str]
    ready: dict[str, Any]
    output: collections.deque[str]


def start_ready(argv: Sequence[str], *, env: Mapping[str, str], cwd: Path,
                timeout: float) -> ReadyServer:
    """Start `argv` and wait for its `READY {json}` line; kill it and raise otherwise."""
    process = subprocess.Popen(  # noqa: S603 - argv built by the caller from fixed paths
        list(argv), env=dict(env), cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    ready = threading.Event()
    said: dict[str, Any] = {}
    output: collections.deque[str] = collections.deque(maxlen=200)

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip())
            if line.startswith("READY "):
                said.update(json.loads(line[len("READY "):]))
                ready.set()
        ready.set()  # the process ended: stop waiting

    threading.Thread(target=drain, daemon=True).start()
    if not ready.wait(timeout) or not said:
        process.kill()
        raise NotReadyError("\n".join(output))
    return ReadyServer(process=process, ready=said, output=output)
