"""A manager writes a rule and turns round robin on; a responder says she is available; a
message from the sandbox arrives tagged by the rule and assigned to her."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.governance.models import Transport
from socialops.governance.services import create_channel
from socialops.inbox.models import Conversation
from socialops.inbox.rule_models import Availability, Rule
from socialops.inbox.services import poll_channel
from socialops.inbox.tests.sandbox_people import as_account, dm

PASSWORD = "amber-otter-violin-77"


@pytest.fixture
def brand(transactional_db: None, sandbox: Any, settings: Any) -> dict[str, Any]:
    """A brand with a manager, a responder and a sandbox channel."""
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    actor = Actor.system("test")
    org = create_organization("Maison Règles", actor, language="en")
    manager = add_member(org, "claire@regles.test", Role.MANAGER, actor, password=PASSWORD,
                         full_name="Claire Dubois")
    responder = add_member(org, "emma@regles.test", Role.RESPONDER, actor, password=PASSWORD,
                           full_name="Emma Leroy")
    handle = f"regles{time.monotonic_ns()}"
    account = sandbox.create_account(handle, "instagram")
    channel = create_channel(
        org, actor, network="instagram", transport=Transport.SANDBOX, handle=handle,
        display_name="Maison Règles", owner=manager, backup_owner=responder,
        remote_id=account.id, credentials={"token": account.token})
    return {"channel": channel, "account": account, "responder": responder}


def _sign_in(browser: Any, url: str, email: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{url}/")
    return page


def test_a_rule_tags_and_round_robin_assigns_a_new_message(
        live_server: Any, browser: Any, brand: dict[str, Any], sandbox: Any,
        tmp_path: Path) -> None:
    url = live_server.url
    manager = _sign_in(browser, url, "claire@regles.test")
    manager.goto(f"{url}/inbox/rules/new/")
    manager.fill("#id_name", "Livraison")
    manager.fill("#id_keywords", "livraison\ncolis")
    manager.click("#rule-form button[type=submit]")
    # No action yet: the form says so and keeps what was typed.
    expect(manager.locator(".alert-danger")).to_contain_text("at least one action")
    expect(manager.locator("#id_keywords")).to_have_value("livraison\ncolis")
    manager.fill("#id_add_tags", "livraison")
    manager.click("#rule-form button[type=submit]")
    manager.wait_for_url(f"{url}/inbox/rules/")
    expect(manager.locator("#rules")).to_contain_text("words: livraison, colis")
    manager.goto(f"{url}/inbox/assignment/")
    manager.check("#id_auto_assign")
    manager.fill("#id_max_open", "10")
    manager.click("#assignment-form button[type=submit]")
    expect(manager.locator(".alert-success, .alert")).to_contain_text(
        "Assignment settings saved")
    assert Rule.objects.get().keywords == ["livraison", "colis"]

    emma = _sign_in(browser, url, "emma@regles.test")
    emma.goto(f"{url}/inbox/")
    with emma.expect_response(lambda r: r.url.endswith("/inbox/availability/")):
        emma.select_option("#availability-status", "available")
    expect(emma.locator("#availability-status")).to_have_value("available")
    assert Availability.objects.get(member=brand["responder"]).status == "available"
    emma.screenshot(path=str(tmp_path / "inbox-availability-1280.png"), full_page=True)

    fan = sandbox.create_account(f"leo{time.monotonic_ns()}", "sandbox",
                                 display_name="Léo Martin")
    dm(as_account(sandbox, fan), brand["account"].handle,
       "Bonjour, ma livraison n'est toujours pas arrivée, pouvez-vous vérifier ?")
    assert poll_channel(brand["channel"].pk).ingested == 1
    conversation = Conversation.objects.get()
    assert conversation.tags == ["livraison"]
    assert conversation.assignee_id == brand["responder"].pk
    emma.goto(f"{url}/inbox/{conversation.pk}/")
    expect(emma.locator("#rule-hits")).to_contain_text("Rule “Livraison”: tagged “livraison”")
    expect(emma.locator("#conversation-assignee")).to_contain_text("Emma Leroy")
