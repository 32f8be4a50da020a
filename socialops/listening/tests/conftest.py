"""Fixtures of the listening tests: queries, channels on the real sandbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.listening.models import ListeningQuery
from socialops.listening.services import QueryInput, create_query


@pytest.fixture
def word() -> str:
    """Return a word no other test writes on the shared sandbox."""
    return f"zq{uuid.uuid4().hex[:10]}"


@pytest.fixture
def manager(make_org: Callable[..., Organization], make_member: Callable[..., Member]) -> Member:
    return make_member(make_org(), "manager")


@pytest.fixture
def make_query(actor: Actor) -> Callable[..., ListeningQuery]:
    def make(member: Member, expression: str, *, name: str = "", scope: str = "network",
             languages: list[str] | None = None, networks: list[str] | None = None,
             ) -> ListeningQuery:
        data = QueryInput(name=name or f"q {uuid.uuid4().hex[:6]}", expression=expression,
                          languages=languages or [], networks=networks or [], scope=scope)
        return create_query(member, actor, data)

    return make


@pytest.fixture
def sandbox_settings(sandbox: Any, settings: Any) -> Any:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    return sandbox
