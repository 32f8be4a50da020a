"""In a real browser: upload an image, click its focal point, drag a post on the calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from socialops.core.actors import Actor
from socialops.core.models import Member, Role
from socialops.core.services import add_member, create_organization
from socialops.governance.models import Channel
from socialops.governance.services import create_channel
from socialops.publishing import services
from socialops.publishing.models import MediaAsset, Rendition, Variant
from socialops.publishing.tests import pictures

PASSWORD = "amber-falcon-harbour-17"
ACTOR = Actor.system("test")


@pytest.fixture
def world(transactional_db: None, settings: Any, tmp_path: Path) -> tuple[Member, list[Channel]]:
    settings.MEDIA_ROOT = str(tmp_path)
    org = create_organization("Maison Image", ACTOR)
    manager = add_member(org, "sophie@image.test", Role.MANAGER, ACTOR, password=PASSWORD,
                         full_name="Sophie Image")
    add_member(org, "isa@image.test", Role.APPROVER, ACTOR)
    backup = add_member(org, "lucas@image.test", Role.PUBLISHER, ACTOR)
    channels = [create_channel(org, ACTOR, network=n, handle=f"image-{n}",
                               display_name=f"Image {n}", owner=manager, backup_owner=backup)
                for n in ("instagram", "x")]
    return manager, channels


def _login(page: Any, url: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", "sophie@image.test")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{url}/")


def test_upload_then_click_the_focal_point(live_server: Any, browser: Any,
                                           world: tuple[Member, list[Channel]],
                                           tmp_path: Path) -> None:
    _manager, channels = world
    photo = tmp_path / "vitrine.jpg"
    photo.write_bytes(pictures.photo(3000, 2000, marker=(0.85, 0.5)))
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/publishing/new/")
    page.fill("#compose-text", "La vitrine de Noël")
    page.check(f"#target-{channels[0].pk}-feed")
    page.locator(".compose-check").get_by_text("add at least 1 image").wait_for()
    page.set_input_files("#compose-image", str(photo))
    expect(page.locator("#compose-has-image")).to_have_value("1")
    expect(page.locator(".compose-check").first).not_to_contain_text("add at least")
    page.check(f"#target-{channels[1].pk}-feed")
    page.click("button:has-text('Save draft')")
    page.get_by_text("Draft saved.").wait_for()
    page.locator(".rendition-size").first.wait_for()
    sizes = " ".join(page.locator(".rendition-size").all_inner_texts()).replace("\u00d7", "x")
    assert "1080 x 1350 px" in sizes and "1600 x 900 px" in sizes
    old = set(Rendition.objects.values_list("pk", flat=True))
    box = page.locator(".focal-picker img").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.5)
    page.get_by_text("Image saved.").wait_for()
    asset = MediaAsset.objects.get()
    assert asset.focal_x == pytest.approx(0.85, abs=0.02)
    assert asset.focal_y == pytest.approx(0.5, abs=0.02)
    assert old.isdisjoint(Rendition.objects.values_list("pk", flat=True))


def test_drag_a_post_to_another_day(live_server: Any, browser: Any,
                                    world: tuple[Member, list[Channel]]) -> None:
    manager, channels = world
    zone = ZoneInfo(manager.organization.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()
    start = today + timedelta(days=2)
    post = services.create_post(manager, ACTOR, text="Atelier couture samedi",
                                targets=[(channels[1].pk, "feed")])
    services.submit_for_review(manager, ACTOR, post)
    services.approve(manager, ACTOR, post)
    services.schedule(manager, ACTOR, post,
                      datetime(start.year, start.month, start.day, 11, 45, tzinfo=zone))
    variant = Variant.objects.get(post=post)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    _login(page, live_server.url)
    page.goto(f"{live_server.url}/publishing/calendar/?view=week&date={start.isoformat()}")
    shown = page.locator("[data-day]").evaluate_all("cells => cells.map(c => c.dataset.day)")
    target = next(d for d in map(date.fromisoformat, shown) if d > today and d != start)
    page.drag_and_drop(f"[data-variant='{variant.pk}']", f"[data-day='{target.isoformat()}']")
    page.get_by_text("Moved to").wait_for()
    page.locator(f"[data-day='{target.isoformat()}'] [data-variant='{variant.pk}']").wait_for()
    variant.refresh_from_db()
    assert variant.scheduled_at is not None
    local = timezone.localtime(variant.scheduled_at, zone)
    assert (local.date(), local.hour, local.minute) == (target, 11, 45)
