"""Pages for teams: create them, add and remove members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.forms import TeamForm, TeamMemberForm
from socialops.core.models import Member, Team
from socialops.core.permissions import Action, can
from socialops.core.services import create_team, set_team_membership
from socialops.core.views import allowed_member, member_of_same_org


def _team_of_same_org(by: Member, team_id: int) -> Team:
    team = Team.objects.filter(organization_id=by.organization_id, pk=team_id).first()
    if team is None:
        raise Http404
    return team


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request: HttpRequest) -> HttpResponse:
    """List the teams; administrators create new ones here."""
    by = allowed_member(request, Action.VIEW_MEMBERS)
    can_manage = can(by, Action.MANAGE_MEMBERS, by.organization)
    form = TeamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        allowed_member(request, Action.MANAGE_MEMBERS)
        if form.is_valid():
            try:
                team = create_team(by.organization, form.cleaned_data["name"],
                                   Actor.from_request(request), [])
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                messages.success(request, _("Team “%(name)s” created.") % {"name": team.name})
                return HttpResponseRedirect(reverse("web:team", args=[team.pk]))
    teams = (
        Team.objects.filter(organization_id=by.organization_id)
        .annotate(size=Count("members"))
        .order_by("name")
    )
    return render(request, "core/team_list.html",
                  {"teams": teams, "form": form, "can_manage": can_manage})


@login_required
@require_GET
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    """Show a team's members; administrators add and remove them here."""
    by = allowed_member(request, Action.VIEW_MEMBERS)
    team = _team_of_same_org(by, team_id)
    members = list(team.members.select_related("user").order_by("user__email"))
    form = TeamMemberForm(organization_id=by.organization_id)
    field = form.fields["member"]
    field.queryset = field.queryset.exclude(pk__in=[m.pk for m in members])  # type: ignore[attr-defined]
    context = {
        "team": team, "team_members": members, "form": form,
        "can_manage": can(by, Action.MANAGE_MEMBERS, by.organization),
    }
    return render(request, "core/team_detail.html", context)


@login_required
@require_POST
def team_membership(request: HttpRequest, team_id: int) -> HttpResponse:
    """Add a member to a team, or remove one (``remove`` holds their id)."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    team = _team_of_same_org(by, team_id)
    actor = Actor.from_request(request)
    if request.POST.get("remove"):
        try:
            person = member_of_same_org(by, int(request.POST["remove"]))
        except ValueError:
            raise Http404 from None
        set_team_membership(team, person, False, actor)
        messages.success(request, _("%(name)s left %(team)s.")
                         % {"name": person.display_name, "team": team.name})
    else:
        form = TeamMemberForm(request.POST, organization_id=by.organization_id)
        if form.is_valid():
            person = form.cleaned_data["member"]
            set_team_membership(team, person, True, actor)
            messages.success(request, _("%(name)s joined %(team)s.")
                             % {"name": person.display_name, "team": team.name})
        else:
            messages.error(request, _("Choose an active member of the organization."))
    return HttpResponseRedirect(reverse("web:team", args=[team.pk]))


