"""The reference AT Protocol network, started once for the Bluesky tests."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from socialops.connectors.base import ChannelAuth
from socialops.connectors.bluesky.connector import BlueskyConnector
from socialops.connectors.bluesky.testing import DevAccount, DevNetwork, installed, start_network
from socialops.connectors.http import HttpClient

DATABASE_URL = os.environ.get("SOCIALOPS_ATPROTO_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def devnet() -> Iterator[DevNetwork]:
    if installed() is None:
        pytest.skip("Node 22 and @atproto/dev-env are not installed (./run test installs them)")
    network = start_network(DATABASE_URL)
    try:
        yield network
    finally:
        network.stop()


@pytest.fixture
def account(devnet: DevNetwork) -> Callable[[str], DevAccount]:
    counter = iter(range(10_000))

    def make(name: str) -> DevAccount:
        return devnet.create_account(f"{name}{next(counter)}x{time.monotonic_ns() % 100_000}")

    return make


@pytest.fixture
def connect(devnet: DevNetwork) -> Callable[[DevAccount], BlueskyConnector]:
    def make(who: DevAccount) -> BlueskyConnector:
        auth = ChannelAuth(remote_id=who.did, handle=who.handle,
                           credentials={"identifier": who.handle, "app_password": who.password,
                                        "service": devnet.pds_url})
        connector = BlueskyConnector(auth, HttpClient(allow_private=True))
        # The AppView indexes a new account asynchronously (PEERS.md): wait for it.
        deadline = time.monotonic() + 15
        while True:
            try:
                connector.verify()
                return connector
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    return make


def eventually(check: Callable[[], Any], timeout: float = 10) -> Any:
    """Return check()'s first truthy value, polling while the AppView indexes."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)
