"""Offboarding hands the leaver's unpublished posts to the successor."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.governance.offboarding import offboard
from socialops.publishing.models import Post, Variant, VariantStatus
from socialops.publishing.services import create_post

pytestmark = pytest.mark.django_db


def test_unpublished_posts_move_to_the_successor_published_ones_stay(
    make_org: Callable[..., Organization], make_member: Callable[..., Member],
    make_channel: Callable[..., Channel],
) -> None:
    org = make_org()
    admin = make_member(org, "admin")
    leaver, successor = make_member(org, "publisher"), make_member(org, "manager")
    channel = make_channel(org, network="x")
    actor = Actor.for_user(leaver.user)
    draft = create_post(leaver, actor, text="Brouillon", targets=[(channel.pk, "feed")])
    done = create_post(leaver, actor, text="Déjà publié", targets=[(channel.pk, "feed")])
    Variant.objects.filter(post=done).update(status=VariantStatus.PUBLISHED)

    report = offboard(leaver, Actor.for_user(admin.user), successor=successor)

    assert Post.objects.get(pk=draft.pk).author == successor
    assert Post.objects.get(pk=done.pk).author == leaver  # history keeps who wrote it
    assert report.handlers["publishing.drafts"] == [
        f"1 unpublished post now written by {successor.user.email}"]
