"""The demo calendar: every state of the workflow, images, and posts really on the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.utils import timezone

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel, Transport
from socialops.governance.services import credentials_of
from socialops.publishing.demo_data import PLANS, seed_demo_posts
from socialops.publishing.models import Post, Rendition, Variant, VariantStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_posts(make_org: Callable[..., Organization],
                         make_member: Callable[..., Member],
                         make_channel: Callable[..., Channel], sandbox: Any) -> None:
    org = make_org("Arlette Test")
    people = {role: make_member(org, role)
              for role in ("owner", "manager", "contributor", "approver")}
    tokens = {}
    for network, handle in {(n, h) for plan in PLANS for n, h, _p in plan.targets}:
        account = sandbox.create_account(f"demo-{network}-{handle}".replace("@", "."), network)
        make_channel(org, network=network, handle=handle, transport=Transport.SANDBOX,
                     remote_id=account.id, credentials={"token": account.token},
                     owner=people["manager"], backup_owner=people["owner"])
        tokens[(network, handle)] = account.token
    assert seed_demo_posts(org, sandbox.url) == len(PLANS)
    assert seed_demo_posts(org, sandbox.url) == 0  # once
    statuses = set(Variant.objects.filter(organization=org).values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "approved", "scheduled", "published"}
    now = timezone.now()
    published = Variant.objects.filter(organization=org, status=VariantStatus.PUBLISHED)
    assert published.count() == 6
    for variant in published.select_related("channel"):
        assert variant.remote_id and variant.published_at and variant.published_at < now
        remote = httpx.get(f"{sandbox.url}/v1/posts/{variant.remote_id}", headers={
            "Authorization": f"Bearer {credentials_of(variant.channel)['token']}"})
        assert remote.status_code == 200 and remote.json()["text"] == variant.text
    scheduled = Variant.objects.filter(organization=org, status=VariantStatus.SCHEDULED)
    days = {timezone.localtime(v.scheduled_at).date() for v in scheduled}
    assert len(days) >= 5 and all(v.scheduled_at and v.scheduled_at > now for v in scheduled)
    assert Rendition.objects.filter(variant__organization=org).count() >= 10
    story = Variant.objects.get(organization=org, placement="story")
    assert story.status == VariantStatus.SCHEDULED and story.renditions.get().height == 1920
    assert Post.objects.filter(organization=org).count() == len(PLANS)
