"""Format numbers the way each language writes them (`12,5 %` in French, `12.5%` in English)."""

from __future__ import annotations

from django.utils import formats, translation

DASH = "—"


def number(value: float | None, decimals: int = 0, language: str | None = None) -> str:
    """Return a number with the language's grouping and decimal separators, or "—"."""
    if value is None:
        return DASH
    with translation.override(language or translation.get_language()):
        return str(formats.number_format(round(value, decimals), decimals,
                                         use_l10n=True, force_grouping=True))


def percent(value: float | None, decimals: int = 1, language: str | None = None) -> str:
    """Return a ratio as a percentage (0.125 → "12.5%" or "12,5 %"), or "—"."""
    if value is None:
        return DASH
    language = language or translation.get_language() or "en"
    text = number(value * 100, decimals, language)
    return f"{text} %" if language.startswith("fr") else f"{text}%"


def signed_percent(value: float | None, decimals: int = 1, language: str | None = None) -> str:
    """Return a change as a signed percentage ("+12.5%", "-3,0 %"), or "—"."""
    if value is None:
        return DASH
    text = percent(abs(value), decimals, language)
    return ("+" if value >= 0 else "\u2212") + text


def duration(seconds: float | None, language: str | None = None) -> str:
    """Return a duration in minutes or hours ("42 min", "3.5 h"), or "—"."""
    if seconds is None:
        return DASH
    if seconds < 3600:
        return f"{number(seconds / 60, 0, language)} min"
    return f"{number(seconds / 3600, 1, language)} h"
