"""The pages: compose with live checks, act on a post, pause, calendar; never another org's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.publishing import pausing, services
from socialops.publishing.models import Post, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(team: Team, make_channel: Callable[..., Channel]) -> list[Channel]:
    return [make_channel(team.org, network=n, owner=team.manager, backup_owner=team.publisher)
            for n in ("x", "bluesky")]


def login(client: Client, member: Member) -> Client:
    client.force_login(member.user)
    return client


def _post(team: Team, channels: list[Channel], text: str = "Bonjour <b>tout</b> le monde") -> Post:
    return services.create_post(team.manager, ACTOR, text=text,
                                targets=[(c.pk, "feed") for c in channels])


def test_compose_creates_a_draft_with_one_variant_per_target(
    client: Client, team: Team, channels: list[Channel],
) -> None:
    login(client, team.contributor)
    page = client.get(reverse("publishing:compose"))
    assert page.status_code == 200
    assert f'value="{channels[0].pk}:feed"' in page.content.decode()
    response = client.post(reverse("publishing:compose"), {
        "text": "Nouveautés", "target": [f"{channels[0].pk}:feed", f"{channels[1].pk}:feed"],
        "labels": "soldes, été", "is_paid": "on",
    })
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "publishing:post", args=[post.pk])
    assert post.labels == ["soldes", "été"] and post.is_paid
    assert post.variants.count() == 2


def test_compose_without_channel_shows_the_error(client: Client, team: Team,
                                                 channels: list[Channel]) -> None:
    login(client, team.contributor)
    response = client.post(reverse("publishing:compose"), {"text": "Hello"})
    assert response.status_code == 200
    assert "Choose at least one channel." in response.content.decode()
    assert not Post.objects.exists()


def test_live_check_counts_the_network_way(client: Client, team: Team,
                                           channels: list[Channel]) -> None:
    login(client, team.contributor)
    text = "a" * 275 + " https://example.com/long/long/long"
    response = client.post(reverse("publishing:compose_check"), {
        "text": text, "target": [f"{channels[0].pk}:feed", f"{channels[1].pk}:feed"]},
        HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "299 / 280" in html  # X: the link weighs 23
    assert "Remove 19 characters." in html
    assert "310 / 300" in html  # Bluesky: every character counts


def test_variant_check_previews_escaped_text(client: Client, team: Team,
                                             channels: list[Channel]) -> None:
    post = _post(team, channels[:1])
    variant = post.variants.get()
    login(client, team.contributor)
    response = client.post(reverse("publishing:variant_check", args=[variant.pk]),
                           {"text": "<script>alert(1)</script> 🎉"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "28 / 280" in html


def test_detail_shows_actions_by_role_and_escapes_text(client: Client, team: Team,
                                                       channels: list[Channel]) -> None:
    post = _post(team, channels)
    services.submit_for_review(team.manager, ACTOR, post)
    login(client, team.approver)
    html = client.get(reverse("publishing:post", args=[post.pk])).content.decode()
    assert "Bonjour &lt;b&gt;tout&lt;/b&gt;" in html
    assert ">Approve<" in html and ">Schedule<" not in html


def test_contributor_cannot_approve_through_the_page(client: Client, team: Team,
                                                     channels: list[Channel]) -> None:
    post = _post(team, channels)
    services.submit_for_review(team.manager, ACTOR, post)
    login(client, team.contributor)
    response = client.post(reverse("publishing:post_action", args=[post.pk, "approve"]))
    assert response.status_code == 403
    assert set(post.variants.values_list("status", flat=True)) == {VariantStatus.IN_REVIEW}


def test_approve_then_schedule_in_the_organizations_time_zone(
    client: Client, team: Team, channels: list[Channel],
) -> None:
    post = _post(team, channels)
    services.submit_for_review(team.manager, ACTOR, post)
    login(client, team.approver)
    client.post(reverse("publishing:post_action", args=[post.pk, "approve"]), {"comment": "OK"})
    assert set(post.variants.values_list("status", flat=True)) == {VariantStatus.APPROVED}
    login(client, team.manager)
    local = (timezone.now() + timedelta(days=1)).astimezone(ZoneInfo("Europe/Paris"))
    response = client.post(reverse("publishing:post_action", args=[post.pk, "schedule"]),
                           {"when": local.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    variant = post.variants.first()
    assert variant is not None and variant.status == VariantStatus.SCHEDULED
    assert variant.scheduled_at == local.replace(second=0, microsecond=0)
    calendar = client.get(reverse("publishing:calendar")).content.decode()
    assert local.strftime("%H:%M") in calendar and channels[0].display_name in calendar


def test_schedule_in_the_past_shows_an_error(client: Client, team: Team,
                                             channels: list[Channel]) -> None:
    post = _post(team, channels)
    services.submit_for_review(team.manager, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    login(client, team.manager)
    response = client.post(reverse("publishing:post_action", args=[post.pk, "schedule"]),
                           {"when": "2020-01-01T09:00"}, follow=True)
    assert "Choose a time in the future." in response.content.decode()


def test_another_organizations_post_is_404(
    client: Client, team: Team, channels: list[Channel],
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
) -> None:
    post = _post(team, channels)
    variant = post.variants.first()
    assert variant is not None
    stranger = make_member(make_org(), "owner")
    login(client, stranger)
    assert client.get(reverse("publishing:post", args=[post.pk])).status_code == 404
    assert client.post(reverse("publishing:post_action", args=[post.pk, "cancel"])
                       ).status_code == 404
    assert client.post(reverse("publishing:variant_edit", args=[variant.pk]),
                       {"text": "pwned"}).status_code == 404
    assert post.text not in client.get(reverse("publishing:posts")).content.decode()


def test_post_list_filters_and_counts_queries(
    client: Client, team: Team, channels: list[Channel], django_assert_max_num_queries: Any,
) -> None:
    for i in range(12):
        post = _post(team, channels, text=f"Post {i}")
        if i % 2:
            services.submit_for_review(team.manager, ACTOR, post)
    login(client, team.manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("publishing:posts"))
    assert response.content.decode().count("/publishing/posts/") == 12
    filtered = client.get(reverse("publishing:posts"), {"status": "in_review"},
                          HTTP_HX_REQUEST="true").content.decode()
    assert filtered.count("/publishing/posts/") == 6


def test_pause_and_resume_pages(client: Client, team: Team, channels: list[Channel]) -> None:
    login(client, team.manager)
    client.post(reverse("publishing:pause"), {"reason": "Bad buzz"})
    pause = pausing.active_pauses(team.org.pk).get()
    post = _post(team, channels[:1])
    services.submit_for_review(team.manager, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    services.schedule(team.manager, ACTOR, post, timezone.now() + timedelta(minutes=1))
    past = timezone.now() - timedelta(minutes=1)
    Variant.objects.update(scheduled_at=past, next_attempt_at=past)
    assert "Bad buzz" in client.get(reverse("publishing:posts")).content.decode()
    page = client.get(reverse("publishing:resume", args=[pause.pk])).content.decode()
    variant = Variant.objects.get()
    assert f'name="publish" value="{variant.pk}"' in page
    client.post(reverse("publishing:resume", args=[pause.pk]), {})  # nothing ticked
    variant.refresh_from_db()
    assert variant.status == VariantStatus.APPROVED
    assert not pausing.active_pauses(team.org.pk).exists()


def test_contributor_cannot_pause(client: Client, team: Team) -> None:
    login(client, team.contributor)
    assert client.get(reverse("publishing:pause")).status_code == 200
    assert client.post(reverse("publishing:pause"), {"reason": "x"}).status_code == 403
