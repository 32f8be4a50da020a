"""Template helpers of rules and assignment: the availability switch, the rules that acted."""

from __future__ import annotations

from typing import Any

from django import template

from socialops.core.models import Member
from socialops.inbox.models import Conversation
from socialops.inbox.services.availability import switch_context
from socialops.inbox.services.rule_apply import hits_for

register = template.Library()


@register.inclusion_tag("inbox/_availability.html")
def availability_switch(member: Member | None) -> dict[str, Any]:
    """Show the member's availability switch (and, to those who assign, who is available)."""
    if member is None:
        return {"hidden": True}
    return switch_context(member)


@register.inclusion_tag("inbox/_rule_hits.html")
def rule_hits(conversation: Conversation) -> dict[str, Any]:
    """List the rules that acted on a conversation and what they did."""
    return {"hits": hits_for(conversation)}
