"""Act on the sandbox as the brand or as a member of the public, over HTTP."""

from __future__ import annotations

import uuid
from typing import Any

from socialops.connectors.base import PublishRequest
from socialops.connectors.http import HttpClient
from socialops.connectors.sandbox.connector import SandboxConnector


def as_account(sandbox: Any, account: Any) -> SandboxConnector:
    """Return a connector acting as a sandbox account."""
    return SandboxConnector(account.auth, HttpClient(allow_private=True), base_url=sandbox.url)


def post(connector: SandboxConnector, text: str) -> str:
    """Publish a feed post; return its remote id."""
    request = PublishRequest(text=text, placement="feed", idempotency_key=uuid.uuid4().hex)
    return connector.publish(request).remote_id


def comment(connector: SandboxConnector, parent: str, text: str) -> str:
    """Answer a post or a comment; return the new comment's id."""
    return connector.reply(parent, text, uuid.uuid4().hex).remote_id


def dm(connector: SandboxConnector, handle: str, text: str) -> str:
    """Send a direct message to a handle; return its id."""
    return connector.send_dm(handle, text, uuid.uuid4().hex).remote_id
