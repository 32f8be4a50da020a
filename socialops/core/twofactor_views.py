"""Two-factor pages: the sign-in's second step, set-up, recovery codes, enforcement, reset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialops.core import twofactor
from socialops.core.actors import Actor
from socialops.core.permissions import Action, can
from socialops.core.views import allowed_member, member_of_same_org


def _next(request: HttpRequest) -> str:
    """Return where to go after the second step: `next` when it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _step(request: HttpRequest) -> str:
    return str(getattr(request, "two_factor_step", ""))


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator code (or a recovery code) after the password."""
    if _step(request) != "verify":
        return HttpResponseRedirect(_next(request))
    actor = Actor.from_request(request)
    context: dict[str, object] = {"next": _next(request), "error": False, "locked_minutes": 0}
    if request.method == "POST":
        minutes = twofactor.minutes_locked(request.user, actor.ip)
        if not minutes:
            if twofactor.verify_second_step(request, request.POST.get("code", ""), actor):
                return HttpResponseRedirect(_next(request))
            minutes = twofactor.minutes_locked(request.user, actor.ip)
            context["error"] = True
        if minutes:
            context["locked_minutes"] = minutes
            return render(request, "core/two_factor_verify.html", context, status=429)
        return render(request, "core/two_factor_verify.html", context, status=400)
    return render(request, "core/two_factor_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: scan the QR code (or type the key), confirm with a code."""
    if _step(request) == "verify":
        # Replacing an authenticator needs the current one first.
        return HttpResponseRedirect(reverse("web:two_factor_verify"))
    device = twofactor.pending_device(request.user)
    error = ""
    if request.method == "POST":
        try:
            codes = twofactor.confirm_device(request.user, request.POST.get("code", ""),
                                             Actor.from_request(request))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            twofactor.mark_verified(request)
            return render(request, "core/two_factor_codes.html",
                          {"codes": codes, "next": _next(request), "first_time": True})
    return render(request, "core/two_factor_enrol.html", {
        "qr_svg": twofactor.qr_code_svg(device), "manual_key": twofactor.manual_key(device),
        "error": error, "next": _next(request),
        "required": _step(request) == "enrol",
        "replacing": twofactor.confirmed_device(request.user) is not None,
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    """Show the person's two-factor state and what they can do about it."""
    device = twofactor.confirmed_device(request.user)
    return render(request, "core/two_factor.html", {
        "device": device,
        "codes_left": twofactor.unused_recovery_codes(request.user) if device else 0,
    })


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the person's recovery codes and show the new ones, once."""
    if _step(request) == "verify":
        return HttpResponseRedirect(reverse("web:two_factor_verify"))
    try:
        codes = twofactor.regenerate_recovery_codes(request.user, Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("web:two_factor"))
    return render(request, "core/two_factor_codes.html",
                  {"codes": codes, "next": reverse("web:two_factor"), "first_time": False})


@login_required
@require_POST
def member_reset(request: HttpRequest, member_id: int) -> HttpResponse:
    """Remove a member's authenticator (lost phone); they set up a new one at next sign-in."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    person = member_of_same_org(by, member_id)
    twofactor.reset_device(person, Actor.from_request(request))
    messages.success(request, _("The two-factor authenticator of %(name)s is removed.")
                     % {"name": person.display_name})
    return HttpResponseRedirect(reverse("web:member", args=[person.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def organization_security(request: HttpRequest) -> HttpResponse:
    """Let owners and administrators require two-factor sign-in in their organization."""
    member = allowed_member(request, Action.VIEW_ORGANIZATION)
    organization = member.organization
    can_manage = can(member, Action.MANAGE_ORGANIZATION, organization)
    if request.method == "POST":
        allowed_member(request, Action.MANAGE_ORGANIZATION)
        required = request.POST.get("two_factor_required") == "1"
        twofactor.set_two_factor_required(organization, required, Actor.from_request(request))
        messages.success(request, _("Two-factor sign-in is now required.") if required
                         else _("Two-factor sign-in is now optional."))
        return HttpResponseRedirect(reverse("web:organization_security"))
    return render(request, "core/organization_security.html", {
        "organization": organization, "can_manage": can_manage,
        "has_device": bool(getattr(request.user, "socialops_has_2fa", False)),
    })
