"""The API: same permissions as the pages; another organization's objects are 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from socialops.core.models import Member, Organization
from socialops.core.services import create_token
from socialops.governance.models import Channel
from socialops.publishing.models import PublishAttempt, Variant
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


def bearer(member: Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(member, ACTOR).raw}"}


@pytest.fixture
def channel(team: Team, make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(team.org, network="x", owner=team.manager, backup_owner=team.publisher)


def _create(client: Client, member: Member, channel: Channel, text: str = "Hello API") -> dict:
    response = client.post("/api/v1/posts", {"text": text, "targets": [
        {"channel_id": channel.pk, "placement": "feed"}]}, content_type="application/json",
        headers=bearer(member))
    assert response.status_code == 201, response.content
    return response.json()


def test_the_whole_flow_through_the_api(client: Client, team: Team, channel: Channel) -> None:
    post = _create(client, team.contributor, channel)
    assert [v["status"] for v in post["variants"]] == ["draft"]
    pid = post["id"]
    assert client.post(f"/api/v1/posts/{pid}/submit", headers=bearer(team.contributor)
                       ).status_code == 200
    # A contributor cannot approve; an approver can approve but not schedule.
    assert client.post(f"/api/v1/posts/{pid}/approve", {}, content_type="application/json",
                       headers=bearer(team.contributor)).status_code == 403
    approved = client.post(f"/api/v1/posts/{pid}/approve", {"comment": "ok"},
                           content_type="application/json", headers=bearer(team.approver))
    assert [v["status"] for v in approved.json()["variants"]] == ["approved"]
    when = (timezone.now() + timedelta(hours=2)).isoformat()
    assert client.post(f"/api/v1/posts/{pid}/schedule", {"when": when},
                       content_type="application/json", headers=bearer(team.approver)
                       ).status_code == 403
    scheduled = client.post(f"/api/v1/posts/{pid}/schedule", {"when": when},
                            content_type="application/json", headers=bearer(team.publisher))
    assert scheduled.status_code == 200
    assert [v["status"] for v in scheduled.json()["variants"]] == ["scheduled"]
    cancelled = client.post(f"/api/v1/posts/{pid}/cancel", {}, content_type="application/json",
                            headers=bearer(team.manager))
    assert [v["status"] for v in cancelled.json()["variants"]] == ["cancelled"]


def test_validation_errors_are_readable(client: Client, team: Team, channel: Channel) -> None:
    post = _create(client, team.contributor, channel, text="a" * 300)
    assert post["variants"][0]["problems"] == [
        "X feed post: the text is 300 characters, the limit is 280. Remove 20 characters."]
    response = client.post(f"/api/v1/posts/{post['id']}/submit", headers=bearer(team.contributor))
    assert response.status_code == 400
    assert response.json()["code"] == "rejected"
    assert "Remove 20 characters" in response.json()["message"]


def test_a_stuck_variant_is_readable_with_its_attempts(client: Client, team: Team,
                                                       channel: Channel) -> None:
    post = _create(client, team.contributor, channel)
    variant = Variant.objects.get(post_id=post["id"])
    Variant.objects.filter(pk=variant.pk).update(status="publishing", attempt_count=1)
    PublishAttempt.objects.create(variant=variant, number=1, started_at=timezone.now(),
                                  idempotency_key=variant.idempotency_key)
    data = client.get(f"/api/v1/variants/{variant.pk}", headers=bearer(team.contributor)).json()
    assert data["status"] == "publishing"
    assert data["attempts"][0]["outcome"] == "pending"
    assert data["attempts"][0]["idempotency_key"] == variant.idempotency_key


def test_another_organization_gets_404(
    client: Client, team: Team, channel: Channel,
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
) -> None:
    post = _create(client, team.contributor, channel)
    stranger = make_member(make_org(), "owner")
    variant_id = post["variants"][0]["id"]
    headers = bearer(stranger)
    assert client.get(f"/api/v1/posts/{post['id']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/variants/{variant_id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/posts/{post['id']}/cancel", {},
                       content_type="application/json", headers=headers).status_code == 404
    assert client.get("/api/v1/posts", headers=headers).json()["count"] == 0
    response = client.post("/api/v1/posts", {"text": "x", "targets": [
        {"channel_id": channel.pk, "placement": "feed"}]}, content_type="application/json",
        headers=headers)
    assert response.status_code == 404
