"""An entry of the navigation bar, declared by the app that owns the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socialops.core.permissions import Action


@dataclass(frozen=True)
class MenuItem:
    """One link of the navigation bar, shown to members allowed ``action``."""

    url_name: str
    label: str | Promise
    action: Action
    # The URL names (without namespace) that highlight this item, detail pages too.
    matches: tuple[str, ...]
    order: int = 50
    # Entries with the same group share one drop-down (see GROUPS), so the bar fits.
    group: str = ""


# The drop-downs of the navigation bar, by group key.
GROUPS: dict[str, Promise] = {
    "publishing": _("Publishing"),
    "administration": _("Administration"),
}
