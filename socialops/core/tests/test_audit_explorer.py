"""The audit explorer: filters, pages, escaped differences, CSV, chain verification."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.audit_explorer import diff
from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.core.services import change_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Acme")


def viewer(client: Client, org: Organization, make_member: Callable[..., Member],
           role: str = Role.ANALYST) -> Member:
    member = make_member(org, role)
    client.force_login(member.user)
    return member


def test_diff_marks_changed_added_and_removed_fields() -> None:
    changes = {c.field: c for c in diff({"role": "a", "gone": 1, "same": "x"},
                                         {"role": "b", "new": [1], "same": "x"})}
    assert changes["role"].kind == "changed" and changes["role"].after == "b"
    assert changes["gone"].kind == "removed" and changes["new"].kind == "added"
    assert changes["new"].after == "[1]" and changes["same"].kind == "same"


def test_an_analyst_reads_filters_and_pages_the_trail(
    client: Client, org: Organization, make_member: Callable[..., Member], actor: Actor
) -> None:
    analyst = viewer(client, org, make_member)
    person = make_member(org, Role.RESPONDER)
    change_role(person, Role.PUBLISHER, actor)
    response = client.get(reverse("web:audit"), {"action": "member.role"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 event" in html and "member.role" in html
    assert "<del>responder</del>" in html and "<ins>publisher</ins>" in html
    by_type = client.get(reverse("web:audit"), {"target_type": "core.organization"})
    assert "organization.create" in by_type.content.decode()
    assert "1 event" in by_type.content.decode()
    by_actor = client.get(reverse("web:audit"), {"actor": "system:test"}).content.decode()
    assert "member.add" in by_actor
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "No event matches" in client.get(
        reverse("web:audit"), {"since": tomorrow}).content.decode()
    today = timezone.localdate().isoformat()
    assert "member.role" in client.get(
        reverse("web:audit"), {"since": today, "until": today}).content.decode()
    assert analyst.user.email in html  # the member.add of the analyst


def test_the_trail_is_paginated_newest_first(
    client: Client, org: Organization, make_member: Callable[..., Member], actor: Actor
) -> None:
    viewer(client, org, make_member)
    with transaction.atomic():
        for i in range(60):
            audit.record(org, actor, "test.event", org, after={"n": i})
    first = client.get(reverse("web:audit"), {"action": "test.event"}).content.decode()
    assert "Page 1 of 2" in first
    # Newest first: the last event written is on the first page, the first one is not.
    assert ">59</ins>" in first and ">0</ins>" not in first
    second = client.get(reverse("web:audit"), {"action": "test.event", "page": "2"})
    assert "Page 2 of 2" in second.content.decode()
    assert "action=test.event&amp;page=1" in second.content.decode()


def test_hostile_text_is_escaped(
    client: Client, org: Organization, make_member: Callable[..., Member], actor: Actor
) -> None:
    viewer(client, org, make_member)
    with transaction.atomic():
        audit.record(org, actor, "test.hostile", org,
                     before={"name": "<script>alert(1)</script>"},
                     after={"name": "<img src=x onerror=alert(2)>"})
    html = client.get(reverse("web:audit")).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_csv_export_follows_the_filters_and_defuses_formulas(
    client: Client, org: Organization, make_member: Callable[..., Member], actor: Actor
) -> None:
    viewer(client, org, make_member)
    with transaction.atomic():
        audit.record(org, actor, "test.csv", org, after={"x": 1}, target_type="=cmd|'/c calc'")
    response = client.get(reverse("web:audit_export"), {"action": "test.csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["seq", "created_at", "actor", "action"]
    assert len(rows) == 2 and rows[1][3] == "test.csv"
    assert rows[1][4].startswith("'=")


def test_verify_shows_ok_then_the_first_broken_event(
    client: Client, org: Organization, make_member: Callable[..., Member], actor: Actor
) -> None:
    viewer(client, org, make_member)
    ok = client.post(reverse("web:audit_verify")).content.decode()
    assert "OK" in ok and "events checked" in ok
    AuditEvent.objects.filter(organization=org, seq=2).update(action="tampered")
    broken = client.post(reverse("web:audit_verify")).content.decode()
    assert "The chain is broken" in broken and "Event #2 was altered" in broken
    assert client.get(reverse("web:audit_verify")).status_code == 405


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.RESPONDER, Role.PUBLISHER])
def test_roles_without_audit_access_get_403(
    client: Client, org: Organization, make_member: Callable[..., Member], role: str
) -> None:
    viewer(client, org, make_member, role)
    assert client.get(reverse("web:audit")).status_code == 403
    assert client.get(reverse("web:audit_export")).status_code == 403
    assert client.post(reverse("web:audit_verify")).status_code == 403
    assert 'href="/audit/"' not in client.get(reverse("web:home")).content.decode()


def test_only_the_organization_events_are_shown_and_exported(
    client: Client, org: Organization, make_member: Callable[..., Member],
    make_org: Callable[..., Organization],
) -> None:
    other = make_org("Other")
    make_member(other, Role.RESPONDER, email="secret-person@other.test")
    viewer(client, org, make_member)
    assert "secret-person" not in client.get(reverse("web:audit")).content.decode()
    response = client.get(reverse("web:audit_export"))
    export = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "secret-person" not in export
    actor_choice = client.get(reverse("web:audit"), {"actor": "x"}).content.decode()
    assert "Select a valid choice" in actor_choice
