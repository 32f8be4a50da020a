"""Statistics on a known set: volume per month, acceptance rate, median answer, top reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from socialops.core.models import Member
from socialops.requests.models import Guideline, RequestStatus, StakeholderRequest
from socialops.requests.statistics import decline_log, request_statistics
from socialops.requests.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _row(org: Org, created: datetime, status: str, answer_hours: float | None = None,
         guideline: Guideline | None = None, kind: str = "content") -> StakeholderRequest:
    answered = created + timedelta(hours=answer_hours) if answer_hours is not None else None
    return StakeholderRequest.objects.create(
        organization=org.org, kind=kind, status=status, requester=org.contributor,
        requester_name="P", title="t", created_at=created, first_answer_at=answered,
        decided_at=answered if status in ("accepted", "declined") else None,
        guideline=guideline)


def _guideline(org: Org, slug: str) -> Guideline:
    return Guideline.objects.create(organization=org.org, slug=slug, title_en=slug, text_en=slug)


def test_figures_on_a_known_set(org: Org) -> None:
    flyer, channel = _guideline(org, "flyer"), _guideline(org, "channel")
    jan, feb = datetime(2026, 1, 10, 12, tzinfo=UTC), datetime(2026, 2, 3, 12, tzinfo=UTC)
    _row(org, jan, RequestStatus.ACCEPTED, 2)
    _row(org, jan, RequestStatus.DECLINED, 4, flyer)
    _row(org, feb, RequestStatus.DECLINED, 10, flyer)
    _row(org, feb, RequestStatus.DECLINED, 30, channel, kind="channel")
    _row(org, feb, RequestStatus.NEEDS_INFO, 6)
    _row(org, feb, RequestStatus.SUBMITTED)
    figures = request_statistics(org.manager)
    assert figures.total == 6
    assert figures.by_kind == {"content": 5, "channel": 1}
    assert [(m.month, n) for m, n in figures.per_month] == [(1, 2), (2, 4)]
    assert (figures.accepted, figures.declined, figures.waiting) == (1, 3, 2)
    assert figures.acceptance_rate == 0.25
    # Answers after 2, 4, 6, 10 and 30 hours: the median is 6 hours.
    assert figures.median_first_answer == timedelta(hours=6)
    assert [(g.slug, n) for g, n in figures.top_reasons] == [("flyer", 2), ("channel", 1)]
    assert next(r.guideline for r in decline_log(org.manager)) in (flyer, channel)
    assert decline_log(org.manager).count() == 3
    since = request_statistics(org.manager, since=datetime(2026, 2, 1, tzinfo=UTC))
    assert since.total == 4 and since.acceptance_rate == 0.0


def test_no_decision_means_no_rate(org: Org) -> None:
    figures = request_statistics(org.manager)
    assert figures.total == 0 and figures.acceptance_rate is None
    assert figures.median_first_answer is None


@pytest.mark.parametrize(("role", "allowed"), [("manager", True), ("analyst", True),
                                               ("owner", True), ("contributor", False),
                                               ("approver", False), ("publisher", False)])
def test_who_reads_the_statistics(org: Org, role: str, allowed: bool) -> None:
    member: Member = getattr(org, role)
    if allowed:
        request_statistics(member)
    else:
        with pytest.raises(PermissionDenied):
            request_statistics(member)
    client = Client()
    client.force_login(member.user)
    assert client.get("/requests/statistics/").status_code == (200 if allowed else 403)


def test_the_page_shows_the_figures(org: Org) -> None:
    flyer = _guideline(org, "flyer")
    now = datetime.now(UTC)
    _row(org, now - timedelta(days=2), RequestStatus.ACCEPTED, 3)
    _row(org, now - timedelta(days=1), RequestStatus.DECLINED, 5, flyer)
    client = Client()
    client.force_login(org.manager.user)
    page = client.get("/requests/statistics/").content.decode()
    assert 'id="figure-acceptance">50 %' in page
    assert 'id="figure-median">4.0 h' in page
    assert "flyer (1)" in page
