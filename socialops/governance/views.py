"""Channel pages: list, detail, create, edit, credentials, archive; never a secret."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.connectors import registry
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.core.views import allowed_member
from socialops.governance.api_versions import retirements
from socialops.governance.forms import ChannelForm, CredentialForm
from socialops.governance.models import Channel, ChannelStatus, Transport
from socialops.governance.risk import channels_at_risk, credential_max_age_days, credential_of
from socialops.governance.services import (
    archive_channel,
    channels_for,
    create_channel,
    get_channel_for_member,
    set_credentials,
    update_channel,
)
from socialops.web.networks import network_label


@login_required
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    """List the organization's channels, filtered by network and status."""
    member = allowed_member(request, Action.VIEW_CHANNELS)
    channels = channels_for(member).select_related("credential")
    networks = sorted(
        channels.order_by().values_list("network", flat=True).distinct(), key=network_label
    )
    network = request.GET.get("network", "")
    status = request.GET.get("status", "")
    if network:
        channels = channels.filter(network=network)
    if status in ChannelStatus.values:
        channels = channels.filter(status=status)
    else:
        status = ""
    context = {
        "channels": list(channels.order_by("display_name", "pk")),
        "network_choices": [(code, network_label(code)) for code in networks],
        "status_choices": ChannelStatus.choices,
        "selected_network": network,
        "selected_status": status,
        "can_manage": can(member, Action.MANAGE_CHANNELS, member.organization),
        "can_govern": can(member, Action.VIEW_GOVERNANCE, member.organization),
        "api_warnings": retirements(
            channels_for(member).filter(transport=Transport.NETWORK).exclude(status=ChannelStatus.ARCHIVED)
            .order_by().values_list("network", flat=True).distinct()),
    }
    template = (
        "governance/_channel_table.html" if request.htmx  # type: ignore[attr-defined]
        else "governance/channel_list.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def channel_detail(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Show one channel of the organization (404 for any other organization's)."""
    member = allowed_member(request, Action.VIEW_CHANNELS)
    channel = get_channel_for_member(member, channel_id)
    organization = member.organization
    network_api = channel.transport == Transport.NETWORK
    return render(request, "governance/channel_detail.html", {
        "channel": channel,
        "credential": credential_of(channel),
        "connectable": network_api and registry.oauth_flow(channel.network) is not None,
        "api_warnings": retirements([channel.network]) if network_api else [],
        "can_manage": can(member, Action.MANAGE_CHANNELS, organization),
        "can_credentials": can(member, Action.MANAGE_CREDENTIALS, organization),
        "can_grant": can(member, Action.MANAGE_MEMBERS, organization),
    })


def _channel_fields(form: ChannelForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    data["language"] = data.get("language") or ""
    return data


@login_required
@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest) -> HttpResponse:
    """Add a channel with its owner and backup owner."""
    member = allowed_member(request, Action.MANAGE_CHANNELS)
    form = ChannelForm(request.POST if request.method == "POST" else None,
                       organization_id=member.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            channel = create_channel(member.organization, Actor.from_request(request),
                                     **_channel_fields(form))  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Channel added. Set its credentials to connect it."))
            return HttpResponseRedirect(reverse("web:channel", args=[channel.pk]))
    return render(request, "governance/channel_form.html", {"form": form, "channel": None})


def _managed_channel(request: HttpRequest, channel_id: int, action: Action) -> (
    tuple[Member, Channel]
):
    member = allowed_member(request, action)
    channel = get_channel_for_member(member, channel_id)
    require(member, action, channel)  # a channel grant may narrow or widen the role here
    return member, channel


@login_required
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Change a channel's names, region, owners."""
    member, channel = _managed_channel(request, channel_id, Action.MANAGE_CHANNELS)
    initial = {
        "display_name": channel.display_name, "region": channel.region,
        "business_unit": channel.business_unit, "language": channel.language,
        "owner": channel.owner, "backup_owner": channel.backup_owner,
    }
    form = ChannelForm(request.POST if request.method == "POST" else None, initial=initial,
                       organization_id=member.organization_id, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            update_channel(channel, Actor.from_request(request), **_channel_fields(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Channel saved."))
            return HttpResponseRedirect(reverse("web:channel", args=[channel.pk]))
    return render(request, "governance/channel_form.html", {"form": form, "channel": channel})


@login_required
@require_http_methods(["GET", "POST"])
def channel_credentials(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Set or rotate a channel's credentials through a write-only form."""
    _member, channel = _managed_channel(request, channel_id, Action.MANAGE_CREDENTIALS)
    form = CredentialForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            set_credentials(channel, form.secrets(), Actor.from_request(request))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Credentials saved. The previous ones are gone."))
            return HttpResponseRedirect(reverse("web:channel", args=[channel.pk]))
    return render(request, "governance/channel_credentials.html", {
        "form": form, "channel": channel, "credential": credential_of(channel),
    })


@login_required
@require_POST
def channel_archive(request: HttpRequest, channel_id: int) -> HttpResponse:
    """Archive a channel (it stays in the history)."""
    _member, channel = _managed_channel(request, channel_id, Action.MANAGE_CHANNELS)
    try:
        archive_channel(channel, Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Channel archived."))
    return HttpResponseRedirect(reverse("web:channel", args=[channel.pk]))


@login_required
@require_GET
def channels_risk(request: HttpRequest) -> HttpResponse:
    """List the channels at risk: no working backup, inactive owner, old or exposed secrets."""
    member = allowed_member(request, Action.VIEW_GOVERNANCE)
    return render(request, "governance/channels_risk.html", {
        "at_risk": channels_at_risk(member), "max_age_days": credential_max_age_days(),
    })
