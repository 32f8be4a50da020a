"""Template filters of the analytics pages: locale-aware numbers, percentages, durations."""

from __future__ import annotations

from django import template

from socialops.analytics import formatting

register = template.Library()


@register.filter
def metric_number(value: float | None) -> str:
    """Render a count with grouping ("12,345" / "12 345"), "—" when unknown."""
    return formatting.number(value)


@register.filter
def metric_percent(value: float | None) -> str:
    """Render a ratio as a percentage, "—" when unknown."""
    return formatting.percent(value)


@register.filter
def metric_money(value: float | None) -> str:
    """Render an amount with two decimals, "—" when unknown."""
    return formatting.number(value, 2)


@register.filter
def metric_change(value: float | None) -> str:
    """Render a relative change with its sign, "—" when unknown."""
    return formatting.signed_percent(value)


@register.filter
def metric_duration(value: float | None) -> str:
    """Render seconds as minutes or hours, "—" when unknown."""
    return formatting.duration(value)


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """Return mapping[key] (None when absent), for tables built from dictionaries."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def progress_value(value: float | None) -> int:
    """Return a share as a whole percentage for a progress bar, capped at 100."""
    return 0 if value is None else max(0, min(100, round(value * 100)))
