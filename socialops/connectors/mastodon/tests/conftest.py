"""One mastodon-mock server for the session, and connectors bound to its accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from socialops.connectors.http import HttpClient
from socialops.connectors.mastodon.connector import MastodonConnector
from socialops.connectors.mastodon.testing import MockAccount, MockInstance, installed, start_mock


@pytest.fixture(scope="session")
def mock_instance() -> Iterator[MockInstance]:
    if not installed():
        pytest.skip("mastodon-mock is not installed")
    instance = start_mock()
    try:
        yield instance
    finally:
        instance.stop()


@pytest.fixture
def instance(mock_instance: MockInstance) -> Iterator[MockInstance]:
    """Return the server with no fault rule left over from another test."""
    mock_instance.clear_faults()
    yield mock_instance
    mock_instance.clear_faults()


@pytest.fixture
def http() -> Iterator[HttpClient]:
    with HttpClient(allow_private=True, read_timeout=5.0, backoff_base=0.01,
                    sleep=lambda _s: None) as client:
        yield client


@pytest.fixture
def account(instance: MockInstance) -> Callable[[str], MockAccount]:
    return instance.create_account


@pytest.fixture
def connect(instance: MockInstance, http: HttpClient) -> Callable[..., MastodonConnector]:
    def make(who: MockAccount, client: HttpClient | None = None) -> MastodonConnector:
        return MastodonConnector(who.auth(instance.url), client or http)

    return make
