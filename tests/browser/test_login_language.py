"""Sign in through a real browser, switch to French, read the channels page on a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.governance.services import create_channel, record_sync

PASSWORD = "blue-heron-lantern-42"


@pytest.fixture
def organization(transactional_db: None) -> None:
    actor = Actor.system("test")
    org = create_organization("Maison Exemple", actor)
    owner = add_member(org, "claire@maison.test", Role.MANAGER, actor, password=PASSWORD,
                       full_name="Claire Dubois")
    backup = add_member(org, "hugo@maison.test", Role.PUBLISHER, actor, full_name="Hugo Petit")
    for network, handle in (("instagram", "maison.fr"), ("linkedin", "maison-exemple")):
        channel = create_channel(
            org, actor, network=network, transport="sandbox", handle=handle,
            display_name=f"Maison {network}", owner=owner, backup_owner=backup, region="FR",
        )
        record_sync(channel, followers=4200)


def test_sign_in_switch_to_french_and_read_channels_on_a_phone(
    live_server: Any, browser: Any, organization: None, tmp_path: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "claire@maison.test")
    page.fill("input[name=password]", "wrong-password-123")
    page.click("button[type=submit].btn-primary")
    assert page.locator("#login-error").is_visible()

    page.fill("input[name=username]", "claire@maison.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Maison Exemple"

    page.click("button[name=language][value=fr]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.click("#menu-administration > a.nav-link:has-text('Administration')")
    page.click("a.dropdown-item[href='/channels/']:has-text('Comptes')")
    page.wait_for_url(f"{live_server.url}/channels/")
    table = page.locator("#channel-table")
    assert "Maison instagram" in table.inner_text()
    assert "Maison linkedin" in table.inner_text()
    assert "Suppléant" in table.inner_text()
    assert page.locator("text=Tous les réseaux").count() == 1
    page.screenshot(path=str(tmp_path / "channels-fr-1280.png"), full_page=True)

    # The htmx filter replaces the table and keeps the choice in the address bar.
    page.select_option("#filter-network", "linkedin")
    page.wait_for_url("**/channels/?network=linkedin*")
    expect(page.locator("#channel-table")).not_to_contain_text("Maison instagram")
    assert "Maison linkedin" in table.inner_text()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/channels/")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    administration = page.locator("#menu-administration > a.nav-link")
    assert not administration.is_visible()
    toggler.click()
    administration.wait_for(state="visible")
    administration.click()
    page.locator("#main-nav a.dropdown-item:has-text('Membres')").wait_for(state="visible")
    screenshot = tmp_path / "channels-fr-390.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0
    page.close()
