"""Receive the notifications networks push (Meta's webhooks) and ingest them at once.

`POST /hooks/<network>/` takes a signed notification; `GET` answers the subscription
handshake. A network plugs in with a module `socialops.connectors.<network>.webhook`:

- `SECRET_SETTING`, `VERIFY_TOKEN_SETTING`, `SIGNATURE_HEADER`: where its secrets live;
- `verify_signature(body, header, secret) -> bool`;
- `parse(payload) -> [(channel remote id, InboundItem)]`;
- optionally `NETWORKS` (the channel networks its remote ids belong to, default the
  URL's network) and `follow_ups(payload) -> [(channel remote id, read(connector))]`
  for events that carry ids only.

The view answers quickly and never 5xx on a notification it understood: networks retry
anything but a 2xx, and polling remains the safety net. The signature is checked before
anything is read; a notification for an account no organization connects is ignored.
"""

from __future__ import annotations

import hmac
import importlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from socialops.connectors import registry
from socialops.connectors.base import InboundItem
from socialops.connectors.errors import ConnectorError
from socialops.connectors.http import HttpClient
from socialops.governance.connections import connector_for
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.inbox.services.ingest import ingest

log = logging.getLogger(__name__)
LISTENING = (ChannelStatus.ACTIVE, ChannelStatus.NEEDS_REAUTH)
FOLLOW_UP_TIMEOUT_S = 5.0  # a follow-up read must not keep the network waiting long


def hooks_for(network: str) -> ModuleType:
    """Return the webhook module of a registered network, or raise Http404."""
    if network not in registry.networks():
        raise Http404
    try:
        return importlib.import_module(f"socialops.connectors.{network}.webhook")
    except ModuleNotFoundError as exc:
        raise Http404 from exc


def _channels(networks: Sequence[str], remote_ids: set[str]) -> dict[str, list[Channel]]:
    """Return the channels (of every organization) listening as each remote id."""
    found: dict[str, list[Channel]] = defaultdict(list)
    for channel in Channel.objects.filter(
            network__in=list(networks), remote_id__in=remote_ids, status__in=LISTENING,
            transport=Transport.NETWORK).select_related("organization"):
        found[channel.remote_id].append(channel)
    return found


def deliver(hooks: ModuleType, network: str, payload: Any) -> int:
    """Ingest what a verified notification carries; return how many items were stored."""
    routed: list[tuple[str, InboundItem]] = hooks.parse(payload)
    follow_ups = getattr(hooks, "follow_ups", None)
    later = follow_ups(payload) if follow_ups else []
    networks = getattr(hooks, "NETWORKS", (network,))
    channels = _channels(networks, {rid for rid, _item in routed} | {rid for rid, _f in later})
    batches: dict[int, list[InboundItem]] = defaultdict(list)
    by_pk: dict[int, Channel] = {}
    for remote_id, item in routed:
        for channel in channels.get(remote_id, []):
            batches[channel.pk].append(item)
            by_pk[channel.pk] = channel
    for remote_id, read in later:
        for channel in channels.get(remote_id, []):
            try:
                with HttpClient(read_timeout=FOLLOW_UP_TIMEOUT_S, max_retries=0) as http:
                    item = read(connector_for(channel, http))
            except ConnectorError as exc:
                # Polling catches what can be listed; a lost mention is logged, not retried.
                log.warning("webhook follow-up failed for channel %s: %s", channel.pk, exc)
                continue
            batches[channel.pk].append(item)
            by_pk[channel.pk] = channel
    return sum(ingest(by_pk[pk], items).created for pk, items in batches.items())


def _handshake(request: HttpRequest, hooks: ModuleType) -> HttpResponse:
    """Answer the subscription check: echo `hub.challenge` when the verify token matches."""
    expected = str(getattr(settings, hooks.VERIFY_TOKEN_SETTING, "") or "")
    given = request.GET.get("hub.verify_token", "")
    if (request.GET.get("hub.mode") != "subscribe" or not expected
            or not hmac.compare_digest(expected.encode(), given.encode())):
        return HttpResponse(status=403)
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


@csrf_exempt  # signed by the network instead: no session, no cookie
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, network: str) -> HttpResponse:
    """Take one notification from `network` (POST), or answer its handshake (GET)."""
    hooks = hooks_for(network)
    if request.method == "GET":
        return _handshake(request, hooks)
    body = request.body
    secret = str(getattr(settings, hooks.SECRET_SETTING, "") or "")
    if not hooks.verify_signature(body, request.headers.get(hooks.SIGNATURE_HEADER, ""), secret):
        return HttpResponse(status=403)
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponse(status=400)
    deliver(hooks, network, payload)
    return HttpResponse(status=200)
