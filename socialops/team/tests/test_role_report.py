"""The role report: shares from a fixture audit trail, the job description draft, its PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.publishing.campaigns import CampaignInput, save_campaign
from socialops.team.role_report import job_description, role_report


def trail(member: Member, actions: dict[str, int]) -> None:
    actor = Actor.for_user(member.user)
    with transaction.atomic():
        for action, count in actions.items():
            for _n in range(count):
                audit.record(member.organization, actor, action, target_type="test")


def test_shares_from_a_fixture_audit_trail(make_org: Callable[..., Organization],
                                           make_member: Callable[..., Member]) -> None:
    org = make_org()
    lead, other = make_member(org, "manager"), make_member(org, "responder")
    # Estimated minutes: 4 x 15 (posts) + 10 x 8 (approvals) + 2 x 15 (incidents) = 170.
    trail(lead, {"post.create": 4, "post.approve": 10, "incident.open": 1,
                 "incident.note": 1, "session.revoke_all": 3})
    trail(other, {"post.create": 100})
    report = role_report(lead, lead)
    rows = {key: (volume, share, time_share)
            for key, _label, volume, share, time_share in report.shares()}
    assert rows["publishing"][0] == 4 and rows["approvals"][0] == 10 and rows["crisis"][0] == 2
    assert rows["approvals"][2] == pytest.approx(80 / 170)
    assert rows["publishing"][2] == pytest.approx(60 / 170)
    assert rows["crisis"][2] == pytest.approx(30 / 170)
    assert rows["approvals"][1] == pytest.approx(10 / 16)
    assert report.senior and report.crisis_led == 1 and report.approvals == 10
    team = role_report(lead)
    assert {k: v for k, _l, v, _s, _t in team.shares()}["publishing"] == 104
    french = job_description(report, "fr")
    english = job_description(report, "en")
    assert english["title"] == "Senior social media manager"
    assert english["duties"][0][1] == 47  # approvals first, by estimated time
    assert french["language"] == "fr" and len(french["duties"]) == 3


def test_role_report_page_pdf_and_permissions(make_org: Callable[..., Organization],
                                              make_member: Callable[..., Member],
                                              client: Client) -> None:
    org = make_org()
    manager, responder = make_member(org, "manager"), make_member(org, "responder")
    client.force_login(responder.user)
    assert client.get("/team/role-report/").status_code == 403
    client.force_login(manager.user)
    response = client.get(f"/team/role-report/?member={manager.pk}&language=en&days=30")
    assert response.status_code == 200 and 'id="job-description"' in response.content.decode()
    assert client.get("/team/role-report/?member=999999").status_code == 404
    pdf: Any = client.get("/team/role-report/job-description.pdf?language=fr")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_paid_campaign_budgets_are_a_seniority_signal(
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
) -> None:
    org = make_org()
    lead = make_member(org, "manager")
    actor = Actor.for_user(lead.user)
    paid = save_campaign(lead, actor, CampaignInput(
        name="Lin", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), is_paid=True,
        budget=Decimal("8000"), spend=Decimal("100")))
    save_campaign(lead, actor, CampaignInput(
        name="Organique", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30)))
    paid_input = CampaignInput(name="Lin", starts_on=date(2026, 11, 1),
                               ends_on=date(2026, 11, 30), is_paid=True,
                               budget=Decimal("12000"))
    save_campaign(lead, actor, paid_input, campaign=paid)
    report = role_report(lead, lead)
    assert report.budget_totals() == [("EUR", Decimal("12000"))] and report.senior
    english = job_description(report, "en")
    assert any("1 paid campaign, 12,000 EUR" in line for line in english["experience"])
