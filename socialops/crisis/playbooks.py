"""Write playbooks and their holding statements; offer the pre-approved ones while it burns.

Every write is audited in the same transaction. A statement is *pre-approved* when
someone allowed to approve it recorded their approval (who and when); changing its
words withdraws that approval, so what is offered in a crisis is exactly what was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.crisis.models import (
    HoldingStatement,
    IncidentKind,
    IncidentStatus,
    Playbook,
    PlaybookStep,
)

LANGUAGES = ("fr", "en")
CONTACT_FIELDS = ("name", "role", "phone", "email")


@dataclass(frozen=True)
class PlaybookInput:
    """What the playbook form says: steps are (text, owner), contacts are dicts."""

    kind: str
    name: str
    summary: str = ""
    steps: Sequence[tuple[str, Member | None]] = ()
    contacts: Sequence[dict[str, str]] = ()
    approvers: Sequence[Member] = ()


def _check(member: Member, data: PlaybookInput, playbook: Playbook | None) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Give the playbook a name.")
    if data.kind not in IncidentKind.values:
        errors["kind"] = _("Choose a kind.")
    elif Playbook.objects.filter(organization_id=member.organization_id, kind=data.kind).exclude(
            pk=playbook.pk if playbook else 0).exists():
        errors["kind"] = _("There is already a playbook for this kind of incident.")
    if any(len(text) > 300 for text, _owner in data.steps):
        errors["steps"] = _("Keep each checklist item under 300 characters.")
    people = [p for _text, p in data.steps if p] + list(data.approvers)
    if any(p.organization_id != member.organization_id or not p.is_active for p in people):
        errors["approvers"] = _("Choose active members of the organization.")
    if any(not c.get("name", "").strip() for c in data.contacts):
        errors["contacts"] = _("Give each escalation contact a name.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_playbook(member: Member, actor: Actor, data: PlaybookInput,
                  playbook: Playbook | None = None) -> Playbook:
    """Create or replace a playbook: its kind, name, checklist, contacts and approvers."""
    require(member, Action.MANAGE_INCIDENTS, playbook or member.organization)
    _check(member, data, playbook)
    before = _snapshot(playbook) if playbook else None
    contacts = [{k: c.get(k, "").strip()[:200] for k in CONTACT_FIELDS} for c in data.contacts]
    if playbook is None:
        playbook = Playbook(organization_id=member.organization_id)
    playbook.kind, playbook.name, playbook.summary = (
        data.kind, data.name.strip()[:160], data.summary.strip())
    playbook.escalation_contacts = contacts
    try:
        with transaction.atomic():
            playbook.save()
    except IntegrityError as exc:  # two people saving the same kind at once
        raise ValidationError({"kind": _(
            "There is already a playbook for this kind of incident.")}) from exc
    playbook.steps.all().delete()
    PlaybookStep.objects.bulk_create(
        PlaybookStep(playbook=playbook, position=i, text=text.strip(), owner=owner)
        for i, (text, owner) in enumerate(data.steps, start=1))
    playbook.approvers.set(data.approvers)
    audit.record(member.organization, actor,
                 "playbook.change" if before else "playbook.create", playbook,
                 before=before, after=_snapshot(playbook))
    return playbook


def _snapshot(playbook: Playbook) -> dict[str, object]:
    return {"kind": playbook.kind, "name": playbook.name,
            "steps": [[s.text, s.owner_id] for s in playbook.steps.all()],
            "contacts": playbook.escalation_contacts,
            "approvers": sorted(playbook.approvers.values_list("pk", flat=True))}


def may_preapprove(member: Member, playbook: Playbook) -> bool:
    """Tell whether the member may pre-approve this playbook's statements.

    The playbook's approvers do; a playbook without approvers falls back to whoever
    runs incidents, so a new organization is never stuck.
    """
    approvers = list(playbook.approvers.values_list("pk", flat=True))
    return member.pk in approvers if approvers else True


@transaction.atomic
def save_statement(member: Member, actor: Actor, playbook: Playbook, *, language: str,
                   text: str, pre_approved: bool,
                   statement: HoldingStatement | None = None) -> HoldingStatement:
    """Create or change a holding statement; approving records who and when."""
    require(member, Action.MANAGE_INCIDENTS, playbook)
    errors: dict[str, str] = {}
    if language not in LANGUAGES:
        errors["language"] = _("Choose French or English.")
    if not text.strip():
        errors["text"] = _("Write the statement.")
    elif len(text) > 5000:
        errors["text"] = _("Keep the statement under 5,000 characters.")
    reworded = statement is None or statement.text != text.strip() \
        or statement.language != language
    newly_approved = pre_approved and (reworded or statement is None
                                       or statement.approved_at is None)
    if newly_approved and not may_preapprove(member, playbook):
        errors["pre_approved"] = _("Only the playbook's approvers may pre-approve a statement.")
    if errors:
        raise ValidationError(errors)
    before = _statement_snapshot(statement) if statement else None
    if statement is None:
        statement = HoldingStatement(playbook=playbook)
    statement.language, statement.text = language, text.strip()
    if newly_approved:
        statement.approved_by, statement.approved_at = member, timezone.now()
    elif not pre_approved or reworded:
        # New words have not been read by anyone yet: the old approval does not cover them.
        statement.approved_by, statement.approved_at = None, None
    statement.save()
    audit.record(member.organization, actor,
                 "playbook.statement_change" if before else "playbook.statement_create",
                 statement, before=before, after=_statement_snapshot(statement))
    return statement


@transaction.atomic
def delete_statement(member: Member, actor: Actor, statement: HoldingStatement) -> None:
    """Delete a holding statement."""
    require(member, Action.MANAGE_INCIDENTS, statement.playbook)
    audit.record(member.organization, actor, "playbook.statement_delete", statement,
                 before=_statement_snapshot(statement))
    statement.delete()


def _statement_snapshot(statement: HoldingStatement) -> dict[str, object]:
    return {"playbook": statement.playbook_id, "language": statement.language,
            "text": statement.text, "approved_by": statement.approved_by_id,
            "approved_at": statement.approved_at.isoformat() if statement.approved_at else None}


def get_statement_for_member(member: Member, playbook: Playbook,
                             statement_id: int) -> HoldingStatement:
    """Return one statement of a playbook of the member's organization, or raise Http404."""
    statement = HoldingStatement.objects.filter(
        pk=statement_id, playbook=playbook,
        playbook__organization_id=member.organization_id).first()
    if statement is None:
        raise Http404
    return statement


def offered_statements(member: Member, language: str = "") -> list[HoldingStatement]:
    """Return the pre-approved statements of the open incidents' playbooks, `language` first.

    This is what the composer and the inbox reply box offer: nothing while all is calm,
    and only words someone approved in advance.
    """
    try:
        require(member, Action.VIEW_INCIDENTS, member.organization)
    except PermissionDenied:
        return []
    statements = list(HoldingStatement.objects.filter(
        playbook__organization_id=member.organization_id, approved_at__isnull=False,
        playbook__incidents__organization_id=member.organization_id,
        playbook__incidents__status__in=[s for s in IncidentStatus.values
                                         if s != IncidentStatus.RESOLVED],
    ).select_related("playbook").distinct().order_by("playbook__name", "language", "pk"))
    return sorted(statements, key=lambda s: s.language != language)
