"""Template context shared by every page: the member, their organizations, the menu."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socialops.core.access import memberships_of
from socialops.core.models import Member
from socialops.core.permissions import Action, can
from socialops.web.menu import MenuItem

# Only modules that exist are listed: a link to a page that does not exist yet
# would be a promise the product cannot keep. Each domain app adds its own
# entries through a `menu_items` attribute on its AppConfig.
MENU: tuple[MenuItem, ...] = (
    MenuItem("web:home", _("Home"), Action.VIEW_ORGANIZATION, ("home",), order=0),
    MenuItem("web:channels", pgettext_lazy("menu", "Channels"), Action.VIEW_CHANNELS,
             ("channels", "channel", "channel_create", "channel_edit", "channel_credentials",
              "channels_risk"),
             order=80),
    MenuItem("web:members", _("Members"), Action.VIEW_MEMBERS,
             ("members", "member", "member_add", "offboard", "offboarding_report", "teams",
              "team"), order=90),
    MenuItem("web:audit", _("Audit"), Action.VIEW_AUDIT, ("audit", "audit_verify"), order=95),
)


def all_menu_items() -> list[MenuItem]:
    """Return the web app's entries and those the installed apps declare, in order."""
    items = list(MENU)
    for config in apps.get_app_configs():
        items.extend(getattr(config, "menu_items", ()))
    return sorted(items, key=lambda item: item.order)


def menu_for(member: Member | None, current: str) -> list[dict[str, Any]]:
    """Return the menu entries a member may open, marking the current one."""
    return [
        {"url": reverse(item.url_name), "label": item.label, "active": current in item.matches}
        for item in all_menu_items()
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
