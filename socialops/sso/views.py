"""Pages of single sign-on: start by e-mail or organization, the callback, the configuration."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from socialops.core.actors import Actor
from socialops.core.models import Role
from socialops.core.permissions import Action
from socialops.core.views import allowed_member
from socialops.sso import login, oidc, services
from socialops.sso.models import JIT_ROLES, SsoConfiguration

logger = logging.getLogger(__name__)


def _continue(request: HttpRequest, config: SsoConfiguration, email: str) -> HttpResponse:
    """Show the link to the provider (a form may not redirect off-site under our CSP)."""
    try:
        url = login.begin(request, config, login_hint=email)
    except oidc.SsoError as exc:
        logger.warning("single sign-on of organization %s cannot start: %s",
                       config.organization_id, exc.detail)
        return render(request, "sso/start.html", {"email": email, "error": exc.message},
                      status=502)
    return render(request, "sso/continue.html", {"url": url, "config": config})


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Ask for the work e-mail address, then send the person to their provider."""
    if request.method == "GET":
        return render(request, "sso/start.html", {"email": ""})
    email = request.POST.get("email", "").strip()
    configs = services.configurations_for_email(email) if "@" in email else []
    chosen = request.POST.get("organization", "")
    if chosen:
        configs = [config for config in configs if str(config.organization_id) == chosen]
    if not configs:
        error = (_("Enter your work e-mail address.") if "@" not in email else
                 _("No organization signs in with single sign-on for this address. "
                   "Sign in with your password instead."))
        return render(request, "sso/start.html", {"email": email, "error": error}, status=400)
    if len(configs) > 1:
        return render(request, "sso/choose.html", {"email": email, "configs": configs})
    return _continue(request, configs[0], email)


@require_GET
def start_organization(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the person to the provider of the organization named in the link."""
    config = (SsoConfiguration.objects.select_related("organization")
              .filter(organization__slug=slug, enabled=True).first())
    if config is None:
        raise Http404
    try:
        return HttpResponseRedirect(login.begin(request, config))
    except oidc.SsoError as exc:
        logger.warning("single sign-on of organization %s cannot start: %s",
                       config.organization_id, exc.detail)
        return render(request, "sso/start.html", {"email": "", "error": exc.message},
                      status=502)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Finish the sign-in the provider sends the person back from."""
    try:
        login.finish(request)
    except oidc.SsoError as exc:
        logger.warning("single sign-on refused: %s", exc.detail or exc)
        return render(request, "sso/refused.html", {"error": exc.message}, status=400)
    except services.SsoRefusedError as exc:
        logger.warning("single sign-on refused: %s", exc.reason)
        return render(request, "sso/refused.html", {"error": exc.message}, status=403)
    except ImproperlyConfigured as exc:
        logger.error("single sign-on misconfigured: %s", exc)
        return render(request, "sso/refused.html", {
            "error": _("Single sign-on of your organization is misconfigured. "
                       "Ask an administrator.")}, status=500)
    return HttpResponseRedirect(reverse("web:home"))


def _input_from(request: HttpRequest) -> services.ConfigurationInput:
    post = request.POST
    return services.ConfigurationInput(
        issuer=post.get("issuer", "").strip(), client_id=post.get("client_id", "").strip(),
        client_secret=post.get("client_secret", ""),
        allowed_domains=post.get("allowed_domains", ""),
        default_role=post.get("default_role", Role.CONTRIBUTOR),
        required=post.get("required") == "1", enabled=post.get("enabled") == "1",
    )


@login_required
@require_http_methods(["GET", "POST"])
def configuration(request: HttpRequest) -> HttpResponse:
    """Let owners and administrators connect the organization's identity provider."""
    member = allowed_member(request, Action.MANAGE_ORGANIZATION)
    organization = member.organization
    config = SsoConfiguration.objects.filter(organization=organization).first()
    values: dict[str, object] = {
        "issuer": config.issuer if config else "",
        "client_id": config.client_id if config else "",
        "allowed_domains": "\n".join(config.domains) if config else "",
        "default_role": config.default_role if config else Role.CONTRIBUTOR,
        "required": config.required if config else False,
        "enabled": config.enabled if config else True,
    }
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        data = _input_from(request)
        try:
            services.save_configuration(organization, data, Actor.from_request(request))
        except ValidationError as exc:
            errors, status = exc.message_dict, 400
            values = {**data.__dict__, "secret_typed": bool(data.client_secret)}
            values.pop("client_secret")
        else:
            messages.success(request, _("Single sign-on is saved."))
            return HttpResponseRedirect(reverse("sso:configuration"))
    return render(request, "sso/configuration.html", {
        "config": config, "values": values, "errors": errors, "roles": JIT_ROLES,
        "redirect_uri": login.redirect_uri(request),
        "start_url": request.build_absolute_uri(
            reverse("sso:start_organization", args=[organization.slug])),
    }, status=status)
