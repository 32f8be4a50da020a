"""Channel grant pages: a member's grants, a channel's grants, give and remove (audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action
from socialops.core.views import allowed_member, member_of_same_org
from socialops.governance.forms import GrantForm
from socialops.governance.grants import (
    action_labels,
    get_grant,
    grants_of_member,
    grants_on_channel,
    remove_grant,
    set_grant,
)
from socialops.governance.models import Channel, ChannelGrant
from socialops.governance.services import get_channel_for_member


def _rows(grants: list[ChannelGrant]) -> list[tuple[ChannelGrant, list[str]]]:
    return [(grant, action_labels(grant.actions)) for grant in grants]


def _save(request: HttpRequest, form: GrantForm, member: Member, channel: Channel) -> bool:
    try:
        grant = set_grant(member, channel, form.cleaned_data["effect"],
                          form.cleaned_data["actions"], Actor.from_request(request))
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    if grant is None:
        messages.success(request, _("The grant is removed."))
    else:
        messages.success(request, _("%(name)s's access to %(channel)s is saved.") % {
            "name": member.display_name, "channel": channel.display_name})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def member_grants(request: HttpRequest, member_id: int) -> HttpResponse:
    """List a member's channel grants and give them another."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    person = member_of_same_org(by, member_id)
    form = GrantForm(request.POST if request.method == "POST" else None,
                     organization_id=by.organization_id, fixed="member")
    if request.method == "POST" and form.is_valid() and _save(
            request, form, person, form.cleaned_data["channel"]):
        return HttpResponseRedirect(reverse("web:member_grants", args=[person.pk]))
    return render(request, "governance/member_grants.html", {
        "person": person, "form": form, "rows": _rows(list(grants_of_member(person))),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def channel_grants(request: HttpRequest, channel_id: int) -> HttpResponse:
    """List who holds grants on a channel and give one to a member."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    channel = get_channel_for_member(by, channel_id)
    form = GrantForm(request.POST if request.method == "POST" else None,
                     organization_id=by.organization_id, fixed="channel")
    if request.method == "POST" and form.is_valid() and _save(
            request, form, form.cleaned_data["member"], channel):
        return HttpResponseRedirect(reverse("web:channel_grants", args=[channel.pk]))
    return render(request, "governance/channel_grants.html", {
        "channel": channel, "form": form, "rows": _rows(list(grants_on_channel(channel))),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def grant_remove(request: HttpRequest, grant_id: int) -> HttpResponse:
    """Remove one grant, then go back where the request came from (member or channel)."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    grant = get_grant(by.organization_id, grant_id)
    remove_grant(grant, Actor.from_request(request))
    messages.success(request, _("The grant is removed."))
    if request.POST.get("back") == "channel":
        return HttpResponseRedirect(reverse("web:channel_grants", args=[grant.channel_id]))
    return HttpResponseRedirect(reverse("web:member_grants", args=[grant.member_id]))
