"""Fuzz every API operation with schemathesis: no server error, every answer as declared.

The schema is read from the application itself (WSGI, in process) and each operation is
called with a bearer token of an owner of an organization holding channels, a post and
conversations. Examples are derandomized so that CI runs the same cases every time.
Run it alone with `.venv/bin/pytest tests/test_api_fuzz.py -p no:cacheprovider`
(SOCIALOPS_FUZZ_EXAMPLES=200 for a deeper run).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.services import create_token
from socialops.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Examples per operation: enough for CI in about a minute; raise it for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("SOCIALOPS_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Keep the database connection open across in-process requests, as Django's Client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def owner_token(make_org: Callable[..., Organization], make_member: Callable[..., Member],
                make_channel: Callable[..., Any], actor: Actor) -> str:
    """Return a bearer token of the owner of an organization with a little of everything."""
    from socialops.inbox.services.ingest import ingest
    from socialops.publishing.services import create_post

    org = make_org("Fuzz brand")
    owner = make_member(org, "owner")
    channels = [make_channel(org, "mastodon"), make_channel(org, "instagram")]
    create_post(owner, actor, text="Our spring collection is here",
                targets=[(channels[0].pk, "feed")])
    start = datetime.now(UTC) - timedelta(hours=2)
    ingest(channels[0], [
        InboundItem(remote_id=f"c{n}", kind="comment", author_handle=f"fan{n}",
                    author_name=f"Fan {n}", text=text, created_at=start + timedelta(minutes=n),
                    thread_key=f"post:p{n}", parent_remote_id=f"p{n}",
                    post_remote_id=f"p{n}", language="en", raw={"id": f"c{n}"})
        for n, text in enumerate(["Love it!", "Where can I buy this?", "Order never came"])
    ])
    return create_token(owner, actor, name="fuzz").raw


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_answers_as_declared(case: Any, owner_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_token}"}, checks=CHECKS)
