"""Collect the mentions of each query: network search or the inbox's own mentions.

- Scope "network": for each network the query covers whose connector can search, one
  active channel of the organization on that network runs the search (the network
  needs an account's token), once per search term (`query.search_terms`); the full
  query then filters what came back.
- Scope "channels": the mentions the inbox already ingested for the organization's
  channels are matched (the inbox poller fetched them; nothing is fetched twice).

Mentions are triaged with the inbox's classifier, stored once per (query, network,
remote id), counted into the query's buckets, and the detector runs afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from socialops.connectors.base import InboundItem
from socialops.connectors.capabilities import Feature
from socialops.connectors.errors import ConnectorError
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.inbox.models import Direction, Kind, Message
from socialops.inbox.triage import get_classifier
from socialops.listening.models import ListeningQuery, Mention, Scope
from socialops.listening.query import Node, matches, parse, search_terms
from socialops.listening.series import refresh_buckets

log = logging.getLogger(__name__)
PAGE_SIZE = 100
MAX_PAGES = 5
# Search answers newest first; re-read a little before the last item seen, since
# items can arrive slightly out of order.
OVERLAP = timedelta(minutes=10)
INBOX_BATCH = 2000


@dataclass(frozen=True)
class Candidate:
    """A public message that may match a query."""

    network: str
    remote_id: str
    text: str
    author_handle: str
    author_name: str
    created_at: datetime
    url: str = ""
    channel_id: int | None = None
    conversation_id: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class CollectOutcome:
    """What one collection of a query did."""

    fetched: int
    stored: int
    errors: tuple[str, ...] = ()


def _search_channels(query: ListeningQuery) -> dict[str, Channel]:
    """Return one active channel per searchable network (search space) the query covers."""
    channels = Channel.objects.filter(organization_id=query.organization_id,
                                      status=ChannelStatus.ACTIVE).order_by("pk")
    if query.networks:
        channels = channels.filter(network__in=query.networks)
    chosen: dict[str, Channel] = {}
    for channel in channels:
        # Sandbox accounts of every emulated network share one post store and one search:
        # searching through each of them would store every post once per network.
        space = "sandbox" if channel.transport == Transport.SANDBOX else channel.network
        if space in chosen:
            continue
        try:
            connector = connector_for(channel)
        except ConnectorError:
            continue
        if connector.capabilities.supports(Feature.SEARCH):
            chosen[space] = channel
    return chosen


def _from_item(channel: Channel, item: InboundItem) -> Candidate:
    url = str(item.raw.get("url", "")) if isinstance(item.raw, dict) else ""
    return Candidate(network=channel.network, remote_id=item.remote_id, text=item.text,
                     author_handle=item.author_handle, author_name=item.author_name,
                     created_at=item.created_at, url=url[:500], language=item.language)


def search_network(query: ListeningQuery, node: Node) -> tuple[list[Candidate], list[str]]:
    """Search every covered network for the query's terms; return candidates and errors."""
    since = (query.collected_until - OVERLAP) if query.collected_until else None
    found: dict[tuple[str, str], Candidate] = {}
    errors: list[str] = []
    for channel in _search_channels(query).values():
        network = channel.network
        connector = connector_for(channel)
        for term in search_terms(node):
            cursor: str | None = None
            try:
                for _page in range(MAX_PAGES):
                    page = connector.search(term, cursor, PAGE_SIZE)
                    for item in page.items:
                        found.setdefault((network, item.remote_id), _from_item(channel, item))
                    oldest = min((i.created_at for i in page.items), default=None)
                    if (not page.items or not page.cursor or page.cursor == cursor
                            or since is None or (oldest is not None and oldest < since)):
                        break
                    cursor = page.cursor
            except ConnectorError as exc:
                log.warning("listening search on %s failed: %s", network, exc)
                errors.append(f"{network}: {exc}"[:200])
    return list(found.values()), errors


def inbox_mentions(query: ListeningQuery) -> tuple[list[Candidate], int]:
    """Return the inbox mentions ingested since the query's cursor, and the new cursor."""
    rows = Message.objects.filter(
        pk__gt=query.inbox_cursor, channel__organization_id=query.organization_id,
        conversation__kind=Kind.MENTION, direction=Direction.IN,
    ).select_related("channel").order_by("pk")
    if query.networks:
        rows = rows.filter(channel__network__in=query.networks)
    batch = list(rows[:INBOX_BATCH])
    candidates = [
        Candidate(network=m.channel.network, remote_id=m.remote_id, text=m.text,
                  author_handle=m.author_handle, author_name=m.author_name,
                  created_at=m.created_at, url=m.url, channel_id=m.channel_id,
                  conversation_id=m.conversation_id, language=m.language)
        for m in batch if m.remote_id
    ]
    return candidates, batch[-1].pk if batch else query.inbox_cursor


def _link_conversations(query: ListeningQuery, candidates: list[Candidate]) -> dict[str, int]:
    """Return the inbox conversation of each candidate the inbox also holds (by remote id)."""
    ids = [c.remote_id for c in candidates if c.conversation_id is None]
    if not ids:
        return {}
    return {
        f"{network}:{remote_id}": conversation_id
        for network, remote_id, conversation_id in Message.objects.filter(
            channel__organization_id=query.organization_id, remote_id__in=ids,
        ).values_list("channel__network", "remote_id", "conversation_id")
    }


def store(query: ListeningQuery, node: Node, candidates: Sequence[Candidate]) -> list[Mention]:
    """Filter candidates through the query, triage the new ones and store them."""
    wanted = [c for c in candidates if matches(node, c.text)]
    known = set(Mention.objects.filter(
        query=query, remote_id__in=[c.remote_id for c in wanted],
    ).values_list("network", "remote_id"))
    fresh = [c for c in wanted if (c.network, c.remote_id) not in known]
    if not fresh:
        return []
    triage = get_classifier().classify([c.text for c in fresh], [c.language for c in fresh])
    links = _link_conversations(query, fresh)
    mentions = []
    for candidate, result in zip(fresh, triage, strict=True):
        if query.languages and result.language not in query.languages:
            continue
        mentions.append(Mention(
            organization_id=query.organization_id, query=query, network=candidate.network,
            remote_id=candidate.remote_id[:200], channel_id=candidate.channel_id,
            conversation_id=candidate.conversation_id
            or links.get(f"{candidate.network}:{candidate.remote_id}"),
            author_handle=candidate.author_handle[:200],
            author_name=candidate.author_name[:200], text=candidate.text,
            url=candidate.url, created_at=candidate.created_at, language=result.language,
            sentiment=result.sentiment, sentiment_score=result.sentiment_score,
            urgent=result.urgent, spam=result.spam,
        ))
    Mention.objects.bulk_create(mentions, ignore_conflicts=True)
    return mentions


def collect(query: ListeningQuery) -> CollectOutcome:
    """Fetch, match, triage and store a query's new mentions, then refresh its series."""
    node = parse(query.expression)
    errors: list[str] = []
    cursor = query.inbox_cursor
    if query.scope == Scope.NETWORK:
        candidates, errors = search_network(query, node)
    else:
        candidates, cursor = inbox_mentions(query)
    with transaction.atomic():
        stored = store(query, node, candidates)
        refresh_buckets(query, [m.created_at for m in stored])
        newest = max((c.created_at for c in candidates), default=None)
        if newest is not None and (query.collected_until is None
                                   or newest > query.collected_until):
            query.collected_until = newest
        query.inbox_cursor = cursor
        query.last_collected_at = timezone.now()
        query.last_error = "; ".join(errors)[:500]
        query.save(update_fields=["collected_until", "inbox_cursor", "last_collected_at",
                                  "last_error"])
    return CollectOutcome(fetched=len(candidates), stored=len(stored), errors=tuple(errors))
