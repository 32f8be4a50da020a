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
from socialops.web.menu import GROUPS, MenuItem

# Only modules that exist are listed: a link to a page that does not exist yet
# would be a promise the product cannot keep. Each domain app adds its own
# entries through a `menu_items` attribute on its AppConfig.
MENU: tuple[MenuItem, ...] = (
    MenuItem("web:home", _("Home"), Action.VIEW_ORGANIZATION, ("home",), order=0),
    MenuItem("web:channels", pgettext_lazy("menu", "Channels"), Action.VIEW_CHANNELS,
             ("channels", "channel", "channel_create", "channel_edit", "channel_credentials",
              "channels_risk"),
             order=80, group="administration"),
    MenuItem("web:members", _("Members"), Action.VIEW_MEMBERS,
             ("members", "member", "member_add", "offboard", "offboarding_report", "teams",
              "team"), order=90, group="administration"),
    MenuItem("web:audit", _("Audit"), Action.VIEW_AUDIT, ("audit", "audit_verify"), order=95,
             group="administration"),
)


def all_menu_items() -> list[MenuItem]:
    """Return the web app's entries and those the installed apps declare, in order."""
    items = list(MENU)
    for config in apps.get_app_configs():
        items.extend(getattr(config, "menu_items", ()))
    return sorted(items, key=lambda item: item.order)


def menu_for(member: Member | None, current: str) -> list[dict[str, Any]]:
    """Return the menu a member may open, marking the current entry.

    Entries of a group become the `children` of one drop-down entry, placed where the
    group's first entry falls; a group with a single entry stays a plain link.
    """
    entries: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in all_menu_items():
        if not can(member, item.action, member.organization if member else None):
            continue
        entry = {"url": reverse(item.url_name), "label": item.label,
                 "active": current in item.matches}
        if not item.group:
            entries.append(entry)
            continue
        group = groups.get(item.group)
        if group is None:
            group = {"label": GROUPS.get(item.group, item.group), "children": [],
                     "active": False, "key": item.group}
            groups[item.group] = group
            entries.append(group)
        group["children"].append(entry)
        group["active"] = group["active"] or entry["active"]
    return [e["children"][0] if "children" in e and len(e["children"]) == 1 else e
            for e in entries]


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
        # The navigation bar's count of urgent inbox messages, for those who read the inbox.
        "urgent_badge": can(member, Action.VIEW_INBOX, member.organization),
    }
