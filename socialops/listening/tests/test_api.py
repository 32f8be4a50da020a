"""The listening and crisis API: same permissions as pages, clear 400 on a bad query."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from socialops.core.models import Member
from socialops.core.services import create_token
from socialops.listening.models import Alert, ListeningQuery

pytestmark = pytest.mark.django_db


def _headers(member: Member, actor: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(member, actor).raw}"}


def test_queries_and_alerts_through_the_api(manager: Member, actor: Any) -> None:
    client, headers = Client(), _headers(manager, actor)
    bad = client.post("/api/v1/listening/queries", {"name": "x", "expression": "(a OR"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 400 and "character" in bad.json()["message"]
    made = client.post("/api/v1/listening/queries", {"name": "Brand", "expression": "arlette"},
                       content_type="application/json", headers=headers)
    assert made.status_code == 201 and made.json()["scope"] == "network"
    query = ListeningQuery.objects.get()
    alert = Alert.objects.create(organization=manager.organization, query=query,
                                 metric="volume", bucket_start=datetime(2026, 3, 2, tzinfo=UTC),
                                 severity="high", score=1, value=9, baseline=1)
    listed = client.get("/api/v1/listening/alerts", headers=headers).json()
    assert [a["id"] for a in listed["items"]] == [alert.pk]
    incidents = client.get("/api/v1/crisis/incidents", headers=headers)
    assert incidents.status_code == 200 and incidents.json()["items"] == []
