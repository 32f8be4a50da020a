"""An urgent French complaint from the sandbox: flagged, escalated, assigned, answered once."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.governance.models import Channel, Transport
from socialops.governance.services import create_channel
from socialops.inbox.models import Delivery, Message, UrgentNotice
from socialops.inbox.services import poll_channel
from socialops.inbox.services.saved_replies import SavedReplyData, create_saved_reply
from socialops.inbox.tests.sandbox_people import as_account, dm

PASSWORD = "blue-heron-lantern-42"
COMPLAINT = ("Bonjour, le chargeur acheté chez vous a pris feu dans ma cuisine ! "
             "C'est inadmissible, je vais porter plainte.")
SAVED = ("Bonjour {first_name}, nous sommes vraiment désolés. Pouvez-vous nous envoyer "
         "votre numéro de commande ? {agent}, pour {channel}")


@pytest.fixture
def brand(transactional_db: None, sandbox: Any, settings: Any) -> dict[str, Any]:
    """A French brand with a manager, a responder, a sandbox channel and a saved reply."""
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    actor = Actor.system("test")
    org = create_organization("Maison Exemple", actor, language="fr")
    manager = add_member(org, "claire@maison.test", Role.MANAGER, actor, password=PASSWORD,
                         full_name="Claire Dubois")
    responder = add_member(org, "emma@maison.test", Role.RESPONDER, actor, password=PASSWORD,
                           full_name="Emma Leroy")
    handle = f"maison{time.monotonic_ns()}"
    account = sandbox.create_account(handle, "instagram")
    channel = create_channel(
        org, actor, network="instagram", transport=Transport.SANDBOX, handle=handle,
        display_name="Maison Exemple FR", owner=manager, backup_owner=responder,
        remote_id=account.id, credentials={"token": account.token},
    )
    create_saved_reply(manager, SavedReplyData("Excuses et commande", SAVED, "fr"), actor)
    return {"channel": channel, "account": account}


def _sign_in(browser: Any, url: str, email: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{url}/")
    return page


def test_an_urgent_french_complaint_is_flagged_assigned_and_answered_once(
        live_server: Any, browser: Any, brand: dict[str, Any], sandbox: Any,
        tmp_path: Path) -> None:
    channel: Channel = brand["channel"]
    fan = sandbox.create_account(f"zoe{time.monotonic_ns()}", "sandbox",
                                 display_name="Zoé Lambert")
    dm(as_account(sandbox, fan), brand["account"].handle, COMPLAINT)
    assert poll_channel(channel.pk).ingested == 1
    assert UrgentNotice.objects.count() == 1

    manager = _sign_in(browser, live_server.url, "claire@maison.test")
    manager.goto(f"{live_server.url}/inbox/")
    row = manager.locator("tr.conversation-row", has_text="pris feu")
    assert "Urgent" in row.inner_text()
    assert "table-danger" in (row.get_attribute("class") or "")
    banner = manager.locator("#urgent-notices .urgent-notice")
    banner.wait_for(state="visible")
    assert "Maison Exemple FR" in banner.inner_text()
    manager.screenshot(path=str(tmp_path / "inbox-urgent-1280.png"), full_page=True)
    # A message arriving while the page is open appears live, as a row of the table.
    dm(as_account(sandbox, fan), brand["account"].handle, "Et je n'ai eu aucune réponse")
    other = sandbox.create_account(f"leo{time.monotonic_ns()}", "sandbox")
    dm(as_account(sandbox, other), brand["account"].handle, "Vous livrez en Suisse ?")
    assert poll_channel(channel.pk).ingested == 2
    manager.locator("tr.conversation-row td", has_text="Vous livrez en Suisse").wait_for()
    assert manager.locator("#conversation-rows > tr.conversation-row").count() == 2
    banner.locator("a", has_text="Open conversation").click()
    manager.select_option("#assignee", label="Emma Leroy")
    with manager.expect_navigation():
        manager.click("form:has(#assignee) button[type=submit]")
    assert manager.locator("#conversation-assignee").inner_text() == "Emma Leroy"
    manager.locator("#urgent-notices .urgent-notice button", has_text="Acknowledge").click()
    manager.locator("#urgent-notices .urgent-notice").wait_for(state="detached")
    manager.close()

    responder = _sign_in(browser, live_server.url, "emma@maison.test")
    responder.goto(f"{live_server.url}/inbox/?queue=mine")
    responder.locator("tr.conversation-row a", has_text="Zoé Lambert").click()
    responder.select_option("#saved-reply", label="Excuses et commande")
    # Playwright's expect polls without eval, which the Content-Security-Policy forbids.
    expect(responder.locator("#reply-text")).to_have_value(re.compile(r"^Bonjour"))
    text = responder.input_value("#reply-text")
    assert text.startswith("Bonjour Zoé, nous sommes") and text.endswith(
        "Emma, pour Maison Exemple FR")
    responder.screenshot(path=str(tmp_path / "inbox-reply-1280.png"), full_page=True)
    with responder.expect_navigation():
        responder.click("#reply-form button[type=submit]")
    responder.locator(".message-out .badge", has_text="Sent").wait_for()
    responder.close()

    sent = Message.objects.get(direction="out")
    assert sent.delivery == Delivery.SENT and sent.text == text
    seen = [i for i in as_account(sandbox, fan).fetch_inbox(None, 100).items if i.text == text]
    assert len(seen) == 1
