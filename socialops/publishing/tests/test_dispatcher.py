"""The dispatcher against the real sandbox over HTTP: once, and only once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from socialops.governance.models import Channel, ChannelStatus
from socialops.governance.services import credentials_of
from socialops.publishing import dispatcher, pausing
from socialops.publishing.models import AttemptOutcome, PublishAttempt, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team, approved_post, make_due

pytestmark = pytest.mark.django_db


def sandbox_posts(sandbox: Any, channel: Channel) -> list[dict[str, Any]]:
    """Return what the sandbox account really holds."""
    token = credentials_of(channel)["token"]
    response = httpx.get(f"{sandbox.url}/v1/me/posts", params={"limit": 100},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    response.raise_for_status()
    return list(response.json()["posts"])


def run_dispatcher(capture: Any, now: Any = None) -> list[int]:
    with capture(execute=True):
        return dispatcher.dispatch(now)


def claim(capture: Any, now: Any = None) -> list[tuple[int, str]]:
    """Run the dispatcher and return the messages it queued, without running them."""
    queued: list[tuple[int, str]] = []
    with capture(execute=True):
        dispatcher.dispatch(now, queue=lambda pk, token: queued.append((pk, token)))
    return queued


def test_a_due_variant_is_published_once(team: Team, sandbox: Any,
                                         sandbox_channel: Callable[..., Channel],
                                         django_capture_on_commit_callbacks: Any) -> None:
    channel = sandbox_channel("x")
    post = approved_post(team, [channel], text="Soldes d'été: -20% #promo")
    [variant] = make_due(post, team)
    assert run_dispatcher(django_capture_on_commit_callbacks) == [variant.pk]
    variant.refresh_from_db()
    assert variant.status == VariantStatus.PUBLISHED
    posts = sandbox_posts(sandbox, channel)
    assert [p["text"] for p in posts] == ["Soldes d'été: -20% #promo"]
    assert variant.remote_id == posts[0]["id"] and variant.remote_url
    assert [a.outcome for a in variant.attempts.all()] == [AttemptOutcome.PUBLISHED]
    # Nothing is due any more: a second run claims nothing and posts nothing.
    assert run_dispatcher(django_capture_on_commit_callbacks) == []
    assert len(sandbox_posts(sandbox, channel)) == 1


def test_a_variant_not_yet_due_is_left_alone(team: Team,
                                            sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = approved_post(team, [sandbox_channel("x")])
    from socialops.publishing import services

    services.schedule(team.manager, ACTOR, post, timezone.now() + timedelta(minutes=5))
    assert claim(django_capture_on_commit_callbacks) == []


def test_a_duplicate_delivery_posts_once(team: Team, sandbox: Any,
                                         sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("x")
    [variant] = make_due(approved_post(team, [channel]), team)
    queued = claim(django_capture_on_commit_callbacks)
    assert len(queued) == 1
    # The broker delivers the same message twice (redelivery after a lost ack).
    assert dispatcher.publish(*queued[0]) == AttemptOutcome.PUBLISHED
    assert dispatcher.publish(*queued[0]) == "not-claimed"
    assert len(sandbox_posts(sandbox, channel)) == 1
    assert PublishAttempt.objects.filter(variant=variant).count() == 1


def test_two_dispatch_runs_claim_once(team: Team, sandbox: Any,
                                      sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("bluesky")
    make_due(approved_post(team, [channel]), team)
    first = claim(django_capture_on_commit_callbacks)
    second = claim(django_capture_on_commit_callbacks)
    assert len(first) == 1 and second == []
    for job in first + second:
        dispatcher.publish(*job)
    assert len(sandbox_posts(sandbox, channel)) == 1


def test_unknown_outcome_is_reconciled_without_a_second_post(
    team: Team, sandbox: Any, settings: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SOCIALOPS_PUBLISH_READ_TIMEOUT = 0.5
    channel = sandbox_channel("x")  # X takes no idempotency key: a resend would duplicate
    [variant] = make_due(approved_post(team, [channel], text="Une seule fois"), team)
    sandbox.admin("POST", "/admin/faults",
                  {"timeout_after_create": 1, "idempotency": False, "hang_seconds": 2.0})
    try:
        run_dispatcher(django_capture_on_commit_callbacks)
        variant.refresh_from_db()
        assert variant.status == VariantStatus.UNKNOWN
        assert variant.next_attempt_at is not None
        # Nothing happens before the reconcile delay...
        assert run_dispatcher(django_capture_on_commit_callbacks) == []
        # ...then the dispatcher asks the network and finds the post already there.
        later = timezone.now() + timedelta(seconds=10)
        assert run_dispatcher(django_capture_on_commit_callbacks, later) == [variant.pk]
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    variant.refresh_from_db()
    posts = sandbox_posts(sandbox, channel)
    assert [p["text"] for p in posts] == ["Une seule fois"]
    assert variant.status == VariantStatus.PUBLISHED
    assert variant.remote_id == posts[0]["id"]
    assert [a.outcome for a in variant.attempts.all()] == [
        AttemptOutcome.UNKNOWN, AttemptOutcome.RECONCILED]


def test_a_worker_dying_mid_publish_is_reconciled_after_the_lease(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("x")
    [variant] = make_due(approved_post(team, [channel]), team)
    queued = claim(django_capture_on_commit_callbacks)
    job = dispatcher._take_over(*queued[0])
    assert job is not None
    # The post went out, then the worker was killed before writing the outcome.
    dispatcher._connector(channel).publish(dispatcher._request(job.variant))
    assert run_dispatcher(django_capture_on_commit_callbacks) == []  # lease still held
    after_lease = timezone.now() + dispatcher.lease() + timedelta(seconds=1)
    assert run_dispatcher(django_capture_on_commit_callbacks, after_lease) == [variant.pk]
    variant.refresh_from_db()
    assert variant.status == VariantStatus.PUBLISHED
    assert len(sandbox_posts(sandbox, channel)) == 1
    assert [a.outcome for a in variant.attempts.all()] == [
        AttemptOutcome.UNKNOWN, AttemptOutcome.RECONCILED]


def test_rate_limited_is_rescheduled_after_retry_after(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("bluesky")
    [variant] = make_due(approved_post(team, [channel]), team)
    sandbox.admin("POST", "/admin/faults", {"write_limit": 1, "write_window_seconds": 120})
    try:
        # Spend the account's only write on a request the sandbox refuses.
        token = credentials_of(channel)["token"]
        refused = httpx.post(f"{sandbox.url}/v1/posts", json={"text": ""},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert refused.status_code == 400
        before = timezone.now()
        run_dispatcher(django_capture_on_commit_callbacks)
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    variant.refresh_from_db()
    assert variant.status == VariantStatus.SCHEDULED
    assert variant.last_error_code == "rate_limited"
    assert variant.next_attempt_at is not None
    assert variant.next_attempt_at >= before + timedelta(seconds=100)
    assert sandbox_posts(sandbox, channel) == []
    # Once the wait is over it goes out.
    run_dispatcher(django_capture_on_commit_callbacks, variant.next_attempt_at)
    variant.refresh_from_db()
    assert variant.status == VariantStatus.PUBLISHED
    assert [a.outcome for a in variant.attempts.all()] == [
        AttemptOutcome.RATE_LIMITED, AttemptOutcome.PUBLISHED]


def test_expired_token_marks_the_channel_for_reconnection(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("x")
    [variant] = make_due(approved_post(team, [channel]), team)
    sandbox.admin("POST", "/admin/faults", {"expired_tokens": [channel.handle]})
    try:
        run_dispatcher(django_capture_on_commit_callbacks)
    finally:
        sandbox.admin("DELETE", "/admin/faults")
    variant.refresh_from_db()
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_REAUTH
    assert variant.status == VariantStatus.FAILED
    assert variant.last_error
    assert sandbox_posts(sandbox, channel) == []


def test_a_permanent_error_fails_with_the_message(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("x")
    [variant] = make_due(approved_post(team, [channel]), team)
    # Someone edits the row behind the services' back: the network refuses it.
    Variant.objects.filter(pk=variant.pk).update(text="x" * 400)
    run_dispatcher(django_capture_on_commit_callbacks)
    variant.refresh_from_db()
    assert variant.status == VariantStatus.FAILED
    assert "280" in variant.last_error
    assert variant.attempts.get().outcome == AttemptOutcome.FAILED


def test_pause_stops_claims_and_resume_publishes_after_confirmation(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    channel = sandbox_channel("x")
    other = sandbox_channel("bluesky")
    pause = pausing.pause_publishing(team.manager, ACTOR, reason="Crisis")
    [confirmed] = make_due(approved_post(team, [channel], text="Go"), team)
    [held] = make_due(approved_post(team, [other], text="Hold"), team)
    assert run_dispatcher(django_capture_on_commit_callbacks) == []
    assert {v.pk for v in pausing.due_during_pause(pause)} == {confirmed.pk, held.pk}
    result = pausing.resume_publishing(team.manager, ACTOR, pause, publish=[confirmed.pk])
    assert result.published == [confirmed.pk] and result.held == [held.pk]
    assert run_dispatcher(django_capture_on_commit_callbacks) == [confirmed.pk]
    confirmed.refresh_from_db()
    held.refresh_from_db()
    assert confirmed.status == VariantStatus.PUBLISHED
    assert held.status == VariantStatus.APPROVED
    assert sandbox_posts(sandbox, other) == []
    assert len(sandbox_posts(sandbox, channel)) == 1


def test_a_channel_pause_only_holds_that_channel(
    team: Team, sandbox_channel: Callable[..., Channel],
    django_capture_on_commit_callbacks: Any,
) -> None:
    paused_channel = sandbox_channel("x")
    free_channel = sandbox_channel("x")
    pausing.pause_publishing(team.manager, ACTOR, reason="Agency handover",
                             channel=paused_channel)
    make_due(approved_post(team, [paused_channel, free_channel]), team)
    queued = claim(django_capture_on_commit_callbacks)
    [(variant_id, _token)] = queued
    assert Variant.objects.get(pk=variant_id).channel_id == free_channel.pk


def test_the_dispatcher_claims_no_more_than_the_workers_can_start(
        team: Team, sandbox: Any, settings: Any, sandbox_channel: Callable[..., Channel],
        django_capture_on_commit_callbacks: Any) -> None:
    # A claim queued behind a long backlog would outlive its lease, be reconciled and
    # claimed again: the dispatcher keeps the backlog in the database instead.
    settings.SOCIALOPS_PUBLISH_MAX_IN_FLIGHT = 2
    channels = [sandbox_channel("mastodon") for _ in range(3)]
    variants = make_due(approved_post(team, channels, text="Back-pressure"), team)
    first = claim(django_capture_on_commit_callbacks)
    assert len(first) == 2
    assert claim(django_capture_on_commit_callbacks) == []
    assert dispatcher.publish(*first[0]) == AttemptOutcome.PUBLISHED
    [third] = claim(django_capture_on_commit_callbacks)
    assert third[0] not in {pk for pk, _ in first}
    assert {v.pk for v in variants} == {pk for pk, _ in first} | {third[0]}
    assert Variant.objects.filter(status=VariantStatus.UNKNOWN).count() == 0
