"""Claim due variants exactly once and publish them (docs/adr/0002).

The database says what is due; a broker message only says "look at variant N with
claim token T". `dispatch` claims rows with a conditional UPDATE and queues one
`publish_variant` per claimed row after commit. `publish` takes over the claim with a
second conditional UPDATE (so a duplicate delivery changes nothing and stops), writes a
PublishAttempt, commits, and only then calls the network. An outcome that may have gone
through is reconciled with `Connector.find_published` before anything is sent again.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from socialops.connectors import registry
from socialops.connectors.base import Connector, MediaRef, PublishRequest, PublishResult
from socialops.connectors.errors import (
    AuthExpiredError,
    ConnectorError,
    RateLimitedError,
    RetryableError,
    UnknownOutcomeError,
)
from socialops.connectors.http import HttpClient
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.governance.services import record_activity, record_sync
from socialops.publishing import pacing, public_media
from socialops.publishing.media import media_refs_data, media_renditions
from socialops.publishing.models import AttemptOutcome, PublishAttempt, Variant, VariantStatus
from socialops.publishing.pausing import blocking_pause

log = logging.getLogger(__name__)

CLAIMABLE = (VariantStatus.SCHEDULED, VariantStatus.UNKNOWN)
ACTOR = Actor.system("dispatcher")


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def lease() -> timedelta:
    """Return how long a claim protects a variant; longer than any network call lasts."""
    return timedelta(seconds=_setting("SOCIALOPS_PUBLISH_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return int(_setting("SOCIALOPS_PUBLISH_MAX_ATTEMPTS", 5))


def batch_size() -> int:
    return int(_setting("SOCIALOPS_PUBLISH_BATCH", 500))


def max_in_flight() -> int:
    """Return how many variants may be claimed but not finished at once (back-pressure)."""
    return int(_setting("SOCIALOPS_PUBLISH_MAX_IN_FLIGHT", 200))


def retry_delay(attempt: int) -> timedelta:
    """Return the back-off after a retryable failure: 30 s, 60 s, 120 s... capped at 30 min."""
    base = _setting("SOCIALOPS_PUBLISH_RETRY_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** max(0, attempt - 1), 1800))


def reconcile_delay() -> timedelta:
    """Return how long to wait before asking the network what an unknown outcome became."""
    return timedelta(seconds=_setting("SOCIALOPS_PUBLISH_RECONCILE_SECONDS", 5))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# Claiming


def expire_leases(now: datetime) -> int:
    """Turn variants stuck in `publishing` past their lease into `unknown` (reconcile next)."""
    return Variant.objects.filter(
        status=VariantStatus.PUBLISHING, lease_expires_at__lt=now
    ).update(
        status=VariantStatus.UNKNOWN, claim_token="", next_attempt_at=now,
        last_error="The worker stopped while publishing; checking the network before retrying.",
        last_error_code="lease_expired", updated_at=now,
    )


def _due(now: datetime) -> Any:
    return Variant.objects.filter(status__in=CLAIMABLE, next_attempt_at__lte=now).exclude(
        blocking_pause())


def claim_due(now: datetime, limit: int | None = None) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due variants under one new token; return the token and ids.

    Runs inside the caller's transaction. The candidate SELECT skips rows another
    dispatcher holds (PostgreSQL); the conditional UPDATE is what guarantees one claim.
    """
    token = uuid.uuid4().hex
    candidates = _due(now).order_by("next_attempt_at", "pk").values_list(
        "pk", "channel_id", "status")
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True, of=("self",))
    ids = _within_quotas(list(candidates[: limit or batch_size()]), now)
    if not ids:
        return token, []
    _due(now).filter(pk__in=ids).update(
        status=VariantStatus.PUBLISHING, claim_token=token, claimed_by=worker_name(),
        claimed_at=now, lease_expires_at=now + lease(), updated_at=now,
    )
    claimed = list(Variant.objects.filter(pk__in=ids, claim_token=token).values_list(
        "pk", flat=True))
    return token, claimed


def _within_quotas(candidates: list[tuple[int, int, str]], now: datetime) -> list[int]:
    """Keep the candidates their channels' publishing quotas allow; defer the others.

    A reconciliation (outcome unknown) only reads the network, so it is never held back.
    Variants of a channel with no room wait until its quota frees up, out of the way of
    the other channels' due rows.
    """
    channels = Channel.objects.filter(pk__in={c for _pk, c, _status in candidates})
    rooms = pacing.room_for(channels, now)
    kept: list[int] = []
    taken: dict[int, int] = {}
    held: dict[datetime, list[int]] = {}
    for pk, channel_id, status in candidates:
        room = rooms.get(channel_id)
        if status == VariantStatus.UNKNOWN or room is None or room.allowed is None:
            kept.append(pk)
        elif taken.get(channel_id, 0) < room.allowed:
            taken[channel_id] = taken.get(channel_id, 0) + 1
            kept.append(pk)
        elif room.retry_at is not None:
            held.setdefault(room.retry_at, []).append(pk)
    for retry_at, pks in held.items():
        Variant.objects.filter(pk__in=pks, status=VariantStatus.SCHEDULED).update(
            next_attempt_at=retry_at, last_error_code="rate_limit_pacing", updated_at=now,
            last_error="Held back to stay within the network's publishing quota.")
    return kept


def dispatch(now: datetime | None = None, *,
             queue: Callable[[int, str], Any] | None = None) -> list[int]:
    """Expire stale leases, claim what is due and queue one publication per claimed row."""
    now = now or timezone.now()
    if queue is None:
        from socialops.publishing.tasks import publish_variant

        queue = publish_variant.delay
    with transaction.atomic():
        expire_leases(now)
        # Claim no more than the workers can start within the lease: a claim waiting in
        # a long queue would expire, be reconciled and claimed again, and its stale
        # messages would crowd out the live ones (seen at 10,000 posts in `bench publish`).
        room = max_in_flight() - Variant.objects.filter(status=VariantStatus.PUBLISHING).count()
        if room <= 0:
            return []
        token, claimed = claim_due(now, min(room, batch_size()))
        for variant_id in claimed:
            transaction.on_commit(functools.partial(queue, variant_id, token))
    return claimed


# Publishing one variant


@dataclass
class Job:
    variant: Variant
    attempt: PublishAttempt
    token: str
    reconcile: bool


def _take_over(variant_id: int, claim_token: str) -> Job | None:
    """Swap the dispatcher's token for our own and write the attempt; None if not ours."""
    now = timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        taken = Variant.objects.filter(
            pk=variant_id, status=VariantStatus.PUBLISHING, claim_token=claim_token
        ).update(claim_token=token, claimed_by=worker_name(), lease_expires_at=now + lease())
        if taken != 1:
            return None
        variant = Variant.objects.select_related("channel", "post", "organization").get(
            pk=variant_id)
        attempts = PublishAttempt.objects.filter(variant=variant)
        # An attempt that never finished died with its worker: its outcome is unknown.
        attempts.filter(outcome=AttemptOutcome.PENDING).update(
            outcome=AttemptOutcome.UNKNOWN, finished_at=now,
            error="The worker stopped before the network answered.")
        reconcile = attempts.filter(outcome=AttemptOutcome.UNKNOWN).exists()
        variant.attempt_count += 1
        Variant.objects.filter(pk=variant.pk).update(attempt_count=variant.attempt_count)
        attempt = PublishAttempt.objects.create(
            variant=variant, number=variant.attempt_count,
            idempotency_key=variant.idempotency_key, worker=worker_name(), started_at=now)
    return Job(variant=variant, attempt=attempt, token=token, reconcile=reconcile)


def _connector(channel: Channel) -> Connector:
    client = HttpClient(
        read_timeout=_setting("SOCIALOPS_PUBLISH_READ_TIMEOUT", 20.0),
        allow_private=channel.transport == Transport.SANDBOX,
    )
    return connector_for(channel, http=client)


def _media(variant: Variant) -> list[MediaRef]:
    channel = variant.channel
    if (channel.transport == Transport.NETWORK
            and registry.capabilities_for(channel.network).media_by_url):
        # The network downloads the renditions itself: give it signed public links (or
        # the bytes when no public address is configured: the connector then says so).
        refs = []
        for rendition in media_renditions(variant):
            url = public_media.public_url(rendition.pk)
            refs.append(MediaRef(mime=rendition.mime, url=url, alt_text=rendition.asset.alt_text)
                        if url else MediaRef(mime=rendition.mime, data=b"",
                                             alt_text=rendition.asset.alt_text))
        return refs
    return [MediaRef(mime=rendition.mime, data=data, alt_text=rendition.asset.alt_text)
            for rendition, data in media_refs_data(variant)]


def _request(variant: Variant) -> PublishRequest:
    media = _media(variant)
    return PublishRequest(
        text=variant.text, placement=variant.placement,
        idempotency_key=variant.idempotency_key, link=variant.post.link or None, media=media,
    )


def publish(variant_id: int, claim_token: str) -> str:
    """Publish a claimed variant once; return what happened (for logs and tests)."""
    job = _take_over(variant_id, claim_token)
    if job is None:
        return "not-claimed"
    channel = job.variant.channel
    if channel.status != ChannelStatus.ACTIVE:
        return _fail(job, AttemptOutcome.AUTH_EXPIRED, "channel_inactive",
                     "The channel needs reconnection; reconnect it, then schedule again.")
    try:
        connector = _connector(channel)
        if job.reconcile:
            found = _reconcile(job, connector)
            if found is not None:
                return _published(job, found, AttemptOutcome.RECONCILED)
            if found is None and job.attempt.outcome == AttemptOutcome.UNKNOWN:
                return "unknown"
        result = connector.publish(_request(job.variant))
    except RateLimitedError as exc:
        return _retry(job, exc, AttemptOutcome.RATE_LIMITED,
                      timedelta(seconds=max(exc.retry_after, 1.0)))
    except RetryableError as exc:
        return _retry(job, exc, AttemptOutcome.RETRY, retry_delay(job.attempt.number))
    except AuthExpiredError as exc:
        record_sync(channel, followers=None, error=str(exc), status=ChannelStatus.NEEDS_REAUTH)
        return _fail(job, AttemptOutcome.AUTH_EXPIRED, exc.code or "auth_expired", str(exc))
    except UnknownOutcomeError as exc:
        return _unknown(job, exc)
    except ConnectorError as exc:
        return _fail(job, AttemptOutcome.FAILED, exc.code or "rejected", str(exc))
    outcome = _published(job, result, AttemptOutcome.PUBLISHED)
    _first_comment(job, connector, result)
    return outcome


def _reconcile(job: Job, connector: Connector) -> PublishResult | None:
    """Ask the network whether an earlier try went through; mark the attempt unknown on error."""
    try:
        # The content (without media bytes) lets networks with no idempotency key match
        # the post even when another worker process sent it.
        variant = job.variant
        sent = PublishRequest(text=variant.text, placement=variant.placement,
                              idempotency_key=variant.idempotency_key,
                              link=variant.post.link or None)
        return connector.find_published(variant.idempotency_key, sent)
    except AuthExpiredError:
        raise
    except ConnectorError as exc:
        # Still unknown: never send again before the network has answered this question.
        _unknown(job, exc)
        job.attempt.outcome = AttemptOutcome.UNKNOWN
        return None


def _finish_attempt(job: Job, outcome: str, *, error: str = "", code: str = "",
                    remote_id: str = "") -> None:
    PublishAttempt.objects.filter(pk=job.attempt.pk).update(
        outcome=outcome, finished_at=timezone.now(), error=error[:1000], error_code=code[:40],
        remote_id=remote_id)


def _update_variant(job: Job, **fields: Any) -> bool:
    """Write the outcome if we still hold the claim (a lost lease leaves it to reconciling)."""
    changed = Variant.objects.filter(
        pk=job.variant.pk, status=VariantStatus.PUBLISHING, claim_token=job.token
    ).update(claim_token="", lease_expires_at=None, updated_at=timezone.now(), **fields)
    if changed != 1:
        log.warning("variant %s: lease lost before the outcome was written", job.variant.pk)
    return changed == 1


def _audit(job: Job, action: str, after: dict[str, Any]) -> None:
    audit.record(job.variant.organization, ACTOR, action, job.variant,
                 after={"attempt": job.attempt.number, **after})


def _published(job: Job, result: PublishResult, outcome: str) -> str:
    with transaction.atomic():
        _finish_attempt(job, outcome, remote_id=result.remote_id)
        if _update_variant(job, status=VariantStatus.PUBLISHED, remote_id=result.remote_id,
                           remote_url=result.url, published_at=result.published_at,
                           next_attempt_at=None, last_error="", last_error_code=""):
            _audit(job, "variant.published", {"remote_id": result.remote_id,
                                              "url": result.url, "outcome": outcome})
    record_activity(job.variant.channel_id, published=True)
    return outcome


def _retry(job: Job, exc: ConnectorError, outcome: str, delay: timedelta) -> str:
    if job.attempt.number >= max_attempts():
        return _fail(job, outcome, exc.code or "retries_exhausted",
                     f"Gave up after {job.attempt.number} attempts: {exc}")
    with transaction.atomic():
        _finish_attempt(job, outcome, error=str(exc), code=exc.code or "")
        _update_variant(job, status=VariantStatus.SCHEDULED,
                        next_attempt_at=timezone.now() + delay,
                        last_error=str(exc)[:1000], last_error_code=(exc.code or "")[:40])
    return outcome


def _unknown(job: Job, exc: ConnectorError) -> str:
    final = job.attempt.number >= max_attempts()
    with transaction.atomic():
        _finish_attempt(job, AttemptOutcome.UNKNOWN, error=str(exc), code=exc.code or "")
        next_at = None if final else timezone.now() + reconcile_delay()
        if _update_variant(job, status=VariantStatus.UNKNOWN, next_attempt_at=next_at,
                           last_error=str(exc)[:1000],
                           last_error_code=(exc.code or "unknown_outcome")[:40]) and final:
            _audit(job, "variant.unknown", {"error": str(exc)})
    return AttemptOutcome.UNKNOWN


def _fail(job: Job, outcome: str, code: str, message: str) -> str:
    with transaction.atomic():
        _finish_attempt(job, outcome, error=message, code=code)
        if _update_variant(job, status=VariantStatus.FAILED, next_attempt_at=None,
                           last_error=message[:1000], last_error_code=code[:40]):
            _audit(job, "variant.failed", {"code": code, "error": message})
    return AttemptOutcome.FAILED if outcome != AttemptOutcome.AUTH_EXPIRED else outcome


def _first_comment(job: Job, connector: Connector, result: PublishResult) -> None:
    """Post the first comment under a published variant; a failure only leaves a note."""
    text = job.variant.first_comment.strip()
    if not text:
        return
    try:
        connector.reply(result.remote_id, text, f"{job.variant.idempotency_key}:comment")
    except ConnectorError as exc:
        Variant.objects.filter(pk=job.variant.pk).update(
            last_error=f"The first comment could not be posted: {exc}"[:1000],
            last_error_code="first_comment")
