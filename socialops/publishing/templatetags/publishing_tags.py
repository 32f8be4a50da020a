"""Template filters of the publishing pages."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.translation import gettext as _

from socialops.publishing.models import Variant, VariantStatus
from socialops.publishing.validation import placement_label as _placement_label

register = template.Library()

_BADGES = {
    VariantStatus.DRAFT: "text-bg-light border",
    VariantStatus.IN_REVIEW: "text-bg-info",
    VariantStatus.APPROVED: "text-bg-primary",
    VariantStatus.SCHEDULED: "text-bg-secondary",
    VariantStatus.PUBLISHING: "text-bg-warning",
    VariantStatus.PUBLISHED: "text-bg-success",
    VariantStatus.FAILED: "text-bg-danger",
    VariantStatus.UNKNOWN: "text-bg-warning",
    VariantStatus.CANCELLED: "text-bg-dark",
}


@register.filter
def variant_badge(status: str) -> str:
    """Return the Bootstrap badge class of a variant status."""
    return _BADGES.get(status, "text-bg-light")  # type: ignore[call-overload]


@register.filter
def placement_label(placement: str) -> str:
    """Return the translated name of a placement."""
    return _placement_label(placement)


@register.filter
def variant_error(variant: Variant) -> str:
    """Explain a variant's last error in the reader's language when socialops wrote it."""
    known = {
        "lease_expired": _("The worker stopped while publishing; socialops checks the "
                           "network before trying again."),
        "channel_inactive": _("The channel needs reconnection; reconnect it, then schedule "
                              "again."),
        "first_comment": _("Published, but the first comment could not be posted."),
        "rate_limit_pacing": _("Held back to stay within the network's publishing quota; "
                               "it goes out as soon as the quota allows."),
    }
    return known.get(variant.last_error_code, variant.last_error)


@register.filter
def day_entries(days: dict[date, list[Variant]], day: date) -> list[Variant]:
    """Return the calendar entries of one day."""
    return days.get(day, [])


@register.filter
def percent(value: float) -> str:
    """Return a fraction between 0 and 1 as a CSS percentage, always with a dot."""
    return f"{max(0.0, min(1.0, float(value))) * 100:.2f}%"
