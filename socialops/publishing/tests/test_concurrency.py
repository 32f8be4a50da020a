"""Two dispatchers at once, in real transactions (run it on PostgreSQL too)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from socialops.governance.models import Channel
from socialops.publishing import dispatcher
from socialops.publishing.models import Variant, VariantStatus
from socialops.publishing.tests.conftest import Team, approved_post, make_due
from socialops.publishing.tests.test_dispatcher import sandbox_posts

POSTS = 12


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_in_threads_publish_each_variant_once(
    team: Team, sandbox: Any, sandbox_channel: Callable[..., Channel],
) -> None:
    channel = sandbox_channel("x")  # no idempotency key: a double claim would double post
    for i in range(POSTS):
        make_due(approved_post(team, [channel], text=f"Concurrent {i}"), team)
    queued: list[tuple[int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            for _round in range(3):
                def collect(pk: int, token: str) -> None:
                    with lock:
                        queued.append((pk, token))
                dispatcher.dispatch(queue=collect)
        except BaseException as exc:  # reported below, a thread cannot fail the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(pk for pk, _token in queued) == sorted(
        Variant.objects.values_list("pk", flat=True))
    # Every message delivered twice, from two workers at once.
    def deliver(job: tuple[int, str]) -> None:
        try:
            dispatcher.publish(*job)
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver, args=(job,)) for job in queued + queued]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert set(Variant.objects.values_list("status", flat=True)) == {VariantStatus.PUBLISHED}
    texts = sorted(p["text"] for p in sandbox_posts(sandbox, channel))
    assert texts == sorted(f"Concurrent {i}" for i in range(POSTS))
