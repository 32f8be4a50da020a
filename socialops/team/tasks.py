"""Jobs of the team app. Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from socialops.team.pager import escalate_due


@shared_task
def escalate_pages() -> int:
    """Escalate unacknowledged pages whose deadline passed (beat runs this every minute)."""
    return escalate_due()
