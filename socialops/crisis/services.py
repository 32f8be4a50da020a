"""Run incidents: open (by hand or from an alert), status, notes, checklist, crisis mode.

Crisis mode uses the publishing app's pause switch (`publishing.pausing`), never a copy
of it: the dispatcher already refuses to claim anything a pause covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.paging import PageRequest, request_page
from socialops.core.permissions import Action, require
from socialops.crisis.models import (
    EntryKind,
    Incident,
    IncidentKind,
    IncidentStatus,
    IncidentTask,
    Playbook,
    Severity,
    TimelineEntry,
)
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation
from socialops.listening.alerting import alert_title
from socialops.listening.models import Alert
from socialops.publishing import pausing
from socialops.publishing.models import PublishingPause, Variant, VariantStatus


def incidents_for(member: Member) -> QuerySet[Incident]:
    """Return the incidents of the member's organization, newest first."""
    require(member, Action.VIEW_INCIDENTS, member.organization)
    return Incident.objects.filter(organization_id=member.organization_id).select_related(
        "owner__user", "playbook")


def get_incident_for_member(member: Member, incident_id: int) -> Incident:
    """Return one incident of the member's organization, or raise Http404."""
    incident = incidents_for(member).filter(pk=incident_id).first()
    if incident is None:
        raise Http404
    return incident


def playbooks_for(member: Member) -> QuerySet[Playbook]:
    """Return the playbooks of the member's organization."""
    require(member, Action.VIEW_INCIDENTS, member.organization)
    return Playbook.objects.filter(organization_id=member.organization_id).prefetch_related(
        "steps__owner__user", "statements", "approvers__user")


def get_playbook_for_member(member: Member, playbook_id: int) -> Playbook:
    """Return one playbook of the member's organization, or raise Http404."""
    playbook = playbooks_for(member).filter(pk=playbook_id).first()
    if playbook is None:
        raise Http404
    return playbook


def add_entry(incident: Incident, kind: str, text: str, *, author: Member | None = None,
              at: datetime | None = None, variant: Variant | None = None,
              channel: Channel | None = None) -> TimelineEntry:
    """Append a line to an incident's timeline."""
    return TimelineEntry.objects.create(incident=incident, kind=kind, text=text[:4000],
                                        author=author, at=at or timezone.now(),
                                        variant=variant, channel=channel)


def _owner_in_org(member: Member, owner: Member | None) -> Member:
    if owner is None:
        return member
    if owner.organization_id != member.organization_id or not owner.is_active:
        raise ValidationError({"owner": _("Choose an active member of the organization.")})
    return owner


@transaction.atomic
def open_incident(member: Member, actor: Actor, *, title: str, kind: str = IncidentKind.OTHER,
                  severity: str = Severity.HIGH, owner: Member | None = None,
                  alert: Alert | None = None) -> Incident:
    """Open an incident, copy its playbook's checklist, link the alert, page the on-call."""
    require(member, Action.MANAGE_INCIDENTS, member.organization)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the incident a title.")
    if kind not in IncidentKind.values:
        errors["kind"] = _("Choose a kind.")
    if severity not in Severity.values:
        errors["severity"] = _("Choose a severity.")
    if errors:
        raise ValidationError(errors)
    owner = _owner_in_org(member, owner)
    playbook = Playbook.objects.filter(organization_id=member.organization_id, kind=kind).first()
    now = timezone.now()
    incident = Incident.objects.create(
        organization_id=member.organization_id, title=title.strip()[:200], kind=kind,
        severity=severity, owner=owner, playbook=playbook, opened_by=member, opened_at=now)
    if playbook is not None:
        IncidentTask.objects.bulk_create(
            IncidentTask(incident=incident, position=step.position, text=step.text,
                         owner=step.owner) for step in playbook.steps.all())
    add_entry(incident, EntryKind.OPENED, _("Incident opened by %(who)s (owner: %(owner)s).") % {
        "who": member.user.get_full_name() or member.user.email,
        "owner": owner.user.get_full_name() or owner.user.email}, author=member, at=now)
    if alert is not None:
        link_alert(incident, alert)
    audit.record(member.organization, actor, "incident.open", incident, after={
        "title": incident.title, "kind": kind, "severity": severity, "owner": owner.pk,
        "alert": alert.pk if alert else None})
    request_page(PageRequest(
        organization_id=incident.organization_id, kind="incident",
        title=_("Incident opened: %(title)s") % {"title": incident.title},
        url=reverse("crisis:incident", args=[incident.pk]),
        dedupe_key=f"incident:{incident.pk}", severity=severity))
    return incident


def link_alert(incident: Incident, alert: Alert) -> None:
    """Link an alert and its query to an incident, with a timeline line at the alert's time."""
    if alert.organization_id != incident.organization_id:
        raise Http404
    incident.alerts.add(alert)
    incident.queries.add(alert.query_id)
    add_entry(incident, EntryKind.ALERT, alert_title(alert), at=alert.created_at)


@transaction.atomic
def open_from_alert(member: Member, actor: Actor, alert: Alert) -> Incident:
    """Open an incident from an alert in one click (or return the one already open)."""
    require(member, Action.MANAGE_INCIDENTS, alert)
    existing = Incident.objects.filter(alerts=alert).first()
    if existing is not None:
        return existing
    severity = alert.severity if alert.severity in Severity.values else Severity.HIGH
    return open_incident(member, actor, title=alert_title(alert), severity=severity,
                         alert=alert)


@transaction.atomic
def change_incident(member: Member, actor: Actor, incident: Incident, *, status: str,
                    severity: str, kind: str, owner: Member | None) -> Incident:
    """Change status, severity, kind or owner; each change is a timeline line."""
    require(member, Action.MANAGE_INCIDENTS, incident)
    if status not in IncidentStatus.values or severity not in Severity.values \
            or kind not in IncidentKind.values:
        raise ValidationError(_("Choose a status, a severity and a kind from the lists."))
    owner = _owner_in_org(member, owner)
    before = {"status": incident.status, "severity": incident.severity, "kind": incident.kind,
              "owner": incident.owner_id}
    changes = []
    if status != incident.status:
        changes.append(_("status: %(label)s") % {"label": IncidentStatus(status).label})
    if severity != incident.severity:
        changes.append(_("severity: %(label)s") % {"label": Severity(severity).label})
    if kind != incident.kind:
        changes.append(_("kind: %(label)s") % {"label": IncidentKind(kind).label})
        incident.playbook = Playbook.objects.filter(
            organization_id=incident.organization_id, kind=kind).first()
    if owner.pk != incident.owner_id:
        changes.append(_("owner: %(name)s") % {"name": owner.user.get_full_name()})
    if not changes:
        return incident
    incident.status, incident.severity, incident.kind, incident.owner = (
        status, severity, kind, owner)
    incident.resolved_at = timezone.now() if status == IncidentStatus.RESOLVED else None
    incident.save()
    add_entry(incident, EntryKind.STATUS, "; ".join(changes), author=member)
    audit.record(member.organization, actor, "incident.change", incident, before=before,
                 after={"status": status, "severity": severity, "kind": kind,
                        "owner": owner.pk})
    return incident


@transaction.atomic
def add_note(member: Member, actor: Actor, incident: Incident, text: str) -> TimelineEntry:
    """Add a manual note to the timeline."""
    require(member, Action.VIEW_INCIDENTS, incident)
    if not text.strip():
        raise ValidationError({"text": _("Write something.")})
    entry = add_entry(incident, EntryKind.NOTE, text.strip(), author=member)
    audit.record(member.organization, actor, "incident.note", incident, after={"entry": entry.pk})
    return entry


@transaction.atomic
def toggle_task(member: Member, actor: Actor, incident: Incident, task_id: int) -> IncidentTask:
    """Tick or untick a checklist item; ticking writes a timeline line."""
    require(member, Action.MANAGE_INCIDENTS, incident)
    task = IncidentTask.objects.filter(incident=incident, pk=task_id).first()
    if task is None:
        raise Http404
    if task.done_at is None:
        task.done_at, task.done_by = timezone.now(), member
        add_entry(incident, EntryKind.TASK, _("Done: %(task)s") % {"task": task.text},
                  author=member)
    else:
        task.done_at, task.done_by = None, None
    task.save(update_fields=["done_at", "done_by"])
    audit.record(member.organization, actor, "incident.task", incident,
                 after={"task": task.pk, "done": task.done_at is not None})
    return task


@transaction.atomic
def link_conversation(member: Member, actor: Actor, incident: Incident,
                      conversation_id: int) -> Conversation:
    """Link an inbox conversation of the organization to the incident."""
    require(member, Action.MANAGE_INCIDENTS, incident)
    conversation = Conversation.objects.filter(
        organization_id=incident.organization_id, pk=conversation_id).first()
    if conversation is None:
        raise Http404
    incident.conversations.add(conversation)
    audit.record(member.organization, actor, "incident.link_conversation", incident,
                 after={"conversation": conversation.pk})
    return conversation


# Crisis mode


@transaction.atomic
def enter_crisis_mode(member: Member, actor: Actor, *, incident: Incident | None = None,
                      channels: Sequence[Channel] = (), reason: str = "") -> list[PublishingPause]:
    """Pause publishing of the whole organization (no channels given) or of some channels."""
    require(member, Action.PAUSE_PUBLISHING, member.organization)
    if incident is not None:
        require(member, Action.MANAGE_INCIDENTS, incident)
    reason = reason.strip() or (
        _("Crisis mode: %(title)s") % {"title": incident.title} if incident
        else _("Crisis mode"))
    targets: list[Channel | None] = list(channels) or [None]
    pauses = [pausing.pause_publishing(member, actor, reason=reason, channel=channel)
              for channel in targets]
    if incident is not None:
        incident.pauses.add(*pauses)
        names = ", ".join(c.display_name for c in channels) or _("every channel")
        add_entry(incident, EntryKind.PAUSE, _("Publishing paused (%(where)s): %(count)d "
                                               "scheduled posts held.") % {
            "where": names, "count": len(held_variants(member.organization_id))},
            author=member)
    return pauses


def held_variants(organization_id: int) -> list[Variant]:
    """Return the scheduled variants an active pause holds (due now or later)."""
    pauses = list(pausing.active_pauses(organization_id))
    if not pauses:
        return []
    whole = any(p.channel_id is None for p in pauses)
    query = Variant.objects.filter(organization_id=organization_id,
                                   status=VariantStatus.SCHEDULED)
    if not whole:
        query = query.filter(channel_id__in=[p.channel_id for p in pauses])
    return list(query.select_related("channel", "post").order_by("next_attempt_at", "pk"))


@transaction.atomic
def leave_crisis_mode(member: Member, actor: Actor, pause: PublishingPause, *,
                      publish: Iterable[int] = ()) -> pausing.ResumeResult:
    """Lift a pause; only the overdue posts ticked go out, the others wait to be rescheduled."""
    result = pausing.resume_publishing(member, actor, pause, publish=publish)
    for incident in Incident.objects.filter(pauses=pause):
        add_entry(incident, EntryKind.RESUME, _(
            "Publishing resumed: %(published)d overdue posts published, %(held)d sent back "
            "to be rescheduled.") % {"published": len(result.published),
                                     "held": len(result.held)}, author=member)
    return result


def open_incidents(organization_id: int) -> QuerySet[Incident]:
    """Return the incidents not resolved yet."""
    return Incident.objects.filter(organization_id=organization_id).filter(
        ~Q(status=IncidentStatus.RESOLVED))


@dataclass(frozen=True)
class Line:
    """One line of a rendered timeline (stored or derived)."""

    at: datetime
    kind: str
    label: str
    text: str
    author: str = ""
    url: str = ""


def timeline(incident: Incident) -> list[Line]:
    """Return the incident's timeline: stored lines, posts published and urgent conversations.

    Posts published and urgent conversations during the incident are read from the
    publishing and inbox tables, so they appear whichever way they happened.
    """
    lines = [Line(e.at, e.kind, str(EntryKind(e.kind).label), e.text,
                  e.author.user.get_full_name() if e.author else "")
             for e in incident.entries.select_related("author__user")]
    end = incident.resolved_at or timezone.now()
    published = Variant.objects.filter(
        organization_id=incident.organization_id, status=VariantStatus.PUBLISHED,
        published_at__gte=incident.opened_at, published_at__lte=end,
    ).select_related("channel")
    lines += [Line(v.published_at, EntryKind.PUBLISHED, str(EntryKind.PUBLISHED.label),
                   f"{v.channel.display_name} ({v.channel.network}): {v.text[:200]}",
                   url=v.remote_url) for v in published if v.published_at]
    urgent = Conversation.objects.filter(
        organization_id=incident.organization_id, urgent=True,
        first_inbound_at__gte=incident.opened_at, first_inbound_at__lte=end,
    ).select_related("channel")[:200]
    lines += [Line(c.first_inbound_at, EntryKind.URGENT, str(EntryKind.URGENT.label),
                   f"{c.channel.display_name}: {c.excerpt}",
                   url=reverse("inbox:conversation", args=[c.pk])) for c in urgent]
    return sorted(lines, key=lambda line: line.at)
