"""Pages listing an organization's channels; never a credential."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import ChannelStatus
from socialops.governance.services import channels_for, get_channel_for_member
from socialops.web.networks import network_label


def _member(request: HttpRequest) -> Member:
    """Return the member the request acts as, once allowed to see channels."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_CHANNELS, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


@login_required
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    """List the organization's channels, filtered by network and status."""
    member = _member(request)
    channels = channels_for(member)
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
    member = _member(request)
    channel = get_channel_for_member(member, channel_id)
    return render(request, "governance/channel_detail.html", {"channel": channel})
