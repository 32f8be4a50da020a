"""Pages of listening: mentions, queries with their series, alerts, webhooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from socialops.connectors import registry
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.inbox.models import Sentiment
from socialops.listening import services
from socialops.listening.charts import bars
from socialops.listening.models import AlertStatus, ListeningQuery, Metric, Scope, WebhookKind
from socialops.listening.series import local_label, series, summary

PAGE_SIZE = 100
LANGUAGES = [("en", gettext_lazy("English")), ("fr", gettext_lazy("French"))]


def _member(request: HttpRequest, action: Action = Action.VIEW_LISTENING) -> Member:
    member: Member | None = request.member  # type: ignore[attr-defined]
    require(member, action, member.organization if member else None)
    assert member is not None  # require() refused None above
    return member


class QueryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    expression = forms.CharField(
        label=gettext_lazy("Query"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy('Words, "exact phrases", AND, OR, NOT (or -word), parentheses; '
                               "word* matches the start of words. Accents and case are ignored."))
    languages = forms.MultipleChoiceField(label=gettext_lazy("Languages"), choices=LANGUAGES,
                                          required=False, widget=forms.CheckboxSelectMultiple,
                                          help_text=gettext_lazy("None ticked: every language."))
    networks = forms.MultipleChoiceField(label=gettext_lazy("Networks"), required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=gettext_lazy("None ticked: every network."))
    scope = forms.ChoiceField(label=gettext_lazy("Where to listen"), choices=Scope.choices,
                              widget=forms.RadioSelect)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        searchable = set(services.searchable_networks())
        networks = self.fields["networks"]
        assert isinstance(networks, forms.MultipleChoiceField)
        networks.choices = [
            (n, registry.capabilities_for(n).display_name
             + ("" if n in searchable else " " + str(_("(mentions of our channels only)"))))
            for n in registry.networks() if n != "sandbox"]

    def to_input(self) -> services.QueryInput:
        data = self.cleaned_data
        return services.QueryInput(name=data["name"], expression=data["expression"],
                                   languages=data["languages"], networks=data["networks"],
                                   scope=data["scope"], is_active=data["is_active"])


def _apply_errors(form: forms.Form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
@require_GET
def mention_list(request: HttpRequest) -> HttpResponse:
    """Show the mentions of every query with filters, and the queries' last hour."""
    member = _member(request)
    mentions = services.mentions_for(member)
    filters = {key: request.GET.get(key, "") for key in
               ("query", "network", "language", "sentiment", "urgent")}
    if filters["query"].isdigit():
        mentions = mentions.filter(query_id=int(filters["query"]))
    if filters["network"]:
        mentions = mentions.filter(network=filters["network"])
    if filters["language"]:
        mentions = mentions.filter(language=filters["language"])
    if filters["sentiment"] in Sentiment.values:
        mentions = mentions.filter(sentiment=filters["sentiment"])
    if filters["urgent"] == "1":
        mentions = mentions.filter(urgent=True)
    queries = list(services.queries_for(member))
    now = timezone.now()
    for query in queries:
        query.last_hour = summary(query, now - timedelta(hours=1), now)  # type: ignore[attr-defined]
    context = {
        "mentions": list(mentions[:PAGE_SIZE]), "filters": filters, "queries": queries,
        "networks": sorted({(n, n) for n in registry.networks()}),
        "languages": [*LANGUAGES, ("unknown", _("Unknown"))], "sentiments": Sentiment.choices,
        "open_alerts": services.alerts_for(member).filter(status=AlertStatus.OPEN).count(),
        "can_manage": can(member, Action.MANAGE_LISTENING, member.organization),
        "page_size": PAGE_SIZE,
    }
    return render(request, "listening/mention_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def query_create(request: HttpRequest) -> HttpResponse:
    """Create a listening query."""
    member = _member(request, Action.MANAGE_LISTENING)
    form = QueryForm(request.POST or None, initial={"scope": Scope.NETWORK, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            query = services.create_query(member, Actor.from_request(request), form.to_input())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Query created; mentions are collected every minute."))
            return HttpResponseRedirect(reverse("listening:query", args=[query.pk]))
    return render(request, "listening/query_form.html", {"form": form, "query": None})


@login_required
@require_http_methods(["GET", "POST"])
def query_edit(request: HttpRequest, query_id: int) -> HttpResponse:
    """Change a listening query."""
    member = _member(request, Action.MANAGE_LISTENING)
    query = services.get_query_for_member(member, query_id)
    initial = {"name": query.name, "expression": query.expression, "scope": query.scope,
               "languages": query.languages, "networks": query.networks,
               "is_active": query.is_active}
    form = QueryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_query(member, Actor.from_request(request), query, form.to_input())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Query saved."))
            return HttpResponseRedirect(reverse("listening:query", args=[query.pk]))
    return render(request, "listening/query_form.html", {"form": form, "query": query})


@login_required
@require_POST
def query_delete(request: HttpRequest, query_id: int) -> HttpResponse:
    """Delete a query with its mentions and alerts."""
    member = _member(request, Action.MANAGE_LISTENING)
    query = services.get_query_for_member(member, query_id)
    services.delete_query(member, Actor.from_request(request), query)
    messages.success(request, _("Query deleted."))
    return HttpResponseRedirect(reverse("listening:mentions"))


def _chart_rows(query: ListeningQuery, hours: int) -> list[dict[str, Any]]:
    end = timezone.now()
    zone = query.organization.time_zone
    return [{"label": local_label(b.start, zone), "volume": b.volume,
             "negative": b.negative, "urgent": b.urgent}
            for b in series(query, end - timedelta(hours=hours), end)]


@login_required
@require_GET
def query_detail(request: HttpRequest, query_id: int) -> HttpResponse:
    """Show a query: its last 24 hours in 5-minute buckets, recent mentions and alerts."""
    member = _member(request)
    query = services.get_query_for_member(member, query_id)
    rows = _chart_rows(query, 24)
    now = timezone.now()
    context = {
        "query": query, "chart": bars(rows), "rows": rows[-12:][::-1],
        "day": summary(query, now - timedelta(days=1), now),
        "mentions": list(services.mentions_for(member).filter(query=query)[:20]),
        "alerts": list(services.alerts_for(member).filter(query=query)[:10]),
        "can_manage": can(member, Action.MANAGE_LISTENING, member.organization),
    }
    return render(request, "listening/query_detail.html", context)


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """List the alerts, open ones first."""
    member = _member(request)
    alerts = services.alerts_for(member).order_by("status", "-bucket_start")[:PAGE_SIZE]
    return render(request, "listening/alert_list.html", {"alerts": list(alerts)})


@login_required
@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Show an alert with the series around it and the mentions of its hour."""
    member = _member(request)
    alert = services.get_alert_for_member(member, alert_id)
    start = alert.bucket_start - timedelta(hours=2)
    end = alert.bucket_start + timedelta(hours=1)
    zone = member.organization.time_zone
    rows = [{"label": local_label(b.start, zone), "volume": b.volume, "negative": b.negative,
             "urgent": b.urgent} for b in series(alert.query, start, end)]
    mentions = services.mentions_for(member).filter(
        query=alert.query, created_at__gte=alert.bucket_start - timedelta(minutes=30),
        created_at__lt=end)[:30]
    context = {"alert": alert, "chart": bars(rows), "mentions": list(mentions),
               "metric_volume": alert.metric == Metric.VOLUME,
               "can_open_incident": can(member, Action.MANAGE_INCIDENTS, member.organization),
               "incident": _incident_of(alert.pk)}
    return render(request, "listening/alert_detail.html", context)


def _incident_of(alert_id: int) -> Any:
    # The crisis app builds on listening (DESIGN: alert → incident); read-only lookup.
    from django.apps import apps

    if not apps.is_installed("socialops.crisis"):
        return None
    incident_model = apps.get_model("crisis", "Incident")
    return incident_model.objects.filter(alerts__pk=alert_id).first()


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Mark an alert as seen."""
    member = _member(request)
    alert = services.get_alert_for_member(member, alert_id)
    services.acknowledge_alert(member, Actor.from_request(request), alert)
    messages.success(request, _("Alert acknowledged."))
    return HttpResponseRedirect(reverse("listening:alert", args=[alert.pk]))


class WebhookForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    url = forms.URLField(label=gettext_lazy("Address"), max_length=500, assume_scheme="https")
    kind = forms.ChoiceField(label=gettext_lazy("Format"), choices=WebhookKind.choices)


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    """List and add the webhooks that receive alerts; a new secret is shown once."""
    member = _member(request, Action.MANAGE_LISTENING)
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_webhook(member, Actor.from_request(request),
                                              **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            form = WebhookForm()
    context = {"form": form, "webhooks": list(services.webhooks_for(member)),
               "created": created}
    return render(request, "listening/webhook_list.html", context)


@login_required
@require_POST
def webhook_delete(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Remove a webhook."""
    member = _member(request, Action.MANAGE_LISTENING)
    webhook = services.webhooks_for(member).filter(pk=webhook_id).first()
    if webhook is None:
        from django.http import Http404

        raise Http404
    services.delete_webhook(member, Actor.from_request(request), webhook)
    messages.success(request, _("Webhook removed."))
    return HttpResponseRedirect(reverse("listening:webhooks"))
