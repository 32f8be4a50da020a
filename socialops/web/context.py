"""Template context shared by every page: the member, their organizations, the menu."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialops.core.access import memberships_of
from socialops.core.models import Member
from socialops.core.permissions import Action, can


@dataclass(frozen=True)
class MenuItem:
    """One link of the navigation bar."""

    url_name: str
    label: str | Promise
    action: Action
    # The URL names that highlight this item (its detail pages too).
    matches: tuple[str, ...]


# Only modules that exist are listed: a link to a page that does not exist yet
# would be a promise the product cannot keep.
MENU: tuple[MenuItem, ...] = (
    MenuItem("web:home", _("Home"), Action.VIEW_ORGANIZATION, ("home",)),
    MenuItem("web:channels", _("Channels"), Action.VIEW_CHANNELS, ("channels", "channel")),
    MenuItem("web:members", _("Members"), Action.VIEW_MEMBERS, ("members",)),
)


def menu_for(member: Member | None, current: str) -> list[dict[str, Any]]:
    """Return the menu entries a member may open, marking the current one."""
    return [
        {"url": reverse(item.url_name), "label": item.label, "active": current in item.matches}
        for item in MENU
        if can(member, item.action, member.organization if member else None)
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return the current member, the organizations they can switch to and the menu."""
    member: Member | None = getattr(request, "member", None)
    if member is None:
        return {"member": None, "memberships": [], "menu": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None and match.url_name else ""
    return {
        "member": member,
        "memberships": list(memberships_of(request.user)),
        "menu": menu_for(member, current),
    }
