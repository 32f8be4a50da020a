"""`socialops bench ingest`: the ingest + triage pipeline against a raw batched insert.

A throw-away organization with a few channels receives N generated French and English
items (the sandbox audience's phrasebooks). Each run times the real `ingest` (triage,
threading, contacts, conversations, response clocks, escalation) over batches, then
deletes the stored messages and times a raw batched insert of the very same rows into
the same table (`bulk_create` with ON CONFLICT DO NOTHING, the statement `ingest` itself
ends with): the ceiling. Everything the bench created is deleted at the end.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction

from socialops.connectors.base import InboundItem
from socialops.connectors.sandbox import simulator
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Contact, Conversation, Message
from socialops.inbox.services.ingest import ingest
from socialops.inbox.triage import get_classifier

NETWORKS = ("instagram", "facebook", "mastodon")
POSTS_PER_CHANNEL = 12
DEFAULT_BATCH = 500
# Fields a raw insert copies from what `ingest` stored (everything but the key).
_SKIP = {"id"}


@dataclass(frozen=True)
class RunResult:
    """The timings of one run."""

    ingest_seconds: float
    raw_seconds: float
    stored: int


def generate(channels: Sequence[Channel], count: int, seed: int = 4) -> list[
        tuple[Channel, InboundItem]]:
    """Return `count` realistic FR/EN items spread over the channels, deterministic by seed."""
    rng = random.Random(seed)  # noqa: S311 - synthetic content, not security
    categories = list(simulator.CATEGORY_WEIGHTS)
    weights = [simulator.CATEGORY_WEIGHTS[c] for c in categories]
    authors = max(20, count // 4)
    start = datetime.now(UTC) - timedelta(days=1)
    comments: dict[int, list[str]] = {c.pk: [] for c in channels}
    out: list[tuple[Channel, InboundItem]] = []
    for index in range(count):
        channel = channels[index % len(channels)]
        lang = "fr" if rng.random() < 0.5 else "en"
        book = simulator.PHRASEBOOKS[lang]
        category = rng.choices(categories, weights=weights)[0]
        kinds = simulator.KIND_WEIGHTS[category]
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        if category == "urgent":
            template = rng.choice(book.URGENT[rng.choice(sorted(book.URGENT))])
        else:
            template = rng.choice(book.TEMPLATES[category])
        text = template.format(
            brand=f"@{channel.handle}" if kind == "mention" else channel.display_name,
            product=rng.choice(book.PRODUCTS), name=rng.choice(book.FIRST_NAMES),
            city=rng.choice(book.CITIES), order=f"#{rng.randint(100000, 999999)}",
            link=f"https://{rng.choice(simulator.SPAM_HOSTS)}/{rng.randrange(16**6):06x}",
            topic="",
        )
        person = rng.randrange(authors)
        handle = f"{lang}_person{person}"
        name = f"{book.FIRST_NAMES[person % len(book.FIRST_NAMES)]} " \
               f"{book.LAST_NAMES[person % len(book.LAST_NAMES)]}"
        remote_id = f"bench-{index}"
        post = f"post-{channel.pk}-{rng.randrange(POSTS_PER_CHANNEL)}"
        parent: str | None = None
        if kind == "dm":
            thread, post_id = f"dm:{handle}", None
        elif kind == "mention":
            thread, post_id = f"mention:{remote_id}", None
        else:
            earlier = comments[channel.pk]
            parent = rng.choice(earlier) if kind == "reply" and earlier else post
            thread, post_id = f"post:{post}", post
            comments[channel.pk].append(remote_id)
        out.append((channel, InboundItem(
            remote_id=remote_id, kind=kind,  # type: ignore[arg-type]
            author_handle=handle, author_name=name, text=text,
            created_at=start + timedelta(seconds=index * 86400 / max(count, 1)),
            thread_key=thread, parent_remote_id=parent, post_remote_id=post_id,
            language=lang, raw={"id": remote_id, "bench": True},
        )))
    return out


def batches(items: Sequence[tuple[Channel, InboundItem]], size: int) -> Iterator[
        tuple[Channel, list[InboundItem]]]:
    """Yield (channel, items) pages of at most `size`, as a poller would hand them over."""
    by_channel: dict[int, tuple[Channel, list[InboundItem]]] = {}
    for channel, item in items:
        by_channel.setdefault(channel.pk, (channel, []))[1].append(item)
    for channel, its in by_channel.values():
        for start in range(0, len(its), size):
            yield channel, its[start:start + size]


@contextmanager
def throwaway_organization(channels: int = len(NETWORKS)) -> Iterator[list[Channel]]:
    """Create an organization with a few channels; delete all of it (and its people) after."""
    from socialops.core.services import add_member, create_organization
    from socialops.governance.services import create_channel

    actor = Actor.system("bench")
    tag = uuid.uuid4().hex[:10]
    org = create_organization(f"Bench ingest {tag}", actor)
    try:
        owner = add_member(org, f"owner-{tag}@bench.invalid", "manager", actor)
        backup = add_member(org, f"backup-{tag}@bench.invalid", "publisher", actor)
        yield [
            create_channel(org, actor, network=NETWORKS[i % len(NETWORKS)],
                           handle=f"bench{tag}{i}", display_name=f"Bench {i}",
                           owner=owner, backup_owner=backup)
            for i in range(channels)
        ]
    finally:
        delete_organization(org)


def delete_organization(org: Organization) -> None:
    """Delete a throw-away organization, its audit chain and the accounts made for it."""
    users = list(org.members.values_list("user_id", flat=True))
    with transaction.atomic():
        clear_inbox(org)
        # The chain protects real organizations; this one exists only for the bench.
        AuditEvent.objects.filter(organization=org).delete()
        # Channels protect their owners; they go first.
        Channel.objects.filter(organization=org).delete()
        org.delete()
        get_user_model().objects.filter(pk__in=users, memberships__isnull=True).delete()


def clear_inbox(org: Organization) -> None:
    """Delete every message, conversation and contact of the organization."""
    Message.objects.filter(conversation__organization=org).delete()
    Conversation.objects.filter(organization=org).delete()
    Contact.objects.filter(organization=org).delete()


def _time_ingest(items: Sequence[tuple[Channel, InboundItem]], size: int) -> float:
    started = time.perf_counter()
    for channel, page in batches(items, size):
        ingest(channel, page)
    return time.perf_counter() - started


def _time_raw(rows: list[dict[str, Any]], size: int) -> float:
    started = time.perf_counter()
    for start in range(0, len(rows), size):
        with transaction.atomic():
            Message.objects.bulk_create(
                [Message(**row) for row in rows[start:start + size]],
                ignore_conflicts=True, batch_size=size,
            )
    return time.perf_counter() - started


def run_once(org: Organization, items: Sequence[tuple[Channel, InboundItem]],
             size: int) -> RunResult:
    """Time ingest, then a raw insert of the same rows; leave the inbox empty."""
    clear_inbox(org)
    ingest_seconds = _time_ingest(items, size)
    stored = Message.objects.filter(conversation__organization=org)
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname not in _SKIP]
    rows = list(stored.order_by("pk").values(*fields))
    stored.delete()
    raw_seconds = _time_raw(rows, size)
    count = Message.objects.filter(conversation__organization=org).count()
    clear_inbox(org)
    return RunResult(ingest_seconds, raw_seconds, count)


def bench_ingest(count: int, *, runs: int = 3, size: int = DEFAULT_BATCH,
                 report: Any = None) -> dict[str, Any]:
    """Run the benchmark `runs` times in this process; return the medians."""
    # Load the language model and lexicons before the clock starts.
    get_classifier().classify(["Warming up the classifier, thanks!", "Bonjour, merci !"])
    results: list[RunResult] = []
    from socialops.inbox import tasks

    # The urgent e-mail job runs in a worker, off the ingest path: not queued here.
    with throwaway_organization() as channels, \
            mock.patch.object(tasks.email_urgent_notices, "delay"):
        org = channels[0].organization
        items = generate(channels, count)
        for number in range(runs):
            result = run_once(org, items, size)
            results.append(result)
            if report is not None:
                report(number + 1, result)
    ingest_rate = statistics.median(count / r.ingest_seconds for r in results)
    raw_rate = statistics.median(count / r.raw_seconds for r in results)
    return {
        "messages": count,
        "ingest_per_s": round(ingest_rate, 1),
        "raw_upsert_per_s": round(raw_rate, 1),
        "ratio": round(ingest_rate / raw_rate, 3),
    }
