"""Template filters of the requests pages: guidelines in the reader's language, badges."""

from __future__ import annotations

from django import template
from django.utils import translation

from socialops.requests.models import Guideline, RequestStatus

register = template.Library()

_BADGES = {
    RequestStatus.SUBMITTED: "text-bg-primary",
    RequestStatus.NEEDS_INFO: "text-bg-warning",
    RequestStatus.ACCEPTED: "text-bg-success",
    RequestStatus.DECLINED: "text-bg-secondary",
}


@register.filter
def guideline_title(guideline: Guideline | None) -> str:
    """Return a guideline's title in the current language (or the other one)."""
    return guideline.title_for(translation.get_language() or "en") if guideline else ""


@register.filter
def guideline_text(guideline: Guideline | None) -> str:
    """Return a guideline's text in the current language (or the other one)."""
    return guideline.text_for(translation.get_language() or "en") if guideline else ""


@register.filter
def request_badge(status: str) -> str:
    """Return the Bootstrap badge class of a request status."""
    return _BADGES.get(status, "text-bg-light")  # type: ignore[call-overload]
