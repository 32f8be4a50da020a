"""Compose, approve, schedule and publish a post through a real browser and the sandbox."""

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
from socialops.governance.models import Channel
from socialops.governance.services import create_channel, credentials_of
from socialops.publishing import dispatcher
from socialops.publishing.approval_policies import StepInput, save_policy
from socialops.publishing.models import Variant, VariantStatus

PASSWORD = "blue-heron-lantern-42"


@pytest.fixture
def channels(transactional_db: None, sandbox: Any, settings: Any) -> list[Channel]:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    actor = Actor.system("test")
    org = create_organization("Maison Publication", actor)
    manager = add_member(org, "claire@publication.test", Role.MANAGER, actor,
                         password=PASSWORD, full_name="Claire Dubois")
    backup = add_member(org, "hugo@publication.test", Role.PUBLISHER, actor)
    legal = add_member(org, "ines@publication.test", Role.APPROVER, actor, password=PASSWORD,
                       full_name="Inès Legal")
    save_policy(manager, actor, name="Brand then legal", steps=[
        StepInput(name="Brand", member_ids=[manager.pk]),
        StepInput(name="Legal", mode="all", member_ids=[legal.pk])])
    made = []
    for network in ("x", "bluesky"):
        handle = f"{network}-browser-{time.monotonic_ns()}"
        account = sandbox.create_account(handle, network)
        made.append(create_channel(
            org, actor, network=network, transport="sandbox", handle=handle,
            display_name=f"Publication {network}", owner=manager, backup_owner=backup,
            remote_id=account.id, credentials={"token": account.token}))
    return made


def _posts_on(sandbox: Any, channel: Channel) -> list[str]:
    token = credentials_of(channel)["token"]
    response = httpx.get(f"{sandbox.url}/v1/me/posts", headers={
        "Authorization": f"Bearer {token}"}, timeout=10)
    return [p["text"] for p in response.json()["posts"]]


def _signed_in(browser: Any, live_server: Any, email: str) -> Any:
    # Each person signs in in a context of their own; closing the page closes it.
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.on("close", lambda _page: context.close())
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_compose_approve_in_two_steps_schedule_publish(
    live_server: Any, browser: Any, sandbox: Any, channels: list[Channel],
) -> None:
    page = _signed_in(browser, live_server, "claire@publication.test")

    page.goto(f"{live_server.url}/publishing/new/")
    page.fill("#compose-text", "Collection d'été 🎉 https://example.com/ete")
    for channel in channels:
        page.check(f"#target-{channel.pk}-feed")
    # Live validation: X counts the link as 23 and the emoji as 2.
    page.locator(".compose-check", has_text="X").get_by_text("43 / 280").wait_for()
    page.click("button:has-text('Save draft')")
    page.get_by_text("Draft saved.").wait_for()

    x_variant = Variant.objects.get(channel=channels[0])
    textarea = page.locator(f"#text-{x_variant.pk}")
    textarea.fill("a" * 290)
    page.locator(f"#check-{x_variant.pk}").get_by_text("Remove 10 characters.").wait_for()
    textarea.fill("Collection d'été sur X 🎉")
    page.locator(f"#check-{x_variant.pk}").get_by_text("Fits this network.").wait_for()
    page.locator(f"#variant-{x_variant.pk} button:has-text('Save variant')").click()
    page.get_by_text("Variant saved.").wait_for()

    page.click("button:has-text('Submit for approval')")
    page.get_by_text("Sent for approval.").wait_for()
    page.fill("#review-comment", "Parfait")
    page.click("button:has-text('Approve')")
    page.get_by_text("Approved.", exact=True).wait_for()
    # The brand step passed; the legal step is someone else's.
    page.get_by_text("Waiting for step 2 of 2: Legal").first.wait_for()
    assert page.locator("#review-form").count() == 0
    legal = _signed_in(browser, live_server, "ines@publication.test")
    legal.goto(f"{live_server.url}/publishing/?waiting=me")
    legal.click("a:has-text('Collection')")
    legal.click("#review-form button:has-text('Approve')")
    legal.get_by_text("Approved.", exact=True).wait_for()
    assert set(Variant.objects.values_list("status", flat=True)) == {VariantStatus.APPROVED}
    legal.close()
    page.reload()
    page.click("button:has-text('Schedule')")  # the default time is now: too early
    page.get_by_text("Choose a time in the future.").wait_for()
    soon = timezone.localtime(timezone.now() + timedelta(minutes=2))
    page.fill("#schedule-when", soon.strftime("%Y-%m-%dT%H:%M"))
    page.click("button:has-text('Schedule')")
    page.get_by_text("Scheduled.", exact=True).wait_for()
    assert set(Variant.objects.values_list("status", flat=True)) == {VariantStatus.SCHEDULED}

    # The minute comes: the dispatcher publishes each variant once.
    later = timezone.now() + timedelta(minutes=3)
    dispatcher.dispatch(later)
    dispatcher.dispatch(later)
    page.reload()
    assert page.locator(".variant-status").all_inner_texts() == ["Published", "Published"]
    assert _posts_on(sandbox, channels[0]) == ["Collection d'été sur X 🎉"]
    assert _posts_on(sandbox, channels[1]) == ["Collection d'été 🎉 https://example.com/ete"]
