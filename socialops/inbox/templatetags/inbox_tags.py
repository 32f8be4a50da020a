"""Template helpers of the inbox: the response-time badge and triage badges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialops.inbox.models import Conversation

register = template.Library()
SOON = timedelta(hours=2)


@register.inclusion_tag("inbox/_due.html")
def response_clock(conversation: Conversation) -> dict[str, Any]:
    """Show the time left before the response target (warning near it), or the breach."""
    due = conversation.response_due_at
    if due is None:
        return {"due": None}
    now = timezone.now()
    left = due - now
    warn = conversation.response_warn_at
    # The warning starts at WARN_SHARE of the target; older rows have no warning time.
    soon = warn <= now if warn is not None else left < SOON
    return {"due": due, "overdue": left <= timedelta(0), "soon": soon}


@register.filter
def sentiment_badge(sentiment: str) -> str:
    """Return the Bootstrap classes of a sentiment badge."""
    return {
        "positive": "text-bg-success",
        "negative": "text-bg-warning",
    }.get(sentiment, "text-bg-light border")


@register.filter
def duration_label(value: timedelta) -> str:
    """Return a duration as hours and minutes ("2 h 05"), or minutes under an hour."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d") % {"hours": minutes // 60, "minutes": minutes % 60}


# The urgent categories of socialops.inbox.triage.rules, as people read them.
URGENT_REASON_LABELS = {
    "legal": gettext_lazy("legal threat"),
    "safety": gettext_lazy("safety"),
    "press": gettext_lazy("press"),
    "hijack": gettext_lazy("account hijack"),
    "self_harm": gettext_lazy("distress"),
}


@register.filter
def urgent_reason(code: str) -> str:
    """Return the readable name of an urgent category (the code if unknown)."""
    return str(URGENT_REASON_LABELS.get(code, code))
