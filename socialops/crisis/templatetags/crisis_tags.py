"""The crisis banner shown on every page while publishing is paused or an incident is open.

The base layout loads it with htmx right after the page (crisis:banner), so that pages
pay no query for it; `crisis_banner_context` is also what that view renders.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Exists

from socialops.core.models import Organization
from socialops.core.permissions import Action, can

register = template.Library()


@register.inclusion_tag("crisis/_banner_body.html", takes_context=True)
def crisis_banner(context: dict[str, Any]) -> dict[str, Any]:
    """Render the banner in place (for pages that want it without the htmx round trip)."""
    request = context.get("request")
    return crisis_banner_context(getattr(request, "member", None) if request else None)


def crisis_banner_context(member: Any) -> dict[str, Any]:
    """Return what the banner needs: active pauses and open incidents of the member's org."""
    from socialops.crisis.services import open_incidents
    from socialops.publishing.pausing import active_pauses

    if member is None or not can(member, Action.VIEW_POSTS, member.organization):
        return {"show": False}
    # One query on an ordinary page (is anything paused or open?); details only in a crisis.
    state = Organization.objects.filter(pk=member.organization_id).annotate(
        paused=Exists(active_pauses(member.organization_id)),
        incident=Exists(open_incidents(member.organization_id)),
    ).values("paused", "incident").first() or {"paused": False, "incident": False}
    pauses = list(active_pauses(member.organization_id)) if state["paused"] else []
    incidents = list(open_incidents(member.organization_id).only("pk", "title", "severity")[:3]) \
        if state["incident"] and can(member, Action.VIEW_INCIDENTS, member.organization) else []
    return {"show": bool(pauses or incidents), "pauses": pauses, "incidents": incidents,
            "whole": any(p.channel_id is None for p in pauses),
            "can_pause": can(member, Action.PAUSE_PUBLISHING, member.organization)}


@register.inclusion_tag("crisis/_statement_picker.html", takes_context=True)
def holding_statement_picker(context: dict[str, Any], target: str,
                             language: str = "") -> dict[str, Any]:
    """Offer the open incidents' pre-approved holding statements (composer or reply box).

    `target` is "compose" or "reply": which text box the chosen statement fills.
    Statements in `language` come first, else in the member's interface language.
    Nothing is shown while no incident is open.
    """
    from socialops.crisis.playbooks import LANGUAGES, offered_statements

    request = context.get("request")
    member = getattr(request, "member", None) if request else None
    if language not in LANGUAGES:  # composer, or a conversation of unknown language
        language = (getattr(request, "LANGUAGE_CODE", "") or "")[:2]
    statements = offered_statements(member, language) if member is not None else []
    return {"statements": statements, "target": target}
