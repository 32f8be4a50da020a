"""Template filters of the team pages."""

from __future__ import annotations

from typing import Any

from django import template

from socialops.core.models import Member

register = template.Library()


@register.filter
def initials(member: Member | None) -> str:
    """Return a member's initials (two letters at most) for a dense grid cell."""
    if member is None:
        return ""
    words = member.display_name.replace(".", " ").replace("@", " ").split()
    return "".join(word[0].upper() for word in words[:2])


@register.filter
def by_day(row: Any) -> list[list[Any]]:
    """Return a channel's coverage cells as seven lists of 24 hours."""
    cells = row.cells()
    return [cells[day * 24:(day + 1) * 24] for day in range(7)]


@register.filter
def index(values: list[Any], position: int) -> Any:
    """Return values[position]."""
    return values[position]


@register.filter
def first_person(people: list[Member | None]) -> str:
    """Return the display name of the first person in a list of cover."""
    for person in people:
        if person is not None:
            return person.display_name
    return ""
