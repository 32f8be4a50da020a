"""Fixtures of the inbox tests: inbound items, channels on the real sandbox."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from socialops.connectors.base import InboundItem
from socialops.core.models import Organization
from socialops.governance.models import Channel, Transport

_counter = itertools.count(1)
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def make_item() -> Callable[..., InboundItem]:
    def make(text: str = "Hello there, nice post", *, kind: str = "comment",
             remote_id: str = "", thread_key: str = "post:p1", parent: str | None = "p1",
             post: str | None = "p1", author: str = "alice", name: str = "Alice Martin",
             minutes: int = 0, language: str | None = None) -> InboundItem:
        n = next(_counter)
        return InboundItem(
            remote_id=remote_id or f"r{n}", kind=kind,  # type: ignore[arg-type]
            author_handle=author, author_name=name, text=text,
            created_at=T0 + timedelta(minutes=minutes or n), thread_key=thread_key,
            parent_remote_id=parent, post_remote_id=post, language=language,
            raw={"id": remote_id or f"r{n}"},
        )

    return make


@pytest.fixture
def channel(make_org: Callable[..., Organization], make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(make_org())


def sandbox_channel_for(sandbox: Any, org: Organization, make_channel: Callable[..., Channel],
                        network: str = "mastodon", followers: int = 1000,
                        ) -> tuple[Channel, Any]:
    handle = f"brand{time.monotonic_ns()}"
    account = sandbox.create_account(handle, network, followers=followers,
                                     languages={"fr": 0.5, "en": 0.5})
    channel = make_channel(org, network=network, transport=Transport.SANDBOX, handle=handle,
                           remote_id=account.id, credentials={"token": account.token})
    return channel, account


@pytest.fixture
def sandbox_channel(sandbox: Any, settings: Any, make_org: Callable[..., Organization],
                    make_channel: Callable[..., Channel]) -> tuple[Channel, Any]:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    return sandbox_channel_for(sandbox, make_org(), make_channel)


@pytest.fixture
def fan(sandbox: Any) -> Any:
    """A member of the public on the sandbox, who writes to the brand."""
    return sandbox.create_account(f"fan{time.monotonic_ns()}", "sandbox")
