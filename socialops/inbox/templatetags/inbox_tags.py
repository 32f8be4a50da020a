"""Template helpers of the inbox: the response-time badge and triage badges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone

from socialops.inbox.models import Conversation

register = template.Library()
SOON = timedelta(hours=2)


@register.inclusion_tag("inbox/_due.html")
def response_clock(conversation: Conversation) -> dict[str, Any]:
    """Show the time left before the response target, or how overdue it is."""
    due = conversation.response_due_at
    if due is None:
        return {"due": None}
    left = due - timezone.now()
    return {"due": due, "overdue": left <= timedelta(0), "soon": left < SOON}


@register.filter
def sentiment_badge(sentiment: str) -> str:
    """Return the Bootstrap classes of a sentiment badge."""
    return {
        "positive": "text-bg-success",
        "negative": "text-bg-warning",
    }.get(sentiment, "text-bg-light border")
