"""The crisis journey in Chromium: alert → incident → pause all → holding statement → report.

The detector needs three complete 5-minute buckets above normal before it alerts. The
test records the first two as earlier collections would have (rows in the series), then
posts the third bucket's crisis mentions on the real sandbox, collects them, and asks the
detector to decide as it would once that bucket is complete (a fast clock, said here).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.crisis.models import HoldingStatement, IncidentKind, Playbook
from socialops.governance.models import Transport
from socialops.governance.services import create_channel
from socialops.inbox.tests.sandbox_people import as_account, post
from socialops.listening import alerting
from socialops.listening.collection import collect
from socialops.listening.detection import BUCKET
from socialops.listening.models import ListeningQuery, SeriesBucket
from socialops.listening.series import bucket_start

PASSWORD = "blue-heron-lantern-42"
STATEMENT = "Nous vérifions les lots concernés et publierons les consignes ici même."


@pytest.fixture
def brand(transactional_db: None, sandbox: Any, settings: Any) -> dict[str, Any]:
    """A brand on the sandbox, a recall playbook and a query with a quiet week behind it."""
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    actor = Actor.system("test")
    org = create_organization("Maison Exemple", actor, language="fr")
    manager = add_member(org, "claire@maison.test", Role.MANAGER, actor, password=PASSWORD,
                         full_name="Claire Dubois")
    backup = add_member(org, "lucas@maison.test", Role.PUBLISHER, actor, password=PASSWORD)
    handle = f"maisonex{time.monotonic_ns()}"
    account = sandbox.create_account(handle, "mastodon")
    channel = create_channel(org, actor, network="mastodon", transport=Transport.SANDBOX,
                             handle=handle, display_name="Maison Exemple", owner=manager,
                             backup_owner=backup, remote_id=account.id,
                             credentials={"token": account.token})
    playbook = Playbook.objects.create(organization=org, kind=IncidentKind.PRODUCT_RECALL,
                                       name="Rappel produit")
    HoldingStatement.objects.create(playbook=playbook, language="fr", text=STATEMENT)
    word = f"lot{time.monotonic_ns()}"
    query = ListeningQuery.objects.create(organization=org, name="Rappels",
                                          expression=f"{word} AND rappel")
    now = bucket_start(timezone.now())
    rows = [SeriesBucket(query=query, start=now - i * BUCKET, volume=1 if i % 24 == 0 else 0)
            for i in range(3, 8 * 288)]
    # The two buckets before this one, as the collections of the last 10 minutes stored them.
    rows += [SeriesBucket(query=query, start=now - i * BUCKET, volume=30, negative=25)
             for i in (1, 2)]
    SeriesBucket.objects.bulk_create(rows)
    query.evaluated_until = now - 3 * BUCKET
    query.save()
    return {"query": query, "channel": channel, "account": account, "word": word, "now": now}


def test_crisis_switch_to_post_incident_report(live_server: Any, browser: Any,
                                               brand: dict[str, Any], sandbox: Any) -> None:
    public = as_account(sandbox, sandbox.create_account(f"fan{time.monotonic_ns()}"))
    for n in range(30):
        post(public, f"Rappel {brand['word']} n°{n} : vous vous moquez de nous, honteux !")
    assert collect(brand["query"]).stored == 30
    alerts = alerting.evaluate(brand["query"], now=brand["now"] + BUCKET + timedelta(seconds=5))
    assert [a.metric for a in alerts][:1] == ["volume"]

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "claire@maison.test")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/listening/alerts/")
    page.click("#alerts tbody a")
    page.click("#open-incident")
    page.wait_for_selector("#timeline")
    page.select_option("#change-kind", "product_recall")
    page.click("#incident-save")
    page.click("#pause-all")
    assert "Mode crise" in page.inner_text("#crisis-banner") or \
        "Crisis mode" in page.inner_text("#crisis-banner")
    page.check(f"input[name=channels][value='{brand['channel'].pk}']")
    page.click("text=Publier maintenant" if page.locator("text=Publier maintenant").count()
               else "text=Publish now")
    page.wait_for_selector("#timeline")
    token = brand["account"].token
    mine = httpx.get(f"{sandbox.url}/v1/me/posts", headers={"Authorization": f"Bearer {token}"})
    assert STATEMENT in [p["text"] for p in mine.json()["posts"]]
    page.select_option("#change-status", "resolved")
    page.click("#incident-save")
    page.click("#incident-report")
    report = page.inner_text("#report")
    assert STATEMENT[:20] in report or "Maison Exemple" in report
    assert "Rappels" in report
