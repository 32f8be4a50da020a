"""Fixtures of the analytics tests: channels on the real sandbox network."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from socialops.core.models import Organization
from socialops.governance.models import Channel, Transport


def sandbox_channel_for(sandbox: Any, org: Organization, make_channel: Callable[..., Channel],
                        network: str = "instagram", followers: int = 5000) -> Channel:
    """Create a sandbox account and the channel that acts as it."""
    handle = f"brand{time.monotonic_ns()}"
    account = sandbox.create_account(handle, network, followers=followers)
    channel: Channel = make_channel(org, network=network, transport=Transport.SANDBOX,
                                    handle=handle, remote_id=account.id,
                                    credentials={"token": account.token})
    return channel


@pytest.fixture
def sandbox_channel(sandbox: Any, settings: Any, make_org: Callable[..., Organization],
                    make_channel: Callable[..., Channel]) -> Channel:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    return sandbox_channel_for(sandbox, make_org(), make_channel)
