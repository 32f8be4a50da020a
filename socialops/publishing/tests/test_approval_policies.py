"""Multi-step approvals: ordered steps, any/all, channel policies, changes, expiry, notices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance.models import Channel
from socialops.publishing import services
from socialops.publishing.approval_policies import StepInput, save_policy
from socialops.publishing.models import ApprovalDecision, Post, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(team: Team, make_channel: Callable[..., Channel]) -> Channel:
    return make_channel(team.org, network="bluesky", owner=team.manager,
                        backup_owner=team.publisher)


@pytest.fixture
def legal(team: Team, make_member: Callable[..., Member]) -> list[Member]:
    return [make_member(team.org, "approver"), make_member(team.org, "approver")]


def _brand_then_legal(team: Team, legal: list[Member], **extra: Any) -> None:
    save_policy(team.manager, ACTOR, name="Brand then legal", steps=[
        StepInput(name="Brand", mode="any", member_ids=[team.manager.pk]),
        StepInput(name="Legal", mode="all", member_ids=[m.pk for m in legal]),
    ], **extra)


def _submitted(team: Team, channel: Channel, text: str = "Nouvelle saison") -> Post:
    post = services.create_post(team.contributor, ACTOR, text=text,
                                targets=[(channel.pk, "feed")])
    services.submit_for_review(team.contributor, ACTOR, post)
    return post


def _variant(post: Post) -> Variant:
    return Variant.objects.get(post=post)


def test_two_steps_pass_in_order_any_then_all(
    team: Team, channel: Channel, legal: list[Member], mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _brand_then_legal(team, legal)
    with django_capture_on_commit_callbacks(execute=True):
        post = _submitted(team, channel)
    assert _variant(post).approval_step == 1
    assert [m.to for m in mailoutbox] == [[team.manager.user.email]]
    assert "waits for your approval" in mailoutbox[0].body

    with pytest.raises(ValidationError, match="another approver"):
        services.approve(legal[0], ACTOR, post)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(team.manager, ACTOR, post)
    variant = _variant(post)
    assert variant.status == VariantStatus.IN_REVIEW and variant.approval_step == 2
    assert sorted(m.to[0] for m in mailoutbox[1:]) == sorted(m.user.email for m in legal)

    services.approve(legal[0], ACTOR, post)
    assert _variant(post).status == VariantStatus.IN_REVIEW
    with pytest.raises(ValidationError, match="already approved"):
        services.approve(legal[0], ACTOR, post)
    services.approve(legal[1], ACTOR, post)
    variant = _variant(post)
    assert variant.status == VariantStatus.APPROVED and variant.approved_at is not None
    assert list(variant.decisions.values_list("step", flat=True)) == [1, 2, 2]


def test_a_channel_policy_replaces_the_default(team: Team, channel: Channel,
                                               legal: list[Member],
                                               make_channel: Callable[..., Channel]) -> None:
    _brand_then_legal(team, legal)
    save_policy(team.manager, ACTOR, name="Fast lane", channel_id=channel.pk,
                steps=[StepInput(name="Anyone", mode="any")])
    post = _submitted(team, channel)
    services.approve(team.approver, ACTOR, post)
    assert _variant(post).status == VariantStatus.APPROVED
    other = make_channel(team.org, network="x", owner=team.manager, backup_owner=team.publisher)
    post = _submitted(team, other)
    with pytest.raises(ValidationError):
        services.approve(team.approver, ACTOR, post)


def test_changes_requested_start_a_new_round(team: Team, channel: Channel,
                                             legal: list[Member]) -> None:
    _brand_then_legal(team, legal)
    post = _submitted(team, channel)
    services.approve(team.manager, ACTOR, post)
    services.reject(legal[0], ACTOR, post, comment="Ajoutez la mention légale",
                    changes_requested=True)
    variant = _variant(post)
    assert variant.status == VariantStatus.DRAFT
    assert variant.decisions.last().decision == ApprovalDecision.Decision.CHANGES_REQUESTED
    assert AuditEvent.objects.filter(action="post.request_changes").exists()
    services.submit_for_review(team.contributor, ACTOR, post)
    # The brand approval of the first round no longer counts.
    with pytest.raises(ValidationError, match="another approver"):
        services.approve(legal[0], ACTOR, post)
    assert _variant(post).approval_step == 1


def test_editing_an_approved_variant_goes_back_to_the_first_step(
    team: Team, channel: Channel, legal: list[Member],
) -> None:
    _brand_then_legal(team, legal)
    post = _submitted(team, channel)
    for person in (team.manager, *legal):
        services.approve(person, ACTOR, post)
    services.edit_variant(team.contributor, ACTOR, _variant(post), text="Texte corrigé")
    variant = _variant(post)
    assert variant.status == VariantStatus.IN_REVIEW and variant.approval_step == 1
    assert variant.approved_at is None


def test_an_old_approval_expires_and_the_post_waits_again(
    team: Team, channel: Channel, legal: list[Member],
) -> None:
    save_policy(team.manager, ACTOR, name="Short-lived", expire_after_hours=24,
                steps=[StepInput(name="Brand", mode="any", member_ids=[team.manager.pk])])
    post = _submitted(team, channel)
    services.approve(team.manager, ACTOR, post)
    services.schedule(team.manager, ACTOR, post, timezone.now() + timedelta(days=10))
    assert services.expire_approvals(ACTOR) == 0
    Variant.objects.filter(post=post).update(approved_at=timezone.now() - timedelta(hours=25))
    assert services.expire_approvals(ACTOR) == 1
    variant = _variant(post)
    assert variant.status == VariantStatus.IN_REVIEW and variant.next_attempt_at is None
    assert variant.decisions.last().decision == ApprovalDecision.Decision.EXPIRED
    assert AuditEvent.objects.filter(action="variant.approval_expired").exists()


def test_approval_of_a_planned_post_schedules_it(team: Team, channel: Channel) -> None:
    when = timezone.now() + timedelta(days=3)
    post = services.create_post(team.contributor, ACTOR, text="Plus tard",
                                targets=[(channel.pk, "feed")], planned_at=when)
    services.submit_for_review(team.contributor, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    variant = _variant(post)
    assert variant.status == VariantStatus.SCHEDULED and variant.next_attempt_at == when


@pytest.mark.parametrize("steps, message", [
    ([], "at least one step"),
    ([StepInput(name="Everyone", mode="all")], "needs members or a role"),
    ([StepInput(name="Legal", role="contributor")], "cannot approve"),
])
def test_bad_policies_are_refused_with_a_reason(team: Team, steps: list[StepInput],
                                                message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        save_policy(team.manager, ACTOR, name="Policy", steps=steps)


def test_a_contributor_cannot_be_an_approver_and_nobody_gets_two_defaults(
    team: Team, legal: list[Member],
) -> None:
    with pytest.raises(ValidationError, match="cannot approve posts"):
        save_policy(team.manager, ACTOR, name="P", steps=[
            StepInput(name="S", member_ids=[team.contributor.pk])])
    _brand_then_legal(team, legal)
    with pytest.raises(ValidationError, match="already has a default"):
        _brand_then_legal(team, legal)


def test_another_organizations_channel_or_member_is_refused(
    team: Team, make_org: Callable[..., Organization], make_member: Callable[..., Member],
    make_channel: Callable[..., Channel],
) -> None:
    other = make_org()
    with pytest.raises(Http404):
        save_policy(team.manager, ACTOR, name="P", channel_id=make_channel(other).pk,
                    steps=[StepInput(name="S")])
    with pytest.raises(ValidationError, match="not an active member"):
        save_policy(team.manager, ACTOR, name="P", steps=[
            StepInput(name="S", member_ids=[make_member(other, "approver").pk])])


def test_pages_manage_policies_and_show_the_waiting_step(
    client: Client, team: Team, channel: Channel, legal: list[Member],
    make_member: Callable[..., Member],
) -> None:
    client.force_login(team.manager.user)
    response = client.post(reverse("publishing:approval_policy_new"), {
        "name": "Brand then legal", "channel": "", "expire": "48",
        "step-1-name": "Brand", "step-1-mode": "any", "step-1-members": [team.manager.pk],
        "step-2-name": "Legal", "step-2-mode": "all", "step-2-members": [m.pk for m in legal],
    })
    assert response.status_code == 302
    page = client.get(reverse("publishing:approval_policies")).content.decode()
    assert "Brand then legal" in page and "All of them" in page
    bad = client.post(reverse("publishing:approval_policy_new"), {
        "name": "Twice", "step-1-name": "Again"})
    assert "already has a default policy" in bad.content.decode()

    post = _submitted(team, channel)
    services.approve(team.manager, ACTOR, post)
    client.force_login(legal[0].user)
    detail = client.get(reverse("publishing:post", args=[post.pk])).content.decode()
    assert "Waiting for step 2 of 2: Legal" in detail and "Request changes" in detail
    other = services.create_post(team.contributor, ACTOR, text="Pas encore soumis",
                                 targets=[(channel.pk, "feed")])
    waiting = client.get(reverse("publishing:posts") + "?waiting=me").content.decode()
    assert reverse("publishing:post", args=[post.pk]) in waiting
    assert reverse("publishing:post", args=[other.pk]) not in waiting
    client.force_login(team.approver.user)
    assert "Request changes" not in client.get(
        reverse("publishing:post", args=[post.pk])).content.decode()

    client.force_login(make_member(team.org, "analyst").user)
    assert client.get(reverse("publishing:approval_policy_new")).status_code == 403
