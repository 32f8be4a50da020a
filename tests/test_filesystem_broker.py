"""The embedded job queue never hands a worker a half-written message."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kombu import Connection

from socialops import filesystem_broker


def test_concurrent_producer_and_consumer_lose_and_corrupt_nothing(tmp_path: Path) -> None:
    filesystem_broker.install()
    options: dict[str, Any] = {
        "data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path),
        "processed_folder": str(tmp_path / "done"), "control_folder": str(tmp_path / "ctl"),
    }
    (tmp_path / "done").mkdir()
    count = 1500
    received: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def consume() -> None:
        with Connection("filesystem://", transport_options=options) as conn:
            queue = conn.SimpleQueue("jobs")
            try:
                while len(received) < count:
                    message = queue.get(timeout=20)
                    received.append(message.payload)
                    message.ack()
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                queue.close()

    with Connection("filesystem://", transport_options=options) as conn:
        assert isinstance(conn.transport, filesystem_broker.Transport)
        queue = conn.SimpleQueue("jobs")
        consumer = threading.Thread(target=consume)
        consumer.start()
        for n in range(count):
            queue.put({"n": n, "text": "x" * (n % 400)})
        consumer.join(60)
        queue.close()
    assert errors == []
    assert sorted(p["n"] for p in received) == list(range(count))
    assert all(p["text"] == "x" * (p["n"] % 400) for p in received)
    assert not list(tmp_path.glob("*.tmp"))
