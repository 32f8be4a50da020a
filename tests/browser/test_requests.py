"""A declined content request, from the requester's side, in French.

A contributor asks for a post through the form; a manager declines it with a guideline
from the library and a personal sentence; the contributor, reading in French, opens
"My requests" and finds the refusal with the French text of the guideline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.requests.guidelines import GuidelineInput, save_guideline

PASSWORD = "blue-heron-lantern-42"
NOTE = "Merci Thomas ! Envoyez-nous deux photos de la gamme, nous préparons un carrousel."


@pytest.fixture
def organization(transactional_db: None, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    actor = Actor.system("test")
    org = create_organization("Maison Exemple", actor, language="fr")
    manager = add_member(org, "claire@maison.test", Role.MANAGER, actor, password=PASSWORD,
                         full_name="Claire Dubois")
    add_member(org, "thomas@maison.test", Role.CONTRIBUTOR, actor, password=PASSWORD,
               full_name="Thomas Moreau")
    save_guideline(manager, actor, GuidelineInput(
        slug="pdf-flyer", title_en="Why a PDF flyer is not social content",
        text_en="A flyer is made to be printed.",
        title_fr="Pourquoi un flyer PDF n'est pas un contenu social",
        text_fr="Un flyer est fait pour être imprimé et lu à bout de bras."))


def _sign_in(browser: Any, url: str, email: str) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_url(f"{url}/")
    return context, page


def test_a_declined_request_seen_by_its_french_requester(
        live_server: Any, browser: Any, organization: None, tmp_path: Path) -> None:
    url = live_server.url
    contributor, page = _sign_in(browser, url, "thomas@maison.test")
    page.goto(f"{url}/requests/new/")
    page.fill("#field-title", "Publier le flyer PDF de la gamme Lina")
    page.fill("#field-description", "Le flyer en pièce jointe, tel quel.")
    page.fill("#field-why", "Lancement en boutique le mois prochain.")
    page.fill("#field-audience", "Clientes actuelles")
    page.click("#content-request-form button[type=submit]")
    expect(page.locator("#request-status")).to_be_visible()
    request_url = page.url

    manager, desk = _sign_in(browser, url, "claire@maison.test")
    desk.goto(f"{url}/requests/queue/")
    desk.click("#request-queue a:has-text('Publier le flyer PDF')")
    desk.wait_for_url(request_url)
    desk.screenshot(path=str(tmp_path / "requests-triage.png"), full_page=True)
    desk.select_option("#decline-guideline", label="Why a PDF flyer is not social content")
    desk.fill("#decline-note", NOTE)
    desk.click("#decline-form button[type=submit]")
    expect(desk.locator("#request-status")).to_have_text("Declined")
    manager.close()

    page.goto(f"{url}/requests/")
    page.click("button[name=language][value=fr]")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    card = page.locator("#my-requests article").first
    expect(card).to_contain_text("Pourquoi un flyer PDF n'est pas un contenu social")
    expect(card).to_contain_text("Un flyer est fait pour être imprimé et lu à bout de bras.")
    expect(card).to_contain_text(NOTE)
    expect(card).not_to_contain_text("A flyer is made to be printed.")
    page.screenshot(path=str(tmp_path / "requests-mine-fr.png"), full_page=True)
    expect(card.locator(".request-status")).to_have_text("Refusée")
    contributor.close()
