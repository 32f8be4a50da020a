"""The reliability view: share on time, delay percentiles, failures by reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.governance.models import Channel
from socialops.publishing import reliability, services
from socialops.publishing.models import AttemptOutcome, PublishAttempt, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


def test_percentile_uses_the_nearest_rank() -> None:
    assert reliability.percentile([], 0.5) is None
    assert reliability.percentile([5.0], 0.95) == 5.0
    values = [float(n) for n in range(1, 101)]
    assert reliability.percentile(values, 0.5) == 50.0
    assert reliability.percentile(values, 0.95) == 95.0


def test_report_counts_on_time_delays_and_failure_reasons(
    client: Client, team: Team, make_channel: Callable[..., Channel],
) -> None:
    x = make_channel(team.org, network="x", owner=team.manager, backup_owner=team.publisher)
    bsky = make_channel(team.org, network="bluesky", owner=team.manager,
                        backup_owner=team.publisher)
    now = timezone.now()
    due = now - timedelta(days=1)
    outcomes = [(x, VariantStatus.PUBLISHED, 10), (x, VariantStatus.PUBLISHED, 300),
                (bsky, VariantStatus.PUBLISHED, 0), (bsky, VariantStatus.FAILED, None)]
    for n, (channel, status, delay) in enumerate(outcomes):
        post = services.create_post(team.manager, ACTOR, text=f"Post {n}",
                                    targets=[(channel.pk, "feed")])
        variant = post.variants.get()
        Variant.objects.filter(pk=variant.pk).update(
            status=status, scheduled_at=due,
            published_at=due + timedelta(seconds=delay) if delay is not None else None)
        if status == VariantStatus.FAILED:
            PublishAttempt.objects.create(variant=variant, number=1, idempotency_key="k",
                                          started_at=due, outcome=AttemptOutcome.FAILED,
                                          error_code="media_rejected")
    # Outside the period: not counted.
    old = services.create_post(team.manager, ACTOR, text="Old", targets=[(x.pk, "feed")])
    Variant.objects.filter(post=old).update(status=VariantStatus.PUBLISHED,
                                            scheduled_at=now - timedelta(days=40),
                                            published_at=now - timedelta(days=40))

    result = reliability.report(team.manager, days=30, now=now)
    assert (result.overall.due, result.overall.published, result.overall.on_time,
            result.overall.failed) == (4, 3, 2, 1)
    assert result.overall.p50_s == 10.0 and result.overall.p95_s == 300.0
    by_label = {r.label.split(" · ")[0]: r for r in result.channels}
    assert by_label[x.display_name].on_time_share == 0.5
    assert by_label[bsky.display_name].failed == 1
    assert result.failures == [(AttemptOutcome.FAILED, "media_rejected", 1)]

    client.force_login(team.approver.user)
    page = client.get(reverse("publishing:reliability") + "?days=30").content.decode()
    assert "media_rejected" in page and "50 %" in page
