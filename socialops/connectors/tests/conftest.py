"""Provide a sandbox server (real subprocess, loopback HTTP) and connectors bound to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from socialops.connectors.http import HttpClient
from socialops.connectors.registry import build_connector
from socialops.connectors.sandbox.connector import SandboxConnector
from socialops.connectors.sandbox.testing import SandboxAccount, SandboxProcess, start_sandbox

MakeAccount = Callable[..., SandboxAccount]
Connect = Callable[..., SandboxConnector]


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """Run one sandbox (no background simulator) for the whole session."""
    with start_sandbox(Path(tmp_path_factory.mktemp("sandbox"))) as process:
        yield process


@pytest.fixture
def clean_sandbox(sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    """Clear faults and rate-limit buckets before and after the test."""
    sandbox.admin("DELETE", "/admin/faults")
    yield sandbox
    sandbox.admin("DELETE", "/admin/faults")


@pytest.fixture
def http() -> Iterator[HttpClient]:
    """Return a client with short timeouts and near-instant back-off."""
    with HttpClient(
        allow_private=True, read_timeout=2.0, connect_timeout=2.0, backoff_base=0.01
    ) as client:
        yield client


@pytest.fixture
def make_account(clean_sandbox: SandboxProcess) -> MakeAccount:
    """Return a factory of fresh accounts with unique handles."""

    def make(prefix: str = "brand", network: str = "sandbox", **kwargs: object) -> SandboxAccount:
        handle = f"{prefix}_{uuid.uuid4().hex[:8]}"
        return clean_sandbox.create_account(handle, network, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
def connect(clean_sandbox: SandboxProcess, http: HttpClient) -> Connect:
    """Return a factory of connectors for an account, emulating the account's network."""

    def make(account: SandboxAccount, client: HttpClient | None = None) -> SandboxConnector:
        connector = build_connector(
            account.network, account.auth, client or http, sandbox_url=clean_sandbox.url
        )
        assert isinstance(connector, SandboxConnector)
        return connector

    return make
