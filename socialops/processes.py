"""Run and supervise the processes of one `socialops serve` or `socialops demo`.

Each part (web server, Celery worker with beat, sandbox network) is a child
process; when one dies or the user presses Ctrl-C, every other one is stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Child:
    """A supervised child process."""

    name: str
    argv: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None
    ready_line: str = ""
    ready: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        """Start the child, relaying its output prefixed with its name."""
        self.process = subprocess.Popen(  # noqa: S603 - argv is built by us, not the user
            list(self.argv),
            env={**os.environ, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._relay, daemon=True).start()

    def _relay(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            if self.ready_line and self.ready_line in line:
                self.ready.set()
            sys.stdout.write(f"[{self.name}] {line}")
            sys.stdout.flush()

    def stop(self, timeout: float = 10) -> None:
        """Ask the child to stop, then kill it if it does not."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class Supervisor:
    """Start children in order and stop them all together."""

    def __init__(self) -> None:
        self.children: list[Child] = []
        self._stopping = threading.Event()

    def start(self, child: Child, *, wait_ready: float = 0) -> Child:
        """Start a child; with ``wait_ready``, wait for its ready line (or fail)."""
        self.children.append(child)
        child.start()
        if wait_ready:
            deadline = time.monotonic() + wait_ready
            while not child.ready.wait(0.2):
                assert child.process is not None
                if child.process.poll() is not None or time.monotonic() > deadline:
                    self.stop_all()
                    raise RuntimeError(f"{child.name} did not start (see its output above)")
        return child

    def stop_all(self) -> None:
        """Stop the children, newest first."""
        self._stopping.set()
        for child in reversed(self.children):
            child.stop()

    def wait(self) -> int:
        """Block until Ctrl-C, SIGTERM or a child's exit; return an exit status."""

        def _terminate(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        # Both explicitly: a process started in the background inherits an ignored SIGINT.
        signal.signal(signal.SIGTERM, _terminate)
        signal.signal(signal.SIGINT, _terminate)
        status = 0
        try:
            while True:
                for child in self.children:
                    assert child.process is not None
                    code = child.process.poll()
                    if code is not None:
                        print(f"socialops: {child.name} exited with status {code}; stopping.")
                        status = code or 1
                        raise KeyboardInterrupt
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop_all()
        return status


def python(*args: str) -> list[str]:
    """Return an argv running this interpreter."""
    return [sys.executable, *args]


def web_child(host: str, port: int, threads: int = 8) -> Child:
    """Return the waitress web server child."""
    return Child(
        "web",
        python("-m", "waitress", f"--host={host}", f"--port={port}", f"--threads={threads}",
               "socialops.wsgi:application"),
        ready_line="Serving on",
    )


def worker_child(*, with_beat: bool, concurrency: int, data_dir: str) -> Child:
    """Return the Celery worker child (with the embedded beat when asked)."""
    argv = python("-m", "celery", "-A", "socialops.celery", "worker", "--loglevel=INFO",
                  "--pool=threads", f"--concurrency={concurrency}", "--without-gossip",
                  "--without-mingle")
    if with_beat:
        argv += ["--beat", f"--schedule={data_dir}/celerybeat-schedule"]
    return Child("worker", argv, ready_line="ready.")


def beat_child(data_dir: str) -> Child:
    """Return a standalone Celery beat child."""
    return Child("beat", python("-m", "celery", "-A", "socialops.celery", "beat",
                                "--loglevel=INFO", f"--schedule={data_dir}/celerybeat-schedule"))
