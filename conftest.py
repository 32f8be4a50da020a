"""Fixtures shared by every test: organizations, members, channels, the sandbox network."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization


@pytest.fixture(autouse=True)
def _jobs_run_inline() -> Iterator[None]:
    """Run Celery tasks synchronously (one test starts a real worker instead)."""
    from socialops.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """Start every test in English: a French request leaves French active in the thread."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Start every test with an empty cache: API rate counters belong to one test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords cheaply; production keeps Django's slow default."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _LogSink(logging.Handler):
    """Keep every log line the suite writes, formatted as an operator would read it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted must not break a test
            self.lines.append(str(record.msg))


@pytest.fixture(scope="session", autouse=True)
def _secrets_never_logged() -> Iterator[None]:
    """Fail the run if any secret the suite stored, or a password it used, reaches a log.

    Every value encrypted by the vault (channel credentials, client secrets) during the
    suite is remembered, with the test passwords; at the end, every log line is searched.
    """
    from socialops.governance import vault

    sink = _LogSink()
    sink.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(sink)
    stored: set[str] = {"correct-horse-battery", "arlette-demo-2026"}
    original = vault.encrypt

    def remembering(secrets: dict[str, str]) -> str:
        stored.update(v for v in secrets.values() if isinstance(v, str) and len(v) >= 8)
        return original(secrets)

    vault.encrypt = remembering
    try:
        yield
    finally:
        vault.encrypt = original
        logging.getLogger().removeHandler(sink)
    leaks = sorted({f"{secret[:4]}… in: {line[:160]}" for line in sink.lines
                    for secret in stored if secret in line})
    assert not leaks, "secrets reached the logs:\n" + "\n".join(leaks[:20])


@pytest.fixture
def actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
def make_org(db: None, actor: Actor) -> Callable[..., Organization]:
    from socialops.core.services import create_organization

    counter = iter(range(1, 10_000))

    def make(name: str = "") -> Organization:
        return create_organization(name or f"Brand {next(counter)}", actor)

    return make


@pytest.fixture
def make_member(db: None, actor: Actor) -> Callable[..., Member]:
    from socialops.core.services import add_member

    counter = iter(range(1, 10_000))

    def make(org: Organization, role: str = "manager", email: str = "",
             password: str = "correct-horse-battery") -> Member:  # noqa: S107
        email = email or f"person{next(counter)}@{org.slug}.example"
        return add_member(org, email, role, actor, password=password,
                          full_name=f"Person {role.title()}")

    return make


@pytest.fixture
def make_channel(db: None, actor: Actor, make_member: Callable[..., Member]) -> Callable[..., Any]:
    from socialops.governance.services import create_channel

    counter = iter(range(1, 10_000))

    def make(org: Organization, network: str = "instagram", **fields: Any) -> Any:
        owner = fields.pop("owner", None) or make_member(org, "manager")
        backup = fields.pop("backup_owner", None) or make_member(org, "publisher")
        n = next(counter)
        return create_channel(
            org, actor, network=network, handle=fields.pop("handle", f"{org.slug}-{n}"),
            display_name=fields.pop("display_name", f"{org.name} {network} {n}"),
            owner=owner, backup_owner=backup, **fields,
        )

    return make


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start the sandbox network once for the session, as a real local HTTP server."""
    from socialops.connectors.sandbox.testing import start_sandbox

    process = start_sandbox(Path(tmp_path_factory.mktemp("sandbox")))
    try:
        yield process
    finally:
        process.stop()
