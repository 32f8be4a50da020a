"""Fixtures for publishing: an organization with members of each role and channels."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel, Transport
from socialops.publishing import services
from socialops.publishing.models import Post, Variant, VariantStatus

ACTOR = Actor.system("test")


@dataclass
class Team:
    org: Organization
    manager: Member
    contributor: Member
    approver: Member
    publisher: Member


@pytest.fixture
def team(make_org: Callable[..., Organization], make_member: Callable[..., Member]) -> Team:
    org = make_org()
    return Team(org=org, manager=make_member(org, "manager"),
                contributor=make_member(org, "contributor"),
                approver=make_member(org, "approver"), publisher=make_member(org, "publisher"))


@pytest.fixture
def sandbox_channel(sandbox: Any, settings: Any, team: Team,
                    make_channel: Callable[..., Channel]) -> Callable[..., Channel]:
    """Return a factory of channels published through the real sandbox over HTTP."""
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url

    def make(network: str = "x") -> Channel:
        handle = f"{network}-pub-{time.monotonic_ns()}"
        account = sandbox.create_account(handle, network)
        return make_channel(team.org, network=network, transport=Transport.SANDBOX,
                            handle=handle, remote_id=account.id,
                            owner=team.manager, backup_owner=team.publisher,
                            credentials={"token": account.token})

    return make


def approved_post(team: Team, channels: list[Channel], text: str = "Hello from the test",
                  placement: str = "feed") -> Post:
    """Create, submit and approve a post for the channels."""
    post = services.create_post(team.manager, ACTOR, text=text,
                                targets=[(c.pk, placement) for c in channels])
    services.submit_for_review(team.manager, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    return post


def make_due(post: Post, team: Team) -> list[Variant]:
    """Schedule a post then move its time into the past, as if the minute had come."""
    services.schedule(team.manager, ACTOR, post, timezone.now() + timedelta(minutes=5))
    past = timezone.now() - timedelta(seconds=1)
    Variant.objects.filter(post=post, status=VariantStatus.SCHEDULED).update(
        scheduled_at=past, next_attempt_at=past)
    return list(post.variants.all())


@pytest.fixture(autouse=True)
def _only_reachable_menu_items(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide menu entries of apps whose pages are still being written (inbox, in parallel).

    Otherwise every page of ours fails to render while their URL is missing, which says
    nothing about publishing.
    """
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    for config in apps.get_app_configs():
        items = getattr(config, "menu_items", ())
        reachable = []
        for item in items:
            try:
                reverse(item.url_name)
            except NoReverseMatch:
                continue
            reachable.append(item)
        if len(reachable) != len(items):
            monkeypatch.setattr(config, "menu_items", tuple(reachable))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep uploaded images and renditions of each test out of the data directory."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
