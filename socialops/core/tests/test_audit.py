"""The audit trail: every service writes a chained event; tampering is named."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.db import connection

from socialops.core.audit import verify_chain
from socialops.core.models import AuditEvent, Member, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_with_events(make_org: Callable[..., Organization],
                    make_member: Callable[..., Member]) -> Organization:
    org = make_org("Maison Test")
    for role in ("manager", "publisher", "responder", "analyst"):
        make_member(org, role)
    return org


def test_services_write_chained_events(org_with_events: Organization) -> None:
    events = list(AuditEvent.objects.filter(organization=org_with_events).order_by("seq"))
    assert [e.action for e in events] == ["organization.create"] + ["member.add"] * 4
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash
    assert events[1].after == {"email": events[1].after["email"], "role": "manager",
                               "is_active": True}
    assert verify_chain(org_with_events) is None


def test_edited_event_is_named(org_with_events: Organization) -> None:
    # Edit the row behind the ORM's back, as someone with database access would.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET action = %s WHERE organization_id = %s AND seq = 3",
            ["member.remove", org_with_events.pk],
        )
    problem = verify_chain(org_with_events)
    assert problem is not None
    assert problem.seq == 3
    assert "altered" in problem.reason


def test_edited_json_content_is_named(org_with_events: Organization) -> None:
    event = AuditEvent.objects.get(organization=org_with_events, seq=2)
    AuditEvent.objects.filter(pk=event.pk).update(after={**event.after, "role": "owner"})
    problem = verify_chain(org_with_events)
    assert problem is not None and problem.seq == 2


def test_deleted_event_is_named(org_with_events: Organization) -> None:
    AuditEvent.objects.filter(organization=org_with_events, seq=2).delete()
    problem = verify_chain(org_with_events)
    assert problem is not None
    assert problem.seq == 2
    assert "missing" in problem.reason


def test_deleting_the_newest_event_is_detected(org_with_events: Organization) -> None:
    AuditEvent.objects.filter(organization=org_with_events, seq=5).delete()
    problem = verify_chain(org_with_events)
    assert problem is not None
    assert problem.seq == 5


def test_reordered_events_are_detected(org_with_events: Organization) -> None:
    a = AuditEvent.objects.get(organization=org_with_events, seq=3)
    b = AuditEvent.objects.get(organization=org_with_events, seq=4)
    AuditEvent.objects.filter(pk=a.pk).update(seq=1000)
    AuditEvent.objects.filter(pk=b.pk).update(seq=3)
    AuditEvent.objects.filter(pk=a.pk).update(seq=4)
    problem = verify_chain(org_with_events)
    assert problem is not None
    assert problem.seq == 3


def test_chains_are_per_organization(org_with_events: Organization,
                                     make_org: Callable[..., Organization]) -> None:
    other = make_org("Other brand")
    AuditEvent.objects.filter(organization=other, seq=1).update(action="tampered")
    assert verify_chain(org_with_events) is None
    assert verify_chain(other) is not None
