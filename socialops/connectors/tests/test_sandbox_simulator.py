"""Test the audience simulator and the crisis switch on a dedicated sandbox process."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from socialops.connectors.base import InboundItem
from socialops.connectors.http import HttpClient
from socialops.connectors.registry import build_connector
from socialops.connectors.sandbox.simulator import activity_factor
from socialops.connectors.sandbox.testing import SandboxAccount, SandboxProcess, start_sandbox


@pytest.fixture(scope="module")
def sim_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """Run a sandbox whose simulator is idle until a test drives it."""
    with start_sandbox(Path(tmp_path_factory.mktemp("sim")), seed=7) as process:
        yield process


def inbox(sandbox: SandboxProcess, account: SandboxAccount) -> list[InboundItem]:
    with HttpClient(allow_private=True) as http:
        connector = build_connector(account.network, account.auth, http, sandbox_url=sandbox.url)
        items: list[InboundItem] = []
        cursor = None
        while True:
            page = connector.fetch_inbox(cursor, 100)
            if not page.items:
                return items
            items.extend(page.items)
            cursor = page.cursor


def test_daily_cycle_is_low_at_night_and_peaks_in_the_day() -> None:
    monday = [activity_factor(datetime(2025, 3, 3, hour, 0)) for hour in range(24)]  # noqa: DTZ001
    saturday = [activity_factor(datetime(2025, 3, 8, hour, 0)) for hour in range(24)]  # noqa: DTZ001
    assert monday[4] < monday[11] / 5
    assert max(range(24), key=lambda h: monday[h]) in (11, 20, 21)
    assert monday[11] > monday[15] < monday[20]  # two peaks, a lull in between
    assert saturday[11] != monday[11]
    assert sum(saturday) < sum(monday)


def test_simulator_generates_french_and_english_traffic_in_many_categories(
    sim_sandbox: SandboxProcess,
) -> None:
    brand = sim_sandbox.create_account("maison_sim", "sandbox", followers=40_000)
    result = sim_sandbox.admin("POST", "/admin/simulator", {"generate_seconds": 2 * 86_400})
    assert result["generated"] > 50
    items = inbox(sim_sandbox, brand)
    assert len(items) >= 50
    languages = Counter(i.language for i in items)
    assert languages["fr"] > 10 and languages["en"] > 10
    categories = Counter(i.raw["sim"]["category"] for i in items)
    assert {"praise", "question", "complaint", "spam"} <= set(categories)
    assert categories["praise"] > categories.get("urgent", 0)
    kinds = Counter(i.kind for i in items)
    assert {"comment", "mention", "dm"} <= set(kinds)
    for item in items:
        assert item.text and item.author_handle != brand.handle
        if item.kind == "mention":
            assert f"@{brand.handle}" in item.text
        if item.raw["sim"]["category"] == "spam":
            assert "https://" in item.text
    # Comments land on the seed posts the simulator created for the account.
    assert all(i.post_remote_id for i in items if i.kind in ("comment", "reply"))


def test_networks_without_dms_get_no_simulated_dms(sim_sandbox: SandboxProcess) -> None:
    page = sim_sandbox.create_account("linkedin_sim", "linkedin", followers=40_000)
    sim_sandbox.admin("POST", "/admin/simulator", {"generate_seconds": 86_400})
    kinds = {i.kind for i in inbox(sim_sandbox, page)}
    assert kinds and "dm" not in kinds


def test_background_simulator_produces_traffic_within_seconds(sim_sandbox: SandboxProcess) -> None:
    sim_sandbox.create_account("busy_brand", "instagram", followers=1_000_000)
    before = sim_sandbox.admin("GET", "/admin/stats")["events"]
    sim_sandbox.admin("POST", "/admin/simulator", {"running": True, "rate_multiplier": 3600})
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if sim_sandbox.admin("GET", "/admin/stats")["events"] > before:
                break
            time.sleep(0.2)
    finally:
        status = sim_sandbox.admin("POST", "/admin/simulator", {"running": False})
    assert status["running"] is False
    assert sim_sandbox.admin("GET", "/admin/stats")["events"] > before


def test_crisis_switch_injects_negative_mentions_about_the_topic(
    sim_sandbox: SandboxProcess,
) -> None:
    brand = sim_sandbox.create_account("crisis_brand", "x", followers=5_000)
    already = {i.remote_id for i in inbox(sim_sandbox, brand)}
    started = sim_sandbox.admin(
        "POST",
        "/admin/crisis",
        {
            "topic": "battery recall",
            "minutes": 1,
            "per_minute": 600,
            "language": "en",
            "handle": brand.handle,
        },
    )
    assert started["crisis"]["topic"] == "battery recall"
    deadline = time.monotonic() + 10
    new: list[InboundItem] = []
    while time.monotonic() < deadline and len(new) < 10:
        time.sleep(0.3)
        new = [i for i in inbox(sim_sandbox, brand) if i.remote_id not in already]
    assert len(new) >= 10
    for item in new:
        assert item.kind == "mention"
        assert item.raw["sim"]["category"] == "crisis"
        assert item.language == "en"
        assert "battery recall" in item.text
        assert f"@{brand.handle}" in item.text


def test_crisis_rejects_bad_input(sim_sandbox: SandboxProcess) -> None:
    import httpx

    with pytest.raises(httpx.HTTPStatusError) as caught:
        sim_sandbox.admin("POST", "/admin/crisis", {"topic": "", "minutes": 1, "per_minute": 5})
    assert caught.value.response.status_code == 400
