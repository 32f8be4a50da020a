"""Pages where shift managers create rotations and set who is in them."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance.services import channels_for
from socialops.team import shifts
from socialops.team.models import CoverRole, RotationKind

DAY_CHOICES = [(day, WEEKDAYS[day]) for day in range(7)]


def _nav(member: Member) -> dict[str, bool]:
    return {"can_manage": can(member, Action.MANAGE_SHIFTS, member.organization),
            "can_staffing": can(member, Action.VIEW_STAFFING, member.organization)}


def _manager(request: HttpRequest) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.MANAGE_SHIFTS, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


class RotationForm(forms.Form):
    """Parse a new rotation; the service validates the rest."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RotationKind.choices)
    role = forms.ChoiceField(label=gettext_lazy("Cover"), choices=CoverRole.choices)
    channels = forms.TypedMultipleChoiceField(label=gettext_lazy("Channels (none: all)"),
                                              coerce=int, required=False)
    time_zone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64)
    starts_on = forms.DateField(label=gettext_lazy("First handover"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    handoff_time = forms.TimeField(label=gettext_lazy("Handover time"), initial=time(9))
    period_days = forms.IntegerField(label=gettext_lazy("Days per turn"), min_value=1,
                                     max_value=56, initial=7)
    days = forms.TypedMultipleChoiceField(label=gettext_lazy("Days covered"), coerce=int,
                                          choices=DAY_CHOICES)
    day_start = forms.TimeField(label=gettext_lazy("Cover starts"), initial=time(0))
    day_end = forms.TimeField(label=gettext_lazy("Cover ends (same as start: all day)"),
                              initial=time(0))

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["channels"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.pk, f"{c.display_name} ({c.network})")
                         for c in channels_for(member).order_by("display_name")]


class SlotForm(forms.Form):
    """Parse a person added to a rotation, with their local shift for follow-the-sun."""

    member = forms.TypedChoiceField(label=gettext_lazy("Who"), coerce=int)
    shift_start = forms.TimeField(label=gettext_lazy("Shift starts"), initial=time(9))
    shift_end = forms.TimeField(label=gettext_lazy("Shift ends"), initial=time(17))
    shift_days = forms.TypedMultipleChoiceField(label=gettext_lazy("Shift days"), coerce=int,
                                                choices=DAY_CHOICES,
                                                initial=[0, 1, 2, 3, 4])

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.pk, m.display_name) for m in members]


@login_required
def rotation_create(request: HttpRequest) -> HttpResponse:
    """Create a rotation (shift managers)."""
    member = _manager(request)
    initial = {"time_zone": member.organization.time_zone, "days": list(range(7)),
               "starts_on": timezone.localdate()}
    form = RotationForm(request.POST or None, member=member, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                rotation = shifts.create_rotation(member, shifts.RotationData(
                    name=data["name"], kind=data["kind"], role=data["role"],
                    time_zone=data["time_zone"], starts_on=data["starts_on"],
                    handoff_time=data["handoff_time"], period_days=data["period_days"],
                    days=data["days"], day_start=data["day_start"], day_end=data["day_end"],
                    channel_ids=data["channels"]), Actor.from_request(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Rotation created: add the people now."))
                return HttpResponseRedirect(reverse("team:rotation", args=[rotation.pk]))
        return render(request, "team/rotation_form.html", {"form": form, **_nav(member)},
                      status=400)
    return render(request, "team/rotation_form.html", {"form": form, **_nav(member)})


@login_required
@require_POST
def rotation_member_add(request: HttpRequest, rotation_id: int) -> HttpResponse:
    """Add a person at the end of a rotation."""
    member = _manager(request)
    shifts.get_rotation(member, rotation_id)
    members = list(Member.objects.filter(organization=member.organization, is_active=True)
                   .select_related("user"))
    form = SlotForm(request.POST, members=members)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shifts.add_to_rotation(member, rotation_id, data["member"], data["shift_start"],
                                   data["shift_end"], data["shift_days"],
                                   Actor.from_request(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Added to the rotation."))
    else:
        messages.error(request, _("Check the person, shift times and days."))
    return HttpResponseRedirect(reverse("team:rotation", args=[rotation_id]))


@login_required
@require_POST
def rotation_member_remove(request: HttpRequest, rotation_id: int) -> HttpResponse:
    """Take a person out of a rotation."""
    member = _manager(request)
    try:
        person_id = int(request.POST.get("member", ""))
    except ValueError:
        person_id = 0
    if shifts.remove_from_rotation(member, rotation_id, person_id, Actor.from_request(request)):
        messages.success(request, _("Removed from the rotation."))
    return HttpResponseRedirect(reverse("team:rotation", args=[rotation_id]))


class SettingsForm(forms.Form):
    """Parse the escalation delays and staffing assumptions."""

    backup_after_minutes = forms.IntegerField(label=gettext_lazy("Page the backup after "
                                                                 "(minutes)"),
                                              min_value=1, max_value=1440)
    manager_after_minutes = forms.IntegerField(label=gettext_lazy("Page the manager after "
                                                                  "(minutes from the page)"),
                                               min_value=2, max_value=2880)
    target_s = forms.IntegerField(label=gettext_lazy("Answer target (seconds)"), min_value=1,
                                  max_value=604800)
    service_level = forms.FloatField(label=gettext_lazy("Service level (0 to 1)"),
                                     min_value=0.01, max_value=0.99)
    max_occupancy = forms.FloatField(label=gettext_lazy("Maximum occupancy (0 to 1)"),
                                     min_value=0.1, max_value=1)
    shrinkage = forms.FloatField(label=gettext_lazy("Shrinkage (0 to 1)"), min_value=0,
                                 max_value=0.9)
    concurrency = forms.FloatField(label=gettext_lazy("Conversations handled at once"),
                                   min_value=1, max_value=20)
    contract_hours = forms.FloatField(label=gettext_lazy("Contract hours per FTE per week"),
                                      min_value=1, max_value=80)
    weeks = forms.IntegerField(label=gettext_lazy("Weeks measured"), min_value=1, max_value=26)


@login_required
def team_settings(request: HttpRequest) -> HttpResponse:
    """Change the escalation delays and staffing assumptions."""
    from socialops.team.staffing_case import team_settings as current

    member = _manager(request)
    row = current(member.organization)
    initial = {name: getattr(row, name) for name in shifts.SETTING_FIELDS}
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                shifts.update_settings(member, form.cleaned_data, Actor.from_request(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Team settings saved."))
                return HttpResponseRedirect(reverse("team:settings"))
        return render(request, "team/settings.html", {"form": form, **_nav(member)},
                      status=400)
    return render(request, "team/settings.html", {"form": form, **_nav(member)})


class ProfileForm(forms.Form):
    """Parse a team profile."""

    time_zone = forms.CharField(label=gettext_lazy("Time zone"), max_length=64)
    languages = forms.CharField(label=gettext_lazy("Languages (codes, comma-separated)"),
                                max_length=100, required=False)
    work_start = forms.TimeField(label=gettext_lazy("Working day starts"))
    work_end = forms.TimeField(label=gettext_lazy("Working day ends"))
    work_days = forms.TypedMultipleChoiceField(label=gettext_lazy("Working days"), coerce=int,
                                               choices=DAY_CHOICES)
    manager = forms.TypedChoiceField(label=gettext_lazy("Manager"), coerce=int, required=False,
                                     empty_value=None)

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["manager"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *[(m.pk, m.display_name) for m in members]]


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Edit one's team profile (shift managers: anyone's, and the manager field)."""
    from socialops.team.models import Profile
    from socialops.team.views import _member

    member = _member(request)
    members = list(Member.objects.filter(organization=member.organization, is_active=True)
                   .select_related("user"))
    person = member
    if request.GET.get("member") and request.GET["member"] != str(member.pk):
        require(member, Action.MANAGE_SHIFTS, member.organization)
        found = next((m for m in members if str(m.pk) == request.GET["member"]), None)
        if found is None:
            raise Http404
        person = found
    current = Profile.objects.filter(member=person).first() or Profile(
        member=person, time_zone=member.organization.time_zone)
    initial = {"time_zone": current.time_zone, "languages": ", ".join(current.languages),
               "work_start": current.work_start, "work_end": current.work_end,
               "work_days": current.work_days, "manager": current.manager_id}
    form = ProfileForm(request.POST or None, members=members, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                shifts.update_profile(member, person.pk, shifts.ProfileData(
                    time_zone=data["time_zone"], languages=data["languages"].split(","),
                    work_start=data["work_start"], work_end=data["work_end"],
                    work_days=data["work_days"], manager_id=data["manager"]),
                    Actor.from_request(request))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Team profile saved."))
                return HttpResponseRedirect(reverse("team:profile") + (
                    f"?member={person.pk}" if person.pk != member.pk else ""))
        status = 400
    return render(request, "team/profile.html", {"form": form, "person": person,
                                                 "people": members, **_nav(member)},
                  status=status)
