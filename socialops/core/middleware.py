"""Attach the current member (and so the organization) to every request."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from socialops.core.access import current_member
from socialops.core.browser_sessions import touch_browser
from socialops.core.sessions import enforce_session_fence
from socialops.core.twofactor import pending_step

# Paths a person may open while their second factor is pending.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/logout/", "/account/two-factor/", "/api/")


class CurrentOrganizationMiddleware:
    """Sign out fenced sessions, hold pending two-factor sign-ins, set ``request.member``.

    A session that still owes its second factor has no member: pages redirect to
    the verification (or set-up) page and the API answers 401 as if signed out.
    API tokens set their own member and are not held.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enforce_session_fence(request):
            touch_browser(request)
        member = current_member(request)
        step = pending_step(request, member)
        request.two_factor_step = step  # type: ignore[attr-defined]
        if step:
            member = None
        request.member = member  # type: ignore[attr-defined]
        if step and not request.path.startswith(_OPEN_PREFIXES):
            target = reverse("web:two_factor_verify" if step == "verify" else
                             "web:two_factor_enrol")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


# Scripts only from this site (no inline script, no eval): htmx attributes are markup, not
# scripts. Inline style attributes stay allowed (templates position a few elements with
# them, htmx adds its indicator style); they cannot run code.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS_SECONDS = 31_536_000


class SecurityHeadersMiddleware:
    """Add the Content-Security-Policy, Permissions-Policy and (over HTTPS) HSTS headers.

    X-Frame-Options, Referrer-Policy and nosniff come from Django's own middleware
    and settings; HSTS is sent whenever the operator declares the site HTTPS-only
    (SOCIALOPS_HTTPS), even behind a proxy that terminates TLS.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        if getattr(settings, "SOCIALOPS_HTTPS", False):
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains")
        return response
