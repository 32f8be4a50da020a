"""Pages about the organization's people: the list, invitations, roles, activation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.core.actors import Actor
from socialops.core.browser_sessions import browsers_of, end_browser
from socialops.core.forms import InviteForm, RoleForm
from socialops.core.models import Member, Role, Team
from socialops.core.permissions import Action, can, require
from socialops.core.services import add_member, change_role, set_member_active
from socialops.core.sessions import sign_out_everywhere as sign_out_everywhere_service
from socialops.core.twofactor import confirmed_device

# One line per role for the legend; docs/permissions.md has the full table.
ROLE_DESCRIPTIONS = {
    Role.OWNER: gettext_lazy("Everything, including the organization's settings and ownership."),
    Role.ADMIN: gettext_lazy("Manages members, roles, channels, credentials and API tokens."),
    Role.MANAGER: gettext_lazy("Leads the team: plans, approves and reads the audit trail."),
    Role.PUBLISHER: gettext_lazy("Prepares and publishes content on the channels."),
    Role.RESPONDER: gettext_lazy("Answers the community in the inbox."),
    Role.CONTRIBUTOR: gettext_lazy(
        "Submits content requests and drafts; never touches credentials."),
    Role.APPROVER: gettext_lazy(
        "Approves or rejects drafts and replies (legal, brand, executive)."),
    Role.ANALYST: gettext_lazy("Reads analytics, reports and the audit trail."),
}


def members_of_organization(organization_id: int) -> QuerySet[Member]:
    """Return every member of an organization with their user and teams."""
    return (
        Member.objects.filter(organization_id=organization_id)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
        .order_by("-is_active", "user__first_name", "user__last_name", "user__email")
    )


def allowed_member(request: HttpRequest, action: Action) -> Member:
    """Return the member the request acts as, once allowed ``action`` in their organization."""
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, action, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def member_of_same_org(by: Member, member_id: int) -> Member:
    """Return a member of ``by``'s organization, or raise Http404 (other organizations too)."""
    found = (
        Member.objects.select_related("user", "organization")
        .filter(organization_id=by.organization_id, pk=member_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def set_password_path(member: Member) -> str:
    """Return the one-time link where a new member chooses their password."""
    user = member.user
    return reverse("web:welcome", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })


@login_required
@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    """List the organization's members, their roles and teams."""
    member = allowed_member(request, Action.VIEW_MEMBERS)
    context = {
        "members": list(members_of_organization(member.organization_id)),
        "roles": [(label, ROLE_DESCRIPTIONS[Role(value)]) for value, label in Role.choices],
        "can_manage": can(member, Action.MANAGE_MEMBERS, member.organization),
    }
    return render(request, "core/member_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest) -> HttpResponse:
    """Add a person with a role; a new account gets a set-password link, shown once."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    form = InviteForm(request.POST if request.method == "POST" else None, by=by)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_member(
                by.organization, form.cleaned_data["email"], form.cleaned_data["role"],
                Actor.from_request(request), full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            link = None
            if not added.user.has_usable_password():
                link = request.build_absolute_uri(set_password_path(added))
            return render(request, "core/member_added.html", {"added": added, "link": link})
    return render(request, "core/member_add.html", {"form": form})


@login_required
@require_GET
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    """Show one member with the actions an administrator may take on them."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    person = member_of_same_org(by, member_id)
    context = {
        "person": person,
        "role_form": RoleForm(initial={"role": person.role}, by=by),
        "teams": person.teams.order_by("name"),
        "tokens": person.api_tokens.aggregate(live=Count("pk", filter=Q(revoked_at=None)))["live"],
        "is_self": person.pk == by.pk,
        "owner_locked": person.role == Role.OWNER and by.role != Role.OWNER,
        "two_factor": confirmed_device(person.user) is not None,
    }
    return render(request, "core/member_detail.html", context)


def _back_to(person: Member) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("web:member", args=[person.pk]))


@login_required
@require_POST
def member_role(request: HttpRequest, member_id: int) -> HttpResponse:
    """Change a member's role."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    person = member_of_same_org(by, member_id)
    form = RoleForm(request.POST, by=by)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return _back_to(person)
    try:
        change_role(person, form.cleaned_data["role"], Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s is now %(role)s.") % {
            "name": person.display_name, "role": Role(form.cleaned_data["role"]).label})
    return _back_to(person)


@login_required
@require_POST
def member_active(request: HttpRequest, member_id: int) -> HttpResponse:
    """Deactivate or reactivate a membership."""
    by = allowed_member(request, Action.MANAGE_MEMBERS)
    person = member_of_same_org(by, member_id)
    active = request.POST.get("active") == "1"
    try:
        set_member_active(person, active, Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("%(name)s is active again.") if active else _("%(name)s is deactivated.")
        messages.success(request, text % {"name": person.display_name})
    return _back_to(person)


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the signed-in person, this one included."""
    member = allowed_member(request, Action.VIEW_ORGANIZATION)
    sign_out_everywhere_service(member, Actor.from_request(request))
    return HttpResponseRedirect(reverse("web:login"))


@login_required
@require_GET
def browser_sessions(request: HttpRequest) -> HttpResponse:
    """List the browsers the person is signed in with, to end one or all of them."""
    allowed_member(request, Action.VIEW_ORGANIZATION)
    return render(request, "core/browser_sessions.html",
                  {"browsers": browsers_of(request)})


@login_required
@require_POST
def browser_session_end(request: HttpRequest) -> HttpResponse:
    """Sign one of the person's other browsers out."""
    member = allowed_member(request, Action.VIEW_ORGANIZATION)
    wanted = request.POST.get("browser", "")
    if not wanted.isdigit():
        raise Http404
    end_browser(request, member, int(wanted), Actor.from_request(request))
    messages.success(request, _("That browser is signed out."))
    return HttpResponseRedirect(reverse("web:browser_sessions"))
