"""The workflow: draft, review, approval, schedule, cancel; who may do what; audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from socialops.core.models import AuditEvent, Organization
from socialops.governance.models import Channel
from socialops.publishing import pausing, services
from socialops.publishing.models import ApprovalDecision, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db

SOON = timedelta(minutes=30)


@pytest.fixture
def channels(team: Team, make_channel: Callable[..., Channel]) -> list[Channel]:
    return [make_channel(team.org, network="x", owner=team.manager, backup_owner=team.publisher),
            make_channel(team.org, network="bluesky", owner=team.manager,
                         backup_owner=team.publisher)]


def _draft(team: Team, channels: list[Channel], text: str = "Bonjour") -> services.Post:
    return services.create_post(team.contributor, ACTOR, text=text,
                                targets=[(c.pk, "feed") for c in channels])


def test_a_post_gets_one_variant_per_channel_and_placement(team: Team,
                                                           channels: list[Channel]) -> None:
    post = services.create_post(team.contributor, ACTOR, text="Hello", labels=["soldes", " "],
                                targets=[(channels[0].pk, "feed"), (channels[0].pk, "thread"),
                                         (channels[1].pk, "feed")])
    variants = list(post.variants.order_by("pk"))
    assert [(v.channel_id, v.placement, v.text, v.status) for v in variants] == [
        (channels[0].pk, "feed", "Hello", "draft"), (channels[0].pk, "thread", "Hello", "draft"),
        (channels[1].pk, "feed", "Hello", "draft")]
    assert post.labels == ["soldes"]
    assert len({v.idempotency_key for v in variants}) == 3
    assert AuditEvent.objects.filter(action="post.create", target_id=str(post.pk)).exists()


def test_a_placement_the_network_lacks_is_refused(team: Team, channels: list[Channel]) -> None:
    with pytest.raises(ValidationError, match="cannot publish a story"):
        services.create_post(team.manager, ACTOR, text="x", targets=[(channels[0].pk, "story")])


def test_another_organizations_channel_is_not_found(
    team: Team, make_org: Callable[..., Organization], make_channel: Callable[..., Channel],
) -> None:
    foreign = make_channel(make_org(), network="x")
    with pytest.raises(Http404):
        services.create_post(team.manager, ACTOR, text="x", targets=[(foreign.pk, "feed")])


def test_full_flow_and_roles(team: Team, channels: list[Channel]) -> None:
    post = _draft(team, channels)
    services.submit_for_review(team.contributor, ACTOR, post)
    # A contributor can draft but neither approve nor schedule.
    with pytest.raises(PermissionDenied):
        services.approve(team.contributor, ACTOR, post)
    services.approve(team.approver, ACTOR, post, comment="OK pour moi")
    # An approver can approve but not schedule.
    with pytest.raises(PermissionDenied):
        services.schedule(team.approver, ACTOR, post, timezone.now() + SOON)
    with pytest.raises(PermissionDenied):
        services.schedule(team.contributor, ACTOR, post, timezone.now() + SOON)
    when = timezone.now() + SOON
    scheduled = services.schedule(team.publisher, ACTOR, post, when)
    assert {v.status for v in scheduled} == {VariantStatus.SCHEDULED}
    assert all(v.next_attempt_at == when for v in Variant.objects.filter(post=post))
    assert ApprovalDecision.objects.filter(variant__post=post, step=1).count() == 2
    actions = list(AuditEvent.objects.filter(target_id=str(post.pk), target_type="publishing.post")
                   .values_list("action", flat=True))
    assert actions == ["post.create", "post.submit", "post.approve", "post.schedule"]


def test_reject_needs_a_comment_and_returns_to_draft(team: Team,
                                                     channels: list[Channel]) -> None:
    post = _draft(team, channels)
    services.submit_for_review(team.contributor, ACTOR, post)
    with pytest.raises(ValidationError):
        services.reject(team.approver, ACTOR, post, comment=" ")
    services.reject(team.approver, ACTOR, post, comment="Ton trop familier")
    assert set(post.variants.values_list("status", flat=True)) == {VariantStatus.DRAFT}


def test_editing_a_scheduled_variant_sends_it_back_to_review(team: Team,
                                                             channels: list[Channel]) -> None:
    post = _draft(team, channels)
    services.submit_for_review(team.contributor, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    services.schedule(team.manager, ACTOR, post, timezone.now() + SOON)
    variant = post.variants.first()
    assert variant is not None
    edited = services.edit_variant(team.contributor, ACTOR, variant, text="Bonjour à tous")
    assert edited.status == VariantStatus.IN_REVIEW
    assert edited.next_attempt_at is None
    assert AuditEvent.objects.filter(action="variant.edit").get().before["status"] == "scheduled"


def test_schedule_refuses_the_past_and_invalid_text(team: Team, channels: list[Channel]) -> None:
    post = _draft(team, channels[:1], text="ok")
    services.submit_for_review(team.contributor, ACTOR, post)
    services.approve(team.approver, ACTOR, post)
    with pytest.raises(ValidationError, match="future"):
        services.schedule(team.manager, ACTOR, post, timezone.now() - SOON)
    Variant.objects.filter(post=post).update(text="a" * 300)
    with pytest.raises(ValidationError, match="Remove 20 characters"):
        services.schedule(team.manager, ACTOR, post, timezone.now() + SOON)


def test_submit_refuses_a_variant_that_does_not_fit(team: Team, channels: list[Channel]) -> None:
    post = _draft(team, channels[:1], text="a" * 281)
    with pytest.raises(ValidationError, match="Remove 1 character"):
        services.submit_for_review(team.contributor, ACTOR, post)


def test_only_approved_variants_can_be_scheduled(team: Team, channels: list[Channel]) -> None:
    post = _draft(team, channels)
    with pytest.raises(ValidationError, match="approved"):
        services.schedule(team.manager, ACTOR, post, timezone.now() + SOON)


def test_cancel(team: Team, channels: list[Channel]) -> None:
    post = _draft(team, channels)
    with pytest.raises(PermissionDenied):
        services.cancel(team.contributor, ACTOR, post)
    services.cancel(team.manager, ACTOR, post)
    assert set(post.variants.values_list("status", flat=True)) == {VariantStatus.CANCELLED}
    with pytest.raises(ValidationError):
        services.cancel(team.manager, ACTOR, post)


def test_pause_needs_the_permission_and_a_reason(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        pausing.pause_publishing(team.contributor, ACTOR, reason="no")
    with pytest.raises(ValidationError):
        pausing.pause_publishing(team.manager, ACTOR, reason=" ")
    pause = pausing.pause_publishing(team.manager, ACTOR, reason="Crisis")
    with pytest.raises(ValidationError, match="already paused"):
        pausing.pause_publishing(team.manager, ACTOR, reason="Again")
    pausing.resume_publishing(team.manager, ACTOR, pause)
    assert list(AuditEvent.objects.filter(action__startswith="publishing.")
                .values_list("action", flat=True)) == ["publishing.pause", "publishing.resume"]
