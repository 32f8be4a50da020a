"""The API limits each member's requests per minute and says when to come back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.services import create_token

pytestmark = pytest.mark.django_db


def test_a_member_over_the_limit_gets_429_with_retry_after(
    make_org: Callable[..., Organization], make_member: Callable[..., Member], actor: Actor,
    settings: Any,
) -> None:
    settings.SOCIALOPS_API_RATE_PER_MINUTE = 3
    org = make_org()
    busy = create_token(make_member(org, "manager"), actor, name="busy").raw
    calm = create_token(make_member(org, "manager"), actor, name="calm").raw
    client = Client()

    def get(token: str) -> Any:
        return client.get("/api/v1/channels", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert [get(busy).status_code for _ in range(3)] == [200, 200, 200]
    refused = get(busy)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another member's allowance is their own.
    assert get(calm).status_code == 200
    # The schema tells clients about it.
    schema = client.get("/api/v1/openapi.json").json()
    assert "429" in schema["paths"]["/api/v1/channels"]["get"]["responses"]
