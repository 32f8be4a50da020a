"""The organization dashboard from collected sandbox metrics, and a report downloaded."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pypdf import PdfReader

from socialops.analytics.collection import collect_channel
from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.services import add_member, create_organization
from socialops.governance.models import Transport
from socialops.governance.services import create_channel

PASSWORD = "amber-finch-orchard-17"


@pytest.fixture
def brand(transactional_db: None, sandbox: Any, settings: Any) -> dict[str, Any]:
    """A brand with an analyst and a sandbox channel whose metrics were collected."""
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    actor = Actor.system("test")
    org = create_organization("Maison Exemple", actor, language="fr")
    manager = add_member(org, "claire@maison.test", Role.MANAGER, actor, password=PASSWORD)
    analyst = add_member(org, "julien@maison.test", Role.ANALYST, actor, password=PASSWORD)
    handle = f"maison{time.monotonic_ns()}"
    account = sandbox.create_account(handle, "instagram", followers=20_000)
    channel = create_channel(
        org, actor, network="instagram", transport=Transport.SANDBOX, handle=handle,
        display_name="Maison Exemple Instagram", owner=manager, backup_owner=analyst,
        remote_id=account.id, credentials={"token": account.token})
    assert collect_channel(channel.pk).days == 90
    return {"channel": channel}


def test_the_dashboard_draws_charts_and_a_report_downloads(
        live_server: Any, browser: Any, brand: dict[str, Any], tmp_path: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "julien@maison.test")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Analytics")
    page.wait_for_selector("#analytics-charts[data-loaded=true]")
    impressions = page.text_content("[data-kpi=impressions]") or ""
    assert impressions.replace(",", "").isdigit() and int(impressions.replace(",", "")) > 0
    # The chart's table view holds the same days, and the definition is on hover.
    page.click("text=Show as a table >> nth=0")
    assert page.locator("#table-daily tbody tr").count() == 28
    assert "Reactions + comments" in (page.get_attribute(
        "#kpi-cards abbr >> nth=2", "title") or "")
    with page.expect_download() as csv_download:
        page.click("a[href^='/analytics/export/?table=daily&format=csv']")
    assert csv_download.value.suggested_filename.startswith("daily-")
    # A report, generated on demand and downloaded as a PDF.
    page.click("text=Reports")
    page.click("text=New report")
    page.fill("#report-name", "Rapport de la direction")
    page.select_option("#report-language", "fr")
    page.select_option("#report-schedule", "on_demand")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("text=Rapport de la direction")
    action = page.locator("form[action$='/run/']").first.get_attribute("action") or ""
    response = page.request.post(
        f"{live_server.url}{action}",
        form={"csrfmiddlewaretoken": page.locator(
            "form[action$='/run/'] input[name=csrfmiddlewaretoken]").first.input_value()},
        headers={"Referer": page.url})
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.body())
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Rapport de la direction" in text and "Maison Exemple" in text
    assert "Les interactions" in text or "La portée" in text or "Les impressions" in text
