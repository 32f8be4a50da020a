"""Sign in through a real browser with single sign-on at a real OpenID Connect provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.services import create_organization
from socialops.sso import services
from socialops.sso.testing import OidcProvider, installed, start_provider

SECRET = "browser-secret-6d1e"


@pytest.fixture
def provider(live_server: Any) -> Iterator[OidcProvider]:
    if installed() is None:
        pytest.skip("Node 22 and oidc-provider are not installed (./run test installs them)")
    running = start_provider(
        [{"client_id": "socialops-browser", "client_secret": SECRET,
          "redirect_uris": [f"{live_server.url}/sso/callback/"]}],
        {"lea": {"email": "lea@maison.test", "email_verified": True, "name": "Léa Moreau"}},
    )
    try:
        yield running
    finally:
        running.stop()


def test_new_colleague_signs_in_with_the_company_provider(
        live_server: Any, browser: Any, provider: OidcProvider, transactional_db: None,
        settings: Any) -> None:
    settings.SOCIALOPS_OIDC_ALLOW_PRIVATE = True
    actor = Actor.system("test")
    org = create_organization("Maison Exemple", actor)
    services.save_configuration(org, services.ConfigurationInput(
        issuer=provider.issuer, client_id="socialops-browser", client_secret=SECRET,
        allowed_domains="maison.test", default_role="responder", required=False, enabled=True,
    ), actor)
    page = browser.new_page()

    page.goto(f"{live_server.url}/login/")
    page.fill("#sso-email", "lea@maison.test")
    page.click("#sso-start button[type=submit]")
    expect(page.locator("#sso-provider")).to_have_text(provider.issuer)
    page.click("#sso-continue")
    # The provider's own development login and consent pages.
    page.fill("input[name=login]", "lea")
    page.fill("input[name=password]", "any")
    page.click("button[type=submit]")
    page.click("button[type=submit]")

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/$"))
    expect(page.locator("body")).to_contain_text("Maison Exemple")
    assert SECRET not in page.content()
    member = Member.objects.get(organization=org, user__email="lea@maison.test")
    assert member.role == "responder"
