"""The coverage map shows gaps and single points; the staffing page recomputes a what-if."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.governance.services import create_channel
from socialops.team.models import Profile, Rotation, RotationMember

PASSWORD = "blue-heron-lantern-42"


@pytest.fixture
def team(transactional_db: None) -> dict[str, Any]:
    """A brand with two channels: one covered on weekdays by two people, one by nobody."""
    actor = Actor.system("test")
    org = create_organization("Maison Équipe", actor, language="en")
    manager = add_member(org, "claire@equipe.test", Role.MANAGER, actor, password=PASSWORD,
                         full_name="Claire Dubois")
    responder = add_member(org, "emma@equipe.test", Role.RESPONDER, actor,
                           full_name="Emma Leroy")
    Profile.objects.create(member=responder, languages=["en"])
    covered = create_channel(org, actor, network="x", handle="equipe", display_name="Équipe X",
                             owner=manager, backup_owner=responder, language="en")
    create_channel(org, actor, network="bluesky", handle="equipe.bsky",
                   display_name="Équipe Bluesky", owner=manager, backup_owner=responder)
    rotation = Rotation.objects.create(organization=org, name="Weekdays",
                                       starts_on=date(2026, 1, 5), days=[0, 1, 2, 3, 4],
                                       day_start=time(9), day_end=time(17))
    rotation.channels.set([covered])
    RotationMember.objects.create(rotation=rotation, member=responder)
    return {"manager": manager}


def test_coverage_map_and_staffing_what_if(live_server: Any, browser: Any,
                                           team: dict[str, Any]) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "claire@equipe.test")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/team/coverage/?week=2026-06-01")
    # Covered channel: 168 - 5 x 8 hours uncovered; the other: all 168.
    assert page.inner_text("#coverage-gaps") == str(128 + 168)
    assert page.inner_text("#coverage-no-backup") == "40"
    spof = page.inner_text("#spof-list")
    assert "Équipe X" in spof and "Emma Leroy" in spof
    assert page.locator("td[data-state=single]").count() == 40

    page.goto(f"{live_server.url}/team/staffing/")
    assert page.inner_text("#staffing-fte") == "0.0"
    page.fill("#id_volume", "-5")
    page.click("#what-if button[type=submit]")
    assert page.locator("#what-if .is-invalid").count() == 1
    page.fill("#id_volume", "2")
    page.click("#what-if button[type=submit]")
    assert page.locator("#staffing-heatmap td").count() == 168
    with page.expect_download() as download:
        page.click("#staffing-pdf")
    assert download.value.suggested_filename == "staffing-case.pdf"
