"""Sign-in, home page, live panel and organization switching."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from socialops.core.access import SESSION_ORG_KEY, member_in_org
from socialops.core.actors import normalise_ip
from socialops.core.permissions import Action, require
from socialops.core.sessions import stamp_session
from socialops.core.throttle import clear_failures, minutes_locked, record_failure
from socialops.sso.forms import PasswordSignInForm
from socialops.web.overview import live_channels, organization_overview


class SignInView(auth_views.LoginView):
    """Django's login view with our template; signed-in people go straight home."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = PasswordSignInForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("username", "")
        minutes = minutes_locked(email, normalise_ip(request.META.get("REMOTE_ADDR")))
        if minutes:
            form = self.get_form()
            return self.render_to_response(
                self.get_context_data(form=form, locked_minutes=minutes), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        clear_failures(form.cleaned_data.get("username", ""),
                       normalise_ip(self.request.META.get("REMOTE_ADDR")))
        stamp_session(self.request)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        ip = normalise_ip(self.request.META.get("REMOTE_ADDR"))
        email = self.request.POST.get("username", "")
        if email:
            record_failure(email, ip)
            minutes = minutes_locked(email, ip)
            if minutes:
                return self.render_to_response(
                    self.get_context_data(form=form, locked_minutes=minutes), status=429
                )
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires)."""


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the organization at a glance, or explain what to do without one."""
    member = request.member  # type: ignore[attr-defined]
    if member is None:
        return render(request, "web/no_organization.html")
    require(member, Action.VIEW_ORGANIZATION, member.organization)
    context = {
        "overview": organization_overview(member),
        "live": live_channels(member),
    }
    return render(request, "web/home.html", context)


@login_required
@require_GET
def home_live(request: HttpRequest) -> HttpResponse:
    """Return the live panel alone (polled by htmx every few seconds)."""
    member = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_CHANNELS, member.organization if member else None)
    return render(request, "web/_live.html", {"live": live_channels(member)})


def _safe_next(request: HttpRequest) -> str:
    """Return the `next` URL when it points into this site, else the home page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    """Act as the user's membership of another organization from now on."""
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        raise Http404 from None
    member = member_in_org(request.user, organization_id)
    request.session[SESSION_ORG_KEY] = member.organization_id
    return HttpResponseRedirect(_safe_next(request))
