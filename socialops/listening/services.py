"""Write and read listening data for a member: queries, mentions, alerts, webhooks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.connectors.capabilities import Feature
from socialops.connectors.http import check_public_url
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.listening.models import (
    Alert,
    AlertStatus,
    ListeningQuery,
    Mention,
    Scope,
    Webhook,
    WebhookKind,
)
from socialops.listening.query import QuerySyntaxError, parse

LANGUAGES = ("en", "fr")


def searchable_networks() -> list[str]:
    """Return the networks whose connector can search public posts (capability data)."""
    return [n for n in registry.networks() if registry.capabilities_for(n).supports(Feature.SEARCH)]


@dataclass(frozen=True)
class QueryInput:
    """What a form or the API gives to create or change a query."""

    name: str
    expression: str
    languages: list[str]
    networks: list[str]
    scope: str
    is_active: bool = True

    def clean(self) -> dict[str, Any]:
        """Return the validated fields, or raise ValidationError keyed by field."""
        errors: dict[str, str] = {}
        name = self.name.strip()
        if not name:
            errors["name"] = _("Give the query a name.")
        try:
            parse(self.expression)
        except QuerySyntaxError as exc:
            errors["expression"] = str(exc)
        if bad := sorted(set(self.languages) - set(LANGUAGES)):
            errors["languages"] = _("Unknown languages: %(codes)s") % {"codes": ", ".join(bad)}
        if bad := sorted(set(self.networks) - set(registry.networks())):
            errors["networks"] = _("Unknown networks: %(names)s") % {"names": ", ".join(bad)}
        if self.scope not in Scope.values:
            errors["scope"] = _("Choose a scope.")
        elif self.scope == Scope.NETWORK:
            wanted = self.networks or searchable_networks()
            if not set(wanted) & set(searchable_networks()):
                errors["networks"] = _("None of these networks lets us search public posts; "
                                       "listen to the mentions of your channels instead.")
        if errors:
            raise ValidationError(errors)
        return {"name": name[:120], "expression": self.expression.strip(),
                "languages": sorted(set(self.languages)), "networks": sorted(set(self.networks)),
                "scope": self.scope, "is_active": self.is_active}


def queries_for(member: Member) -> QuerySet[ListeningQuery]:
    """Return the listening queries of the member's organization."""
    require(member, Action.VIEW_LISTENING, member.organization)
    return ListeningQuery.objects.filter(organization_id=member.organization_id)


def get_query_for_member(member: Member, query_id: int) -> ListeningQuery:
    """Return one query of the member's organization, or raise Http404."""
    query = queries_for(member).filter(pk=query_id).first()
    if query is None:
        raise Http404
    return query


@transaction.atomic
def create_query(member: Member, actor: Actor, data: QueryInput) -> ListeningQuery:
    """Create a listening query; collection starts at the next poll."""
    require(member, Action.MANAGE_LISTENING, member.organization)
    fields = data.clean()
    try:
        with transaction.atomic():
            query = ListeningQuery.objects.create(organization_id=member.organization_id,
                                                  created_by=member, **fields)
    except IntegrityError:
        raise ValidationError({"name": _("Another query already has this name.")}) from None
    audit.record(member.organization, actor, "listening.query_create", query, after=fields)
    return query


@transaction.atomic
def update_query(member: Member, actor: Actor, query: ListeningQuery,
                 data: QueryInput) -> ListeningQuery:
    """Change a query; mentions already collected stay."""
    require(member, Action.MANAGE_LISTENING, query)
    fields = data.clean()
    before = {k: getattr(query, k) for k in fields}
    for key, value in fields.items():
        setattr(query, key, value)
    try:
        with transaction.atomic():
            query.save(update_fields=list(fields))
    except IntegrityError:
        raise ValidationError({"name": _("Another query already has this name.")}) from None
    audit.record(member.organization, actor, "listening.query_update", query,
                 before=before, after=fields)
    return query


@transaction.atomic
def delete_query(member: Member, actor: Actor, query: ListeningQuery) -> None:
    """Delete a query with its mentions, series and alerts."""
    require(member, Action.MANAGE_LISTENING, query)
    audit.record(member.organization, actor, "listening.query_delete", query,
                 before={"name": query.name, "expression": query.expression})
    query.delete()


def mentions_for(member: Member) -> QuerySet[Mention]:
    """Return the mentions of the member's organization, newest first."""
    require(member, Action.VIEW_LISTENING, member.organization)
    return Mention.objects.filter(organization_id=member.organization_id).select_related(
        "query", "channel")


def alerts_for(member: Member) -> QuerySet[Alert]:
    """Return the alerts of the member's organization, newest first."""
    require(member, Action.VIEW_LISTENING, member.organization)
    return Alert.objects.filter(organization_id=member.organization_id).select_related("query")


def get_alert_for_member(member: Member, alert_id: int) -> Alert:
    """Return one alert of the member's organization, or raise Http404."""
    alert = alerts_for(member).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    return alert


@transaction.atomic
def acknowledge_alert(member: Member, actor: Actor, alert: Alert) -> Alert:
    """Mark an alert as seen by someone (stops the pager's escalation on its side)."""
    require(member, Action.VIEW_LISTENING, alert)
    if alert.status != AlertStatus.OPEN:
        return alert
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_by = member
    alert.acknowledged_at = timezone.now()
    alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    audit.record(member.organization, actor, "listening.alert_acknowledge", alert,
                 after={"status": alert.status})
    return alert


def webhooks_for(member: Member) -> QuerySet[Webhook]:
    """Return the alert webhooks of the member's organization."""
    require(member, Action.MANAGE_LISTENING, member.organization)
    return Webhook.objects.filter(organization_id=member.organization_id)


@transaction.atomic
def create_webhook(member: Member, actor: Actor, *, name: str, url: str,
                   kind: str) -> Webhook:
    """Add an outbound webhook with a new signing secret (returned once, on the object)."""
    require(member, Action.MANAGE_LISTENING, member.organization)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Give the webhook a name.")
    if kind not in WebhookKind.values:
        errors["kind"] = _("Choose a format.")
    if not url.startswith("https://") and not _private_allowed():
        errors["url"] = _("The address must start with https://.")
    elif not _private_allowed():
        try:
            check_public_url(url)
        except Exception:
            errors["url"] = _("This address is not a public internet address.")
    if errors:
        raise ValidationError(errors)
    webhook = Webhook.objects.create(organization_id=member.organization_id, name=name.strip(),
                                     url=url.strip(), kind=kind,
                                     secret=secrets.token_hex(32))
    audit.record(member.organization, actor, "listening.webhook_create", webhook,
                 after={"name": webhook.name, "url": webhook.url, "kind": kind})
    return webhook


@transaction.atomic
def delete_webhook(member: Member, actor: Actor, webhook: Webhook) -> None:
    """Remove a webhook; pending deliveries stop."""
    require(member, Action.MANAGE_LISTENING, webhook)
    audit.record(member.organization, actor, "listening.webhook_delete", webhook,
                 before={"name": webhook.name, "url": webhook.url})
    webhook.delete()


def _private_allowed() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "SOCIALOPS_WEBHOOKS_ALLOW_PRIVATE", False))
