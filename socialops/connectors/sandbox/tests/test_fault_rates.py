"""Test the sandbox's random fault shares used by `socialops bench publish`."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from socialops.connectors.sandbox.state import Faults


def post(sandbox: Any, token: str, key: str) -> httpx.Response:
    return httpx.post(f"{sandbox.url}/v1/posts", json={"text": "hello", "client_ref": key},
                      headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
                      timeout=10)


def test_a_full_5xx_rate_fails_every_create_and_creates_nothing(sandbox: Any) -> None:
    account = sandbox.create_account(f"rate5xx-{time.monotonic_ns()}", "mastodon")
    try:
        sandbox.admin("POST", "/admin/faults", {"error_5xx_rate": 1.0})
        assert [post(sandbox, account.token, uuid.uuid4().hex).status_code
                for _ in range(3)] == [503, 503, 503]
        # Reads still answer: reconciliation must be able to look.
        mine = httpx.get(f"{sandbox.url}/v1/me/posts",
                         headers={"Authorization": f"Bearer {account.token}"}, timeout=10)
        assert mine.status_code == 200 and mine.json()["posts"] == []
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    assert post(sandbox, account.token, uuid.uuid4().hex).status_code == 201


def test_a_timeout_rate_creates_the_post_then_hangs(sandbox: Any) -> None:
    account = sandbox.create_account(f"ratehang-{time.monotonic_ns()}", "x")
    try:
        sandbox.admin("POST", "/admin/faults",
                      {"timeout_after_create_rate": 1.0, "hang_seconds": 3.0})
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{sandbox.url}/v1/posts", json={"text": "hang", "client_ref": "k1"},
                       headers={"Authorization": f"Bearer {account.token}"}, timeout=1)
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    mine = httpx.get(f"{sandbox.url}/v1/me/posts",
                     headers={"Authorization": f"Bearer {account.token}"}, timeout=10)
    assert [p["client_ref"] for p in mine.json()["posts"]] == ["k1"]


def test_rates_are_shares_and_strike_about_that_often() -> None:
    faults = Faults()
    with pytest.raises(TypeError):
        faults.update({"error_5xx_rate": 1.5})
    assert faults.roll("error_5xx_rate") is False
    faults.update({"error_5xx_rate": 0.25})
    hits = sum(faults.roll("error_5xx_rate") for _ in range(4000))
    assert 800 < hits < 1200
    assert faults.reset()["error_5xx_rate"] == 0.0


def test_the_admin_api_rejects_a_rate_above_one(sandbox: Any) -> None:
    with pytest.raises(httpx.HTTPStatusError) as caught:
        sandbox.admin("POST", "/admin/faults", {"timeout_after_create_rate": 2})
    assert caught.value.response.status_code == 400
