"""Test how the sandbox starts and stops, and that the simulator is repeatable."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from socialops.connectors.sandbox.server import SandboxServer
from socialops.connectors.sandbox.simulator import AudienceSimulator
from socialops.connectors.sandbox.state import Clock
from socialops.connectors.sandbox.store import Store
from socialops.connectors.sandbox.testing import start_sandbox

FIXED_NOW = 1_741_600_800.0  # a Monday, 10:00 UTC


class FixedClock(Clock):
    """Stand still, so two simulator runs see the same time of day."""

    def now(self) -> float:
        return FIXED_NOW + self.offset


def simulate(db: Path, seed: int) -> list[tuple[str, str]]:
    store = Store(db)
    store.create_account(
        handle="brand",
        network="sandbox",
        display_name="Brand",
        followers=50_000,
        created_at=FIXED_NOW,
    )
    AudienceSimulator(store, FixedClock(), seed=seed).generate(86_400)
    rows = store.query(
        "SELECT text, sim_category FROM posts WHERE sim_category IS NOT NULL"
        " UNION ALL SELECT text, sim_category FROM dms ORDER BY 1"
    )
    store.close()
    return [(row["text"], row["sim_category"]) for row in rows]


def test_simulator_is_repeatable_with_a_seed(tmp_path: Path) -> None:
    first = simulate(tmp_path / "a.db", seed=3)
    assert len(first) > 20
    assert simulate(tmp_path / "b.db", seed=3) == first
    assert simulate(tmp_path / "c.db", seed=4) != first


def test_subprocess_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    sandbox = start_sandbox(tmp_path, simulate=True)
    assert httpx.get(f"{sandbox.url}/health").status_code == 200
    assert sandbox.url.startswith("http://127.0.0.1:")
    sandbox.stop()
    assert sandbox.process.returncode == 0
    assert any(line.startswith("SANDBOX READY http://127.0.0.1:") for line in sandbox.output)


def test_in_process_server_stops_from_another_thread(tmp_path: Path) -> None:
    server = SandboxServer("127.0.0.1", 0, tmp_path / "t.db", admin_key="k")
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        assert httpx.get(f"{server.url}/health", timeout=5).json() == {"status": "ok"}
        answer = httpx.get(f"{server.url}/admin/stats", headers={"X-Sandbox-Admin": "k"})
        assert answer.json()["accounts"] == 0
    finally:
        server.stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
