"""Channel pages: list, detail, create, edit, credentials, archive; never a secret."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.connectors import registry
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.core.views import allowed_member
from socialops.governance import channel_import as channel_import_module
from socialops.governance.api_versions import retirements
from socialops.governance.forms import ChannelForm, CredentialForm
from socialops.governance.health import FILTERS as HEALTH_FILTERS
from socialops.governance.health import LABELS as HEALTH_LABELS
from socialops.governance.health import health_of
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


def _choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in sorted({v for v in values if v})]


def _people(channels: list[Channel]) -> list[tuple[str, str]]:
    people: dict[int, str] = {}
    for channel in channels:
        for person in (channel.owner, channel.backup_owner):
            people[person.pk] = person.display_name
    return sorted(((str(pk), name) for pk, name in people.items()), key=lambda p: p[1])


@login_required
@require_GET
def channel_list(request: HttpRequest) -> HttpResponse:
    """List the organization's channels with their health, filtered; one query for them all.

    An organization has at most a few hundred channels: they are read once and the
    filters, their choices and the API-version warnings are worked out from that list.
    """
    member = allowed_member(request, Action.VIEW_CHANNELS)
    everything = list(channels_for(member).select_related("credential")
                      .order_by("display_name", "pk"))
    query = request.GET
    network, status = query.get("network", ""), query.get("status", "")
    region, unit = query.get("region", ""), query.get("business_unit", "")
    person, health = query.get("person", ""), query.get("health", "")
    status = status if status in ChannelStatus.values else ""
    wanted = {"network": network, "status": status, "region": region, "business_unit": unit}
    channels = [c for c in everything
                if all(not value or getattr(c, field) == value for field, value in wanted.items())
                and (not person.isdigit()
                     or int(person) in (c.owner_id, c.backup_owner_id))]
    rows = [(channel, health_of(channel)) for channel in channels]
    if health == "attention":
        rows = [row for row in rows if row[1]]
    elif health == "ok":
        rows = [row for row in rows if not row[1]]
    context = {
        "rows": [(channel, [(code, HEALTH_LABELS[code]) for code in problems])
                 for channel, problems in rows],
        "channels": [channel for channel, _problems in rows],
        "network_choices": [(code, network_label(code)) for code in
                            sorted({c.network for c in everything}, key=network_label)],
        "status_choices": ChannelStatus.choices,
        "region_choices": _choices(c.region for c in everything),
        "unit_choices": _choices(c.business_unit for c in everything),
        "person_choices": _people(everything),
        "health_choices": HEALTH_FILTERS,
        "selected_network": network,
        "selected_status": status,
        "selected_region": region,
        "selected_unit": unit,
        "selected_person": person,
        "selected_health": health,
        "can_manage": can(member, Action.MANAGE_CHANNELS, member.organization),
        "can_govern": can(member, Action.VIEW_GOVERNANCE, member.organization),
        "api_warnings": retirements({c.network for c in everything
                                     if c.transport == Transport.NETWORK
                                     and c.status != ChannelStatus.ARCHIVED}),
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
            set_credentials(channel, form.secrets(channel.transport), Actor.from_request(request))
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


@login_required
@require_http_methods(["GET", "POST"])
def channel_import(request: HttpRequest) -> HttpResponse:
    """Create channels from a CSV file; errors are listed by line and nothing is half-done."""
    member = allowed_member(request, Action.MANAGE_CHANNELS)
    result = None
    upload_error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            upload_error = _("Choose a CSV file.")
        elif upload.size and upload.size > channel_import_module.MAX_BYTES:
            upload_error = _("The file is larger than %(size)d kB.") % {
                "size": channel_import_module.MAX_BYTES // 1000}
        else:
            raw = upload.read()
            if request.POST.get("check_only"):
                result = channel_import_module.check_file(member, raw)
            else:
                result = channel_import_module.import_file(member, raw,
                                                           Actor.from_request(request))
                if result.created:
                    messages.success(request, ngettext(
                        "%(n)d channel imported.", "%(n)d channels imported.",
                        len(result.created)) % {"n": len(result.created)})
                    return HttpResponseRedirect(reverse("web:channels"))
    return render(request, "governance/channel_import.html", {
        "result": result, "upload_error": upload_error,
        "max_rows": channel_import_module.MAX_ROWS,
    })
