"""The dispatcher paces publications within each network's documented quotas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from socialops.governance.models import Channel
from socialops.publishing import dispatcher, pacing, services
from socialops.publishing.models import PublishAttempt, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team, approved_post

pytestmark = pytest.mark.django_db


def _attempts(channel: Channel, team: Team, count: int, started: timedelta) -> None:
    """Record `count` past attempts on the channel, `started` ago."""
    post = services.create_post(team.manager, ACTOR, text="Earlier",
                                targets=[(channel.pk, "feed")])
    variant = post.variants.get()
    when = timezone.now() - started
    PublishAttempt.objects.bulk_create(
        PublishAttempt(variant=variant, number=n + 1, idempotency_key=f"k{n}", started_at=when)
        for n in range(count))


def _due(team: Team, channel: Channel, count: int) -> list[Variant]:
    made = []
    for n in range(count):
        post = approved_post(team, [channel], text=f"Due {n}")
        services.schedule(team.manager, ACTOR, post, timezone.now() + timedelta(minutes=5))
        past = timezone.now() - timedelta(seconds=1)
        Variant.objects.filter(post=post).update(scheduled_at=past, next_attempt_at=past)
        made.append(post.variants.get())
    return made


def test_publish_quotas_come_from_capability_data() -> None:
    names = {q.name for q in pacing.publish_quotas("x")}
    assert names == {"post_create_15min", "post_create_3h"}
    assert {q.publish_cost for q in pacing.publish_quotas("bluesky")} == {3}
    assert pacing.publish_quotas("no-such-network") == ()


def test_a_channel_at_its_quota_is_held_until_the_window_frees_up(
    team: Team, make_channel: Callable[..., Channel],
) -> None:
    x = make_channel(team.org, network="x", owner=team.manager, backup_owner=team.publisher)
    other = make_channel(team.org, network="bluesky", owner=team.manager,
                         backup_owner=team.publisher)
    # X allows 200 posts per 15 minutes per account: 198 already in the window.
    _attempts(x, team, 198, timedelta(minutes=2))
    held = _due(team, x, 3)
    free = _due(team, other, 1)
    claimed = dispatcher.dispatch(queue=lambda pk, token: None)
    assert set(claimed) == {held[0].pk, held[1].pk, free[0].pk}
    # The two claimed are in flight: the next round sees the quota full and holds the third.
    assert dispatcher.dispatch(queue=lambda pk, token: None) == []
    last = Variant.objects.get(pk=held[2].pk)
    assert last.status == VariantStatus.SCHEDULED
    assert last.last_error_code == "rate_limit_pacing"
    assert last.next_attempt_at is not None and last.next_attempt_at > timezone.now()
    # Nothing claims it before the window frees up; then it goes.
    assert dispatcher.dispatch(queue=lambda pk, token: None) == []
    assert last.next_attempt_at is not None
    later = last.next_attempt_at + timedelta(seconds=1)
    PublishAttempt.objects.filter(variant__channel=x).update(
        started_at=timezone.now() - timedelta(minutes=20))
    # (The three claimed earlier have outlived their lease by then and are reconciled too.)
    assert last.pk in dispatcher.dispatch(later, queue=lambda pk, token: None)
