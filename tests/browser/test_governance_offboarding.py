"""Offboarding from the UI: the removed member's open session dies on its next click."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from socialops.core.actors import Actor
from socialops.core.models import ApiToken, Role
from socialops.core.services import add_member, create_organization, create_token
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel, ChannelGrant
from socialops.governance.services import create_channel

PASSWORD = "blue-heron-lantern-42"


@pytest.fixture
def brand(transactional_db: None) -> dict[str, Any]:
    actor = Actor.system("test")
    org = create_organization("Maison Départ", actor, language="fr")
    admin = add_member(org, "claire@depart.test", Role.ADMIN, actor, password=PASSWORD,
                       full_name="Claire Martin")
    leaver = add_member(org, "hugo@depart.test", Role.PUBLISHER, actor, password=PASSWORD,
                        full_name="Hugo Bernard")
    successor = add_member(org, "sophie@depart.test", Role.MANAGER, actor, password=PASSWORD,
                           full_name="Sophie Durand")
    channel = create_channel(org, actor, network="instagram", handle="maison_depart",
                             display_name="Maison Départ FR", owner=leaver,
                             backup_owner=successor, credentials={"token": "t0k"})
    set_grant(leaver, channel, "allow", ["channel.credentials"], actor)
    token = create_token(leaver, actor, name="script").raw
    return {"admin": admin, "leaver": leaver, "successor": successor, "channel": channel,
            "token": token}


def _sign_in(browser: Any, url: str, email: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{url}/")
    return page


def test_offboarding_from_the_ui_logs_the_open_session_out(
        live_server: Any, browser: Any, brand: dict[str, Any]) -> None:
    url = live_server.url
    leaver_page = _sign_in(browser, url, "hugo@depart.test")
    leaver_page.goto(f"{url}/channels/")
    assert "Maison Départ FR" in leaver_page.content()
    api = f"{url}/api/v1/channels"
    headers = {"Authorization": f"Bearer {brand['token']}"}
    assert httpx.get(api, headers=headers).status_code == 200

    admin_page = _sign_in(browser, url, "claire@depart.test")
    admin_page.goto(f"{url}/members/{brand['leaver'].pk}/")
    admin_page.click("text=Offboard…")
    admin_page.select_option("select[name=successor]", str(brand["successor"].pk))
    admin_page.click("button[type=submit].btn-danger")
    admin_page.wait_for_selector("#report-flagged")
    report = admin_page.content()
    assert "Maison Départ FR" in report

    # The leaver's browser is still open on the channel list: the next click signs it out.
    leaver_page.click("a.navbar-brand")
    leaver_page.wait_for_url(f"{url}/login/**")
    assert httpx.get(api, headers=headers).status_code == 401
    channel = Channel.objects.get(pk=brand["channel"].pk)
    assert channel.owner_id == brand["successor"].pk
    assert channel.credential.needs_rotation
    assert not ChannelGrant.objects.filter(member=brand["leaver"]).exists()
    assert not ApiToken.objects.filter(member=brand["leaver"], revoked_at=None).exists()
