"""Attach the current member (and so the organization) to every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from socialops.core.access import current_member
from socialops.core.sessions import enforce_session_fence


class CurrentOrganizationMiddleware:
    """Sign out fenced sessions, then set ``request.member`` (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        enforce_session_fence(request)
        request.member = current_member(request)  # type: ignore[attr-defined]
        return self.get_response(request)
