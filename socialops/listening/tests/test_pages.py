"""Listening pages: browse with filters, hostile text escaped, forms show errors in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from socialops.core.models import Member
from socialops.listening.models import Alert, ListeningQuery, Mention

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_mentions_page_escapes_and_filters(manager: Member,
                                           make_query: Callable[..., Any]) -> None:
    query = make_query(manager, "arlette", name="Brand")
    for n, (text, sentiment) in enumerate([("<script>alert(1)</script> arlette", "negative"),
                                           ("arlette is lovely", "positive")]):
        Mention.objects.create(organization=manager.organization, query=query,
                               network="mastodon", remote_id=f"m{n}", text=text,
                               sentiment=sentiment,
                               created_at=datetime(2026, 3, 2, 10, n, tzinfo=UTC))
    client = _client(manager)
    page = client.get("/listening/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    filtered = client.get("/listening/", {"sentiment": "positive"}).content.decode()
    assert "arlette is lovely" in filtered and "&lt;script&gt;" not in filtered
    assert client.get(f"/listening/queries/{query.pk}/").status_code == 200


def test_query_form_shows_the_syntax_error_where_it_is(manager: Member) -> None:
    client = _client(manager)
    response = client.post("/listening/queries/new/", {
        "name": "Recall", "expression": '"maison arlette', "scope": "network"})
    assert response.status_code == 200
    assert "This quote is never closed. (at character 1)" in response.content.decode()
    assert not ListeningQuery.objects.exists()
    response = client.post("/listening/queries/new/", {
        "name": "Recall", "expression": '"maison arlette" (rappel OR recall)',
        "scope": "network", "languages": ["fr"], "is_active": "on"})
    query = ListeningQuery.objects.get()
    assert response.status_code == 302 and query.languages == ["fr"]


def test_alert_page_and_one_click_incident(manager: Member,
                                           make_query: Callable[..., Any]) -> None:
    query = make_query(manager, "arlette", name="Brand")
    alert = Alert.objects.create(organization=manager.organization, query=query,
                                 metric="volume", bucket_start=datetime(2026, 3, 2, tzinfo=UTC),
                                 severity="high", score=20, value=90, baseline=5)
    client = _client(manager)
    assert "Open an incident" in client.get(f"/listening/alerts/{alert.pk}/").content.decode()
    response = client.post(f"/crisis/from-alert/{alert.pk}/")
    assert response.status_code == 302 and "/crisis/incidents/" in response["Location"]
    incident_page = client.get(response["Location"]).content.decode()
    assert "Spike on" in incident_page
    assert client.get(f"/crisis/incidents/{alert.incidents.get().pk}/report/").status_code == 200
    pdf = client.get(f"/crisis/incidents/{alert.incidents.get().pk}/report.pdf")
    assert pdf.status_code in (200, 501)
    if pdf.status_code == 200:
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_analyst_reads_but_cannot_manage(manager: Member, make_member: Callable[..., Member],
                                         make_query: Callable[..., Any]) -> None:
    analyst = make_member(manager.organization, "analyst")
    client = _client(analyst)
    assert client.get("/listening/").status_code == 200
    assert client.get("/listening/queries/new/").status_code == 403
    assert client.get("/listening/webhooks/").status_code == 403
    contributor = make_member(manager.organization, "contributor")
    assert _client(contributor).get("/listening/").status_code == 403
