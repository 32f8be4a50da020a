"""`socialops bench inbox`: server time of the inbox pages over a large inbox.

A throw-away organization with 30 channels is filled with N messages (three per
conversation on average, a fifth of the conversations still open, texts from the
sandbox audience's French and English phrasebooks) by batched inserts — the full-text
index is kept by the database as for any message. Then the real inbox view is asked,
in this process through Django's test client (middleware, permission checks,
template), for the default queue, a filtered queue (channel + language + sentiment)
and searches; each is timed over `samples` requests after warm-up. Everything the
bench created is deleted at the end.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.test import Client

from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.inbox.bench import generate, throwaway_organization
from socialops.inbox.models import Contact, Conversation, Message, Sentiment, Status

CHANNELS = 30
CONTACTS = 50_000
CHUNK = 20_000
SEARCH_WORDS = ("commande", "livraison", "remboursement", "order", "delivery", "refund",
                "merci", "thanks", "colis", "help")
SENTIMENTS = (Sentiment.POSITIVE, Sentiment.NEUTRAL, Sentiment.NEGATIVE)


def _contacts(org_id: int, channels: Sequence[Channel], count: int) -> list[int]:
    now = datetime.now(UTC)
    rows = [Contact(organization_id=org_id, network=channels[i % len(channels)].network,
                    remote_handle=f"bench_fan{i}", display_name=f"Fan {i}",
                    first_seen_at=now, last_seen_at=now) for i in range(count)]
    Contact.objects.bulk_create(rows, batch_size=5000)
    return list(Contact.objects.filter(organization_id=org_id).values_list("pk", flat=True))


def _fill_chunk(org_id: int, channels: Sequence[Channel], contacts: list[int], start: int,
                count: int, rng: random.Random) -> None:
    items = generate(channels, count, seed=start)
    now = datetime.now(UTC)
    conversations: list[Conversation] = []
    sizes: list[int] = []
    left = count
    while left > 0:
        size = min(left, rng.choice((1, 2, 3, 3, 4, 5)))
        index = start + len(conversations)
        channel = channels[index % len(channels)]
        moment = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
        language = rng.choice(("fr", "en"))
        conversations.append(Conversation(
            organization_id=org_id, channel=channel, kind=rng.choice(("comment", "dm",
                                                                       "mention")),
            thread_key=f"bench:{start}:{len(conversations)}",
            contact_id=rng.choice(contacts),
            status=Status.OPEN if rng.random() < 0.2 else Status.CLOSED,
            language=language, sentiment=rng.choice(SENTIMENTS),
            urgent=rng.random() < 0.01, excerpt="", message_count=size,
            first_inbound_at=moment, last_inbound_at=moment))
        sizes.append(size)
        left -= size
    with transaction.atomic():
        Conversation.objects.bulk_create(conversations, batch_size=2000)
        messages: list[Message] = []
        cursor = 0
        for conversation, size in zip(conversations, sizes, strict=True):
            for offset in range(size):
                _channel, item = items[cursor]
                cursor += 1
                messages.append(Message(
                    conversation=conversation, channel_id=conversation.channel_id,
                    remote_id=f"bench-{start + cursor}", author_handle=item.author_handle,
                    author_name=item.author_name, text=item.text,
                    created_at=conversation.first_inbound_at + timedelta(minutes=offset),
                    language=item.language or "unknown"))
            conversation.excerpt = messages[-1].text[:280]
        Message.objects.bulk_create(messages, batch_size=2000)
        Conversation.objects.bulk_update(conversations, ["excerpt"], batch_size=2000)


def fill(org_id: int, channels: Sequence[Channel], messages: int,
         report: Callable[[str], None]) -> None:
    """Insert `messages` messages in conversations of the organization."""
    rng = random.Random(7)  # noqa: S311 - synthetic data
    contacts = _contacts(org_id, channels, min(CONTACTS, max(10, messages // 10)))
    for start in range(0, messages, CHUNK):
        _fill_chunk(org_id, channels, contacts, start, min(CHUNK, messages - start), rng)
        report(f"{min(start + CHUNK, messages)} messages")


def _timed(client: Client, urls: list[str], samples: int) -> list[float]:
    for url in urls[:3]:  # warm-up: templates compiled, caches filled
        client.get(url, HTTP_HOST="127.0.0.1")
    times = []
    for n in range(samples):
        url = urls[n % len(urls)]
        started = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return times


def _p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1], 1) if len(values) > 1 else values[0]


def bench_inbox(messages: int, *, samples: int = 40,
                report: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill a throw-away inbox with `messages` messages and time its pages."""
    with throwaway_organization(CHANNELS) as channels:
        org_id = channels[0].organization_id
        started = time.perf_counter()
        fill(org_id, channels, messages, report)
        fill_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # A bulk load leaves the planner's statistics stale until autovacuum analyzes
            # the tables (within a minute in production): do it now, as it would.
            with connection.cursor() as cursor:
                for model in (Message, Conversation, Contact):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        member = Member.objects.select_related("user").filter(
            organization_id=org_id, role="manager").first()
        assert member is not None
        client = Client()
        client.force_login(member.user)
        queues = {
            "list": ["/inbox/"],
            "filter": [f"/inbox/?channel={c.pk}&language=fr&sentiment=negative"
                       for c in channels[:10]],
            "search": [f"/inbox/?q={word}" for word in SEARCH_WORDS],
        }
        timings = {name: _timed(client, urls, samples) for name, urls in queues.items()}
        conversations = Conversation.objects.filter(organization_id=org_id).count()
        result: dict[str, Any] = {"messages": messages, "conversations": conversations,
                                  "fill_s": round(fill_seconds, 1)}
        for name, values in timings.items():
            result[f"{name}_p50_ms"] = round(statistics.median(values), 1)
            result[f"{name}_p95_ms"] = _p95(values)
        report(json.dumps(result))
        empty_inbox(org_id)
    return result


def empty_inbox(org_id: int) -> None:
    """Delete the bench's messages, conversations and contacts with set-based statements.

    A million rows are too many for the ORM's delete, which loads them to cascade.
    """
    tables = {model: model._meta.db_table for model in (Message, Conversation, Contact)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {tables[Message]} WHERE conversation_id IN "  # noqa: S608
            f"(SELECT id FROM {tables[Conversation]} WHERE organization_id = %s)", [org_id])
    # What is left (conversations and their few related rows, contacts) goes through the
    # ORM, in slices, so that cascades stay correct.
    while True:
        ids = list(Conversation.objects.filter(organization_id=org_id)
                   .values_list("pk", flat=True)[:5000])
        if not ids:
            break
        Conversation.objects.filter(pk__in=ids).delete()
    while True:
        ids = list(Contact.objects.filter(organization_id=org_id)
                   .values_list("pk", flat=True)[:5000])
        if not ids:
            break
        Contact.objects.filter(pk__in=ids).delete()
