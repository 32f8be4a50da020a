"""Connect-a-channel pages: start the network's OAuth flow, take its answer, pick the account."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.connectors import registry
from socialops.connectors.errors import ConnectorError
from socialops.connectors.http import HttpClient
from socialops.core.actors import Actor
from socialops.core.permissions import Action
from socialops.core.views import allowed_member
from socialops.governance import connect
from socialops.governance.services import get_channel_for_member

log = logging.getLogger(__name__)

PENDING_KEY = "socialops_connect"
CHOICES_KEY = "socialops_connect_choices"


def redirect_uri(request: HttpRequest) -> str:
    """Return the address networks send the administrator back to (register it with them)."""
    path = reverse("web:connect_callback")
    base = getattr(settings, "SOCIALOPS_BASE_URL", "")
    return base + path if base else request.build_absolute_uri(path)


def make_http() -> HttpClient:
    """Return the HTTP client the flow talks to networks with (replaced in tests)."""
    return HttpClient()


@login_required
@require_http_methods(["GET", "POST"])
def channel_connect(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Explain the connection and, on POST, send the member to the network."""
    member = allowed_member(request, Action.MANAGE_CREDENTIALS)
    channel = get_channel_for_member(member, channel_id)
    problem = ""
    try:
        connect.check_can_connect(member, channel)
    except connect.ConnectError as exc:
        problem = " ".join(exc.messages)
    server = request.POST.get("server", "")
    if request.method == "POST" and not problem:
        try:
            with make_http() as http:
                url, pending = connect.start(member, channel, redirect_uri(request),
                                             server=server, http=http)
        except connect.ConnectError as exc:
            messages.error(request, " ".join(exc.messages))
        except ConnectorError as exc:
            messages.error(request, _("The server refused to register socialops: %(error)s")
                           % {"error": exc})
        else:
            request.session[PENDING_KEY] = pending.as_dict()
            return HttpResponseRedirect(url)
    return render(request, "governance/connect.html", {
        "channel": channel, "problem": problem, "server": server,
        "needs_server": connect.needs_server(channel),
        "network": registry.capabilities_for(channel.network).display_name,
        "redirect_uri": redirect_uri(request),
    })


@login_required
@require_GET
def connect_callback(request: HttpRequest) -> HttpResponse:
    """Take the network's answer: check the state, trade the code, show the account picker."""
    member = allowed_member(request, Action.MANAGE_CREDENTIALS)
    stored = request.session.pop(PENDING_KEY, None)
    if not stored or request.GET.get("state") != stored.get("state"):
        messages.error(request, _("This connection answer is unknown or was already used. "
                                  "Start the connection again."))
        return HttpResponseRedirect(reverse("web:channels"))
    pending = connect.Pending(**stored)
    channel = get_channel_for_member(member, pending.channel_id)
    back = reverse("web:channel_connect", args=[channel.pk])
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("The network did not authorise socialops: %(reason)s") % {
            "reason": request.GET.get("error_description") or request.GET.get("error")
            or _("no authorisation code")})
        return HttpResponseRedirect(back)
    try:
        with make_http() as http:
            choices = connect.finish(member, channel, pending, request.GET["code"],
                                     redirect_uri(request), http)
    except connect.ConnectError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(back)
    except ConnectorError as exc:
        log.warning("connecting channel %s failed: %s", channel.pk, exc)
        messages.error(request, _("The network refused the connection: %(error)s")
                       % {"error": exc})
        return HttpResponseRedirect(back)
    if not choices:
        messages.error(request, _("This login gives access to no account socialops can use."))
        return HttpResponseRedirect(back)
    request.session[CHOICES_KEY] = {"channel_id": channel.pk, "sealed": connect.seal(choices)}
    return HttpResponseRedirect(reverse("web:channel_connect_pick", args=[channel.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def channel_connect_pick(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Let the member choose which account (page) the channel acts as."""
    member = allowed_member(request, Action.MANAGE_CREDENTIALS)
    channel = get_channel_for_member(member, channel_id)
    stored = request.session.get(CHOICES_KEY) or {}
    if stored.get("channel_id") != channel.pk:
        messages.error(request, _("Start the connection again."))
        return HttpResponseRedirect(reverse("web:channel_connect", args=[channel.pk]))
    choices = connect.unseal(stored["sealed"])
    error = ""
    if request.method == "POST":
        picked = [c for c in choices if c.remote_id == request.POST.get("account")]
        if not picked:
            error = _("Choose one of the accounts listed.")
        else:
            try:
                connect.choose(channel, picked[0], Actor.from_request(request))
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                request.session.pop(CHOICES_KEY, None)
                messages.success(request, _("%(channel)s is connected as %(account)s.") % {
                    "channel": channel.display_name, "account": picked[0].handle})
                return HttpResponseRedirect(reverse("web:channel", args=[channel.pk]))
    return render(request, "governance/connect_pick.html", {
        "channel": channel, "choices": choices, "error": error,
        "network": registry.capabilities_for(channel.network).display_name,
    })


@login_required
@require_POST
def connect_cancel(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Forget a connection in progress."""
    member = allowed_member(request, Action.MANAGE_CREDENTIALS)
    channel = get_channel_for_member(member, channel_id)
    request.session.pop(CHOICES_KEY, None)
    request.session.pop(PENDING_KEY, None)
    return HttpResponseRedirect(reverse("web:channel", args=[channel.pk]))
