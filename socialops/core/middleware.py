"""Attach the current member (and so the organization) to every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from socialops.core.access import current_member


class CurrentOrganizationMiddleware:
    """Set ``request.member``: the member the session acts as, or None."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = current_member(request)  # type: ignore[attr-defined]
        return self.get_response(request)
