"""Internal comments with @mentions, and each variant's version history with its diff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from socialops.core.models import AuditEvent, Member
from socialops.governance.models import Channel
from socialops.publishing import discussion, services
from socialops.publishing.models import Post
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(team: Team, make_channel: Callable[..., Channel]) -> Post:
    channel = make_channel(team.org, network="bluesky", owner=team.manager,
                           backup_owner=team.publisher)
    return services.create_post(team.contributor, ACTOR, text="Les soldes commencent demain",
                                targets=[(channel.pk, "feed")])


def _handle(member: Member) -> str:
    return member.user.email.split("@")[0]


def test_a_mention_notifies_the_colleague_once_and_is_audited(
    team: Team, post: Post, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any,
) -> None:
    body = (f"@{_handle(team.approver)} peux-tu relire ? (cc @{_handle(team.approver)}, "
            f"@nobody, mail@{_handle(team.manager)})")
    with django_capture_on_commit_callbacks(execute=True):
        comment = discussion.add_comment(team.contributor, ACTOR, post, body)
    assert list(comment.mentions.all()) == [team.approver]
    assert [m.to for m in mailoutbox] == [[team.approver.user.email]]
    assert "peux-tu relire" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="post.comment").exists()


def test_empty_comments_and_outsiders_are_refused(team: Team, post: Post,
                                                  make_member: Callable[..., Member]) -> None:
    with pytest.raises(ValidationError):
        discussion.add_comment(team.contributor, ACTOR, post, "   ")
    with pytest.raises(PermissionDenied):
        discussion.add_comment(make_member(team.org, "analyst"), ACTOR, post, "Bravo")


def test_each_edit_keeps_the_previous_text_and_shows_the_words_that_changed(
    team: Team, post: Post,
) -> None:
    variant = post.variants.get()
    services.edit_variant(team.contributor, ACTOR, variant, text="Les soldes commencent lundi")
    services.edit_variant(team.contributor, ACTOR, variant, text="Les soldes commencent lundi")
    variant.refresh_from_db()
    services.edit_variant(team.manager, ACTOR, variant, text="Nos soldes commencent lundi")
    variant.refresh_from_db()
    changes = discussion.history(variant)
    assert [c.number for c in changes] == [2, 1]
    assert ("removed", "demain") in changes[1].pieces and ("added", "lundi") in changes[1].pieces
    assert ("removed", "Les") in changes[0].pieces and ("added", "Nos") in changes[0].pieces


def test_the_post_page_shows_comments_escaped_and_the_history(
    client: Client, team: Team, post: Post,
) -> None:
    client.force_login(team.contributor.user)
    url = reverse("publishing:post_comment", args=[post.pk])
    response = client.post(url, {"body": "<img src=x onerror=alert(1)> à voir"})
    assert response.status_code == 302
    services.edit_variant(team.contributor, ACTOR, post.variants.get(), text="Texte <b>neuf</b>")
    page = client.get(reverse("publishing:post", args=[post.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; à voir" in page
    assert "<img src=x" not in page
    assert "1 earlier version" in page and "<ins class=\"bg-success-subtle\">" in page
