"""Fixtures of the crisis tests: a team, sandbox channels, a playbook, an alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import timezone

from socialops.core.models import Member
from socialops.crisis.models import HoldingStatement, IncidentKind, Playbook, PlaybookStep
from socialops.listening.models import Alert, ListeningQuery
from socialops.publishing.tests.conftest import Team, sandbox_channel, team

__all__ = ["sandbox_channel", "team"]


@pytest.fixture
def playbook(team: Team) -> Playbook:
    book = Playbook.objects.create(
        organization=team.org, kind=IncidentKind.PRODUCT_RECALL, name="Product recall",
        escalation_contacts=[{"name": "Legal", "role": "counsel", "phone": "+33 1 00"}])
    PlaybookStep.objects.create(playbook=book, position=1, text="Confirm facts with quality",
                                owner=team.manager)
    PlaybookStep.objects.create(playbook=book, position=2, text="Brief customer care")
    HoldingStatement.objects.create(
        playbook=book, language="en", approved_by=team.manager, approved_at=timezone.now(),
        text="We are aware of reports about one of our products and are looking into it now.")
    return book


@pytest.fixture
def alert(team: Team) -> Alert:
    query = ListeningQuery.objects.create(organization=team.org, name="Brand",
                                          expression="arlette")
    return Alert.objects.create(organization=team.org, query=query, metric="volume",
                                bucket_start=datetime(2026, 3, 2, 10, tzinfo=UTC), score=30,
                                severity="critical", value=140, baseline=6)


@pytest.fixture
def other_member(make_org: Callable[..., Any], make_member: Callable[..., Member]) -> Member:
    return make_member(make_org(), "manager")
