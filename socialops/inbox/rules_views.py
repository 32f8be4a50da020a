"""Pages of the inbox's rules and assignment settings, and the availability switch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.connectors.capabilities import Feature
from socialops.connectors.registry import capabilities_for, networks
from socialops.core.actors import Actor
from socialops.core.models import Member, Team
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel
from socialops.inbox.models import Kind, Priority, Sentiment
from socialops.inbox.rule_models import AvailabilityStatus, Rule, UrgentCondition
from socialops.inbox.services import assignment, availability, rules
from socialops.inbox.services.rules import RuleData


def _member(request: HttpRequest) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, Action.VIEW_INBOX, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


def _manager(request: HttpRequest) -> Member:
    """Return the member, once allowed to manage the inbox's settings."""
    member = _member(request)
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    return member


def _split(raw: str) -> list[str]:
    """Return the entries of a comma- or line-separated field."""
    return [part.strip() for part in raw.replace("\n", ",").split(",") if part.strip()]


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class RuleForm(forms.Form):
    """Parse a rule; the service validates it (and names the field of each error)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False)
    channels = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Channels"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple, help_text=gettext_lazy("None ticked: every channel."))
    kinds = forms.MultipleChoiceField(label=gettext_lazy("Kinds"), required=False,
                                      choices=Kind.choices, widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label=gettext_lazy("Languages"), required=False, max_length=200,
                                help_text=gettext_lazy("Codes separated by commas, e.g. fr, en."))
    sentiments = forms.MultipleChoiceField(label=gettext_lazy("Sentiments"), required=False,
                                           choices=Sentiment.choices,
                                           widget=forms.CheckboxSelectMultiple)
    keywords = forms.CharField(
        label=gettext_lazy("Keywords"), required=False, max_length=6000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Any of these words or phrases, one per line or separated by "
                               "commas; whole words, ignoring case and accents."))
    urgent = forms.ChoiceField(label=gettext_lazy("Urgent"), choices=UrgentCondition.choices)
    vip_only = forms.BooleanField(label=gettext_lazy("VIP contacts only"), required=False)
    add_tags = forms.CharField(label=gettext_lazy("Add tags"), required=False, max_length=1000,
                               help_text=gettext_lazy("Separated by commas."))
    set_priority = forms.TypedChoiceField(label=gettext_lazy("Set priority"), required=False,
                                          coerce=int, empty_value=None)
    assign_member_id = forms.TypedChoiceField(label=gettext_lazy("Assign to"), required=False,
                                              coerce=int, empty_value=None)
    assign_team_id = forms.TypedChoiceField(
        label=gettext_lazy("Or assign within a team"), required=False, coerce=int,
        empty_value=None,
        help_text=gettext_lazy("Round robin among the team's available members."))
    hide = forms.BooleanField(label=gettext_lazy("Hide the message on the network"),
                              required=False)
    escalate_to_id = forms.TypedChoiceField(
        label=gettext_lazy("Notify now"), required=False, coerce=int, empty_value=None,
        help_text=gettext_lazy("An e-mail to this person as soon as the rule matches."))
    stop_processing = forms.BooleanField(
        label=gettext_lazy("Stop here: rules below do not run when this one matches"),
        required=False)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = member.organization_id
        people = [m for m in Member.objects.filter(organization_id=org, is_active=True)
                  .select_related("user")]
        nobody = [("", _("Nobody"))]
        self._choices("channels", [(c.pk, f"{c.display_name} ({c.network})") for c in
                                   Channel.objects.filter(organization_id=org)
                                   .order_by("display_name")])
        self._choices("set_priority", [("", _("Unchanged")), *Priority.choices])
        self._choices("assign_member_id", nobody + [
            (m.pk, m.display_name) for m in people if can(m, Action.RESPOND)])
        self._choices("assign_team_id", nobody + [
            (t.pk, t.name) for t in Team.objects.filter(organization_id=org).order_by("name")])
        self._choices("escalate_to_id", nobody + [(m.pk, m.display_name) for m in people])
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = ("form-select" if isinstance(widget, forms.Select)
                                         else "form-control")

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def data_object(self) -> RuleData:
        d = self.cleaned_data
        return RuleData(
            name=d["name"], enabled=d["enabled"], stop_processing=d["stop_processing"],
            channels=list(d["channels"]), kinds=list(d["kinds"]),
            languages=_split(d["languages"]), sentiments=list(d["sentiments"]),
            keywords=_split(d["keywords"]), urgent=d["urgent"], vip_only=d["vip_only"],
            add_tags=_split(d["add_tags"]), set_priority=_optional_int(d["set_priority"]),
            assign_member_id=_optional_int(d["assign_member_id"]),
            assign_team_id=_optional_int(d["assign_team_id"]), hide=d["hide"],
            escalate_to_id=_optional_int(d["escalate_to_id"]))

    @staticmethod
    def initial_of(data: RuleData) -> dict[str, Any]:
        return {**data.__dict__, "languages": ", ".join(data.languages),
                "keywords": "\n".join(data.keywords), "add_tags": ", ".join(data.add_tags)}


def _hiding_networks() -> list[str]:
    return [n for n in networks() if Feature.HIDE in capabilities_for(n).features]


def _summary(rule: Rule, channel_names: dict[int, str],
             names: dict[int, str], teams: dict[int, str]) -> tuple[list[str], list[str]]:
    """Return a rule's conditions and actions as short sentences for the list."""
    when: list[str] = []
    if rule.channels:
        when.append(_("channel: %s") % ", ".join(channel_names.get(int(c), "?")
                                                 for c in rule.channels))
    if rule.kinds:
        when.append(_("kind: %s") % ", ".join(str(Kind(k).label) for k in rule.kinds))
    if rule.languages:
        when.append(_("language: %s") % ", ".join(rule.languages))
    if rule.sentiments:
        when.append(_("sentiment: %s") % ", ".join(str(Sentiment(s).label)
                                                    for s in rule.sentiments))
    if rule.keywords:
        when.append(_("words: %s") % ", ".join(rule.keywords))
    if rule.urgent != UrgentCondition.ANY:
        when.append(str(UrgentCondition(rule.urgent).label))
    if rule.vip_only:
        when.append(_("VIP contacts only"))
    then: list[str] = []
    if rule.add_tags:
        then.append(_("tag: %s") % ", ".join(rule.add_tags))
    if rule.set_priority is not None:
        then.append(_("priority: %s") % Priority(rule.set_priority).label)
    if rule.assign_member_id:
        then.append(_("assign to %s") % names.get(rule.assign_member_id, "?"))
    if rule.assign_team_id:
        then.append(_("assign within %s") % teams.get(rule.assign_team_id, "?"))
    if rule.hide:
        then.append(_("hide on the network"))
    if rule.escalate_to_id:
        then.append(_("notify %s now") % names.get(rule.escalate_to_id, "?"))
    return when or [_("every conversation")], then


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """List the rules in the order they run."""
    member = _manager(request)
    rows = list(rules.rules_for(member))
    org = member.organization_id
    channel_names = dict(Channel.objects.filter(organization_id=org).values_list(
        "pk", "display_name"))
    names = {m.pk: m.display_name for m in Member.objects.filter(organization_id=org)
             .select_related("user")}
    teams = dict(Team.objects.filter(organization_id=org).values_list("pk", "name"))
    items = [(rule, *_summary(rule, channel_names, names, teams)) for rule in rows]
    return render(request, "inbox/settings/rules.html", {"items": items})


def _form_page(request: HttpRequest, form: RuleForm, rule: Rule | None) -> HttpResponse:
    return render(request, "inbox/settings/rule_form.html",
                  {"form": form, "rule": rule, "hiding": _hiding_networks()})


def _submit(request: HttpRequest, member: Member, rule: Rule | None) -> HttpResponse:
    form = RuleForm(request.POST, member=member)
    if not form.is_valid():
        return _form_page(request, form, rule)
    actor = Actor.from_request(request)
    try:
        if rule is None:
            rules.create_rule(member, form.data_object(), actor)
        else:
            rules.update_rule(member, rule, form.data_object(), actor)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _form_page(request, form, rule)
    messages.success(request, _("Rule saved."))
    return HttpResponseRedirect(reverse("inbox:rules"))


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    """Write a new rule (added at the bottom of the list)."""
    member = _manager(request)
    if request.method == "POST":
        return _submit(request, member, None)
    initial = RuleForm.initial_of(RuleData(name=""))
    return _form_page(request, RuleForm(initial=initial, member=member), None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Change a rule."""
    member = _manager(request)
    rule = rules.get_rule(member, rule_id)
    if request.method == "POST":
        return _submit(request, member, rule)
    initial = RuleForm.initial_of(RuleData.of(rule))
    return _form_page(request, RuleForm(initial=initial, member=member), rule)


def _back_to_rules() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("inbox:rules"))


@login_required
@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Switch a rule on or off."""
    member = _manager(request)
    rule = rules.get_rule(member, rule_id)
    rules.set_enabled(member, rule, not rule.enabled, Actor.from_request(request))
    return _back_to_rules()


@login_required
@require_POST
def rule_move(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Move a rule one place up or down."""
    member = _manager(request)
    rule = rules.get_rule(member, rule_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    rules.move_rule(member, rule, offset, Actor.from_request(request))
    return _back_to_rules()


@login_required
@require_POST
def rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Delete a rule."""
    member = _manager(request)
    rules.delete_rule(member, rules.get_rule(member, rule_id), Actor.from_request(request))
    messages.success(request, _("Rule deleted."))
    return _back_to_rules()


class AssignmentForm(forms.Form):
    """Parse the assignment settings."""

    auto_assign = forms.BooleanField(
        label=gettext_lazy("Assign new conversations automatically (round robin)"),
        required=False)
    max_open = forms.IntegerField(
        label=gettext_lazy("Open conversations per person at most"), min_value=0,
        max_value=assignment.MAX_CAP, help_text=gettext_lazy("0: no cap."))
    respect_shifts = forms.BooleanField(
        label=gettext_lazy("Only people on shift for the channel (team rotations and "
                           "working hours)"), required=False)
    respect_languages = forms.BooleanField(
        label=gettext_lazy("Only people who speak the conversation's language"),
        required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            checkbox = isinstance(field.widget, forms.CheckboxInput)
            field.widget.attrs["class"] = "form-check-input" if checkbox else "form-control"


@login_required
@require_http_methods(["GET", "POST"])
def assignment_settings(request: HttpRequest) -> HttpResponse:
    """Show and change how conversations are assigned, and who is available."""
    member = _manager(request)
    config = assignment.settings_of(member.organization)
    if request.method == "POST":
        form = AssignmentForm(request.POST)
        if form.is_valid():
            try:
                assignment.update_settings(member, **form.cleaned_data,
                                           actor=Actor.from_request(request))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Assignment settings saved."))
                return HttpResponseRedirect(reverse("inbox:assignment"))
    else:
        form = AssignmentForm(initial={
            "auto_assign": config.auto_assign, "max_open": config.max_open,
            "respect_shifts": config.respect_shifts,
            "respect_languages": config.respect_languages})
    people = (availability.who_is_available(member)
              if can(member, Action.ASSIGN_CONVERSATIONS, member.organization) else [])
    return render(request, "inbox/settings/assignment.html",
                  {"form": form, "people": people, "statuses": AvailabilityStatus.choices})


@login_required
@require_POST
def availability_set(request: HttpRequest, member_id: int | None = None) -> HttpResponse:
    """Set one's own availability (the inbox header switch) or, for managers, anyone's."""
    member = _member(request)
    person = member if member_id is None else availability.member_of_organization(
        member, member_id)
    status = request.POST.get("status", "")
    try:
        change = availability.set_availability(member, person, status,
                                               Actor.from_request(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("inbox:conversations"))
    if request.headers.get("HX-Request") and member_id is None:
        return render(request, "inbox/_availability.html",
                      availability.switch_context(member, change.released))
    if change.released:
        messages.success(request, ngettext(
            "%(name)s is away: %(released)d open conversation went back to round robin, "
            "%(assigned)d reassigned.",
            "%(name)s is away: %(released)d open conversations went back to round robin, "
            "%(assigned)d reassigned.", change.released)
            % {"name": person.display_name, "released": change.released,
               "assigned": change.reassigned})
    else:
        messages.success(request, _("Availability saved."))
    target = request.POST.get("next", "")
    return HttpResponseRedirect(reverse("inbox:assignment") if target == "assignment"
                                else reverse("inbox:conversations"))
