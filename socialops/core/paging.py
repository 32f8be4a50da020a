"""Ask for a person to be paged, without knowing who is on call (ADR 0007).

Apps that detect something urgent (listening alerts, urgent inbox messages,
response-time breaches) call `request_page`; the team app, which knows the shifts,
registers the pager that decides whom to page, records the page and escalates it.
Nothing imports the team app: this module is the only link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction


@dataclass(frozen=True)
class PageRequest:
    """Something that needs a person now.

    `dedupe_key` identifies the cause (e.g. "listening-alert:42"): asking twice with
    the same key pages once. `title` is plain text written in the organization's
    language; pages show it escaped.
    """

    organization_id: int
    kind: str  # "listening_alert", "urgent_message", "response_breach", "incident"
    title: str
    url: str
    dedupe_key: str
    channel_id: int | None = None
    severity: str = "high"  # "low", "medium", "high", "critical"
    details: dict[str, str] = field(default_factory=dict)


Pager = Callable[[PageRequest], None]
_pagers: list[Pager] = []


def register_pager(pager: Pager) -> None:
    """Register a function that pages someone for a request (called from AppConfig.ready)."""
    if pager not in _pagers:
        _pagers.append(pager)


def request_page(request: PageRequest) -> None:
    """Hand `request` to every registered pager once the current transaction commits."""

    def deliver() -> None:
        for pager in list(_pagers):
            pager(request)

    transaction.on_commit(deliver)
