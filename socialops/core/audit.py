"""Write and verify the hash-chained audit trail.

Every event's hash covers its own content and the previous event's hash, and
the organization row keeps the head of the chain. Editing an event, reordering
events, or deleting any of them (the newest included) breaks the chain, and
`verify_chain` names the first event where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Organization

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    """Return ``value`` as JSON-safe data, so that it hashes the same once stored."""
    return json.loads(json.dumps(value, sort_keys=True, default=str)) if value is not None else None


def _event_hash(
    *,
    organization_id: int,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    before: Any,
    after: Any,
    ip: str | None,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            organization_id,
            seq,
            created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            action,
            target_type,
            target_id,
            target_label,
            before,
            after,
            ip,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent) -> str:
    """Recompute the hash an event should carry, from its stored fields."""
    return _event_hash(
        organization_id=event.organization_id,
        seq=event.seq,
        created_at=event.created_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        target_label=event.target_label,
        before=event.before,
        after=event.after,
        ip=event.ip,
        prev_hash=event.prev_hash,
    )


def record(
    organization: Organization,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    *,
    target_type: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the organization's chain, inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction")
    # Lock the organization row: it serialises appends to this chain.
    head = Organization.objects.select_for_update().only(
        "pk", "audit_head_seq", "audit_head_hash"
    ).get(pk=organization.pk)
    seq = head.audit_head_seq + 1
    prev_hash = head.audit_head_hash or GENESIS_HASH
    event = AuditEvent(
        organization_id=organization.pk,
        seq=seq,
        created_at=timezone.now(),
        actor_id=actor.user.pk if actor.user is not None else None,
        actor_label=actor.label[:254],
        action=action,
        target_type=target_type or (target._meta.label_lower if target is not None else ""),
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=str(target)[:254] if target is not None else "",
        before=_canonical(dict(before)) if before is not None else None,
        after=_canonical(dict(after)) if after is not None else None,
        ip=actor.ip,
        prev_hash=prev_hash,
    )
    event.hash = hash_of(event)
    event.save(force_insert=True)
    Organization.objects.filter(pk=organization.pk).update(
        audit_head_seq=seq, audit_head_hash=event.hash
    )
    organization.audit_head_seq = seq
    organization.audit_head_hash = event.hash
    return event


@dataclass(frozen=True)
class ChainProblem:
    """Where and why an organization's audit chain is broken."""

    organization: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.organization}: event #{self.seq} {self.reason}"


def _events(organization: Organization) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(organization=organization).order_by("seq").iterator(
        chunk_size=2000
    )


def verify_chain(organization: Organization) -> ChainProblem | None:
    """Return the first problem in the organization's chain, or None when it is intact."""
    organization.refresh_from_db(fields=["audit_head_seq", "audit_head_hash"])
    expected_seq = 1
    prev_hash = GENESIS_HASH
    name = organization.slug
    for event in _events(organization):
        if event.seq != expected_seq:
            return ChainProblem(name, expected_seq, "is missing (deleted)")
        if event.prev_hash != prev_hash:
            return ChainProblem(name, event.seq, "does not follow the previous event (reordered)")
        if hash_of(event) != event.hash:
            return ChainProblem(name, event.seq, "was altered after it was written")
        prev_hash = event.hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if last_seq != organization.audit_head_seq:
        if last_seq < organization.audit_head_seq:
            return ChainProblem(name, last_seq + 1, "is missing (deleted)")
        return ChainProblem(name, organization.audit_head_seq + 1, "was added outside the chain")
    if last_seq and prev_hash != organization.audit_head_hash:
        return ChainProblem(name, last_seq, "was altered after it was written")
    return None
