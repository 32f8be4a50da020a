"""The demo's playbooks and listening queries are complete and valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from socialops.core.models import Member, Organization
from socialops.crisis.demo_data import seed_crisis_demo
from socialops.crisis.models import IncidentKind, Playbook
from socialops.listening.demo_data import seed_listening_demo
from socialops.listening.models import ListeningQuery
from socialops.listening.query import parse

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_playbook_per_kind_and_valid_queries(
        make_org: Callable[..., Organization], make_member: Callable[..., Member]) -> None:
    org = make_org()
    members: dict[str, Any] = {"sophie.durand": make_member(org, "manager"),
                               "claire.martin": make_member(org, "owner")}
    seed_listening_demo(org, members, "http://127.0.0.1:1")
    seed_crisis_demo(org, members, "http://127.0.0.1:1")
    kinds = set(Playbook.objects.filter(organization=org).values_list("kind", flat=True))
    assert kinds == set(IncidentKind.values) - {IncidentKind.OTHER}
    for playbook in Playbook.objects.filter(organization=org):
        assert sorted(playbook.statements.values_list("language", flat=True)) == ["en", "fr"]
        assert playbook.steps.exists() and playbook.approvers.exists()
    for query in ListeningQuery.objects.filter(organization=org):
        parse(query.expression)
    crisis = ListeningQuery.objects.get(organization=org, name="Rappels et scandales")
    assert crisis.buckets.count() > 0 and crisis.evaluated_until is not None
