"""Jobs of the publishing app: the dispatcher (beat, every second) and one publication."""

from __future__ import annotations

from celery import shared_task

from socialops.core.actors import Actor
from socialops.publishing import dispatcher, services


@shared_task(ignore_result=True)
def dispatch_due() -> int:
    """Claim the variants that are due and queue their publication; return how many."""
    return len(dispatcher.dispatch())


@shared_task(ignore_result=True, acks_late=True)
def publish_variant(variant_id: int, claim_token: str) -> str:
    """Publish one claimed variant; a duplicate delivery does nothing."""
    return dispatcher.publish(variant_id, claim_token)


@shared_task(ignore_result=True)
def expire_approvals() -> int:
    """Send approvals older than their policy allows back to review; return how many."""
    return services.expire_approvals(Actor.system("approval-expiry"))
