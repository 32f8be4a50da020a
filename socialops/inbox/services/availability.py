"""Who takes conversations now: each member's availability, changed by them or a manager.

Going away hands the person's open conversations back to round robin (when automatic
assignment is on); going offline only stops new ones, so a day's work is not scattered
when someone signs off for the evening.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.inbox.models import Conversation, Status
from socialops.inbox.rule_models import Availability, AvailabilityStatus
from socialops.inbox.services.assignment import auto_assign, settings_of


def status_of(member: Member) -> str:
    """Return a member's availability (offline until they say otherwise)."""
    row = Availability.objects.filter(member_id=member.pk).only("status").first()
    return row.status if row else AvailabilityStatus.OFFLINE


def member_of_organization(member: Member, member_id: int) -> Member:
    """Return an active member of the member's organization, or raise Http404."""
    found = Member.objects.filter(organization_id=member.organization_id, pk=member_id,
                                  is_active=True).select_related("user").first()
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class AvailabilityChange:
    """What changing someone's availability did."""

    status: str
    released: int
    reassigned: int


@transaction.atomic
def set_availability(member: Member, person: Member, status: str,
                     actor: Actor) -> AvailabilityChange:
    """Set a member's availability: their own (who answers), or anyone's (who assigns)."""
    if person.pk == member.pk:
        require(member, Action.RESPOND)
    else:
        require(member, Action.ASSIGN_CONVERSATIONS, member.organization)
    if person.organization_id != member.organization_id:
        raise Http404
    if status not in AvailabilityStatus.values:
        raise ValidationError(_("Choose available, away or offline."))
    row = Availability.objects.select_for_update().get_or_create(
        member=person, defaults={"organization_id": person.organization_id})[0]
    before = row.status
    row.status, row.changed_at, row.changed_by = status, timezone.now(), member
    row.save(update_fields=["status", "changed_at", "changed_by"])
    audit.record(member.organization, actor, "inbox.availability", person,
                 before={"status": before}, after={"status": status})
    released = reassigned = 0
    if status == AvailabilityStatus.AWAY and before != AvailabilityStatus.AWAY:
        released, reassigned = _hand_back(member, person, actor)
    return AvailabilityChange(status, released, reassigned)


def _hand_back(member: Member, person: Member, actor: Actor) -> tuple[int, int]:
    """Return someone's open conversations to round robin; one audit event for all."""
    organization = member.organization
    if not settings_of(organization).auto_assign:
        return 0, 0
    mine = list(Conversation.objects.select_for_update().filter(
        organization_id=organization.pk, status=Status.OPEN, assignee=person))
    if not mine:
        return 0, 0
    for conversation in mine:
        conversation.assignee = None
    Conversation.objects.bulk_update(mine, ["assignee"], batch_size=500)
    result = auto_assign(organization, mine, exclude=[person.pk], actor=actor)
    audit.record(organization, actor, "inbox.reassign_away", person,
                 after={"released": len(mine), "reassigned": result.assigned,
                        "waiting": result.waiting})
    return len(mine), result.assigned


@dataclass(frozen=True)
class PersonStatus:
    """One line of the managers' "who is available" list."""

    member: Member
    status: str
    open: int


def who_is_available(member: Member) -> list[PersonStatus]:
    """Return every member who answers, with their availability and open conversations."""
    require(member, Action.ASSIGN_CONVERSATIONS, member.organization)
    people = [m for m in Member.objects.filter(organization_id=member.organization_id,
                                               is_active=True).select_related("user")
              if can(m, Action.RESPOND)]
    statuses = dict(Availability.objects.filter(organization_id=member.organization_id)
                    .values_list("member_id", "status"))
    loads = dict(Conversation.objects.filter(organization_id=member.organization_id,
                                             status=Status.OPEN, assignee__isnull=False)
                 .values_list("assignee_id").annotate(n=Count("pk")).order_by())
    order = {AvailabilityStatus.AVAILABLE: 0, AvailabilityStatus.AWAY: 1,
             AvailabilityStatus.OFFLINE: 2}
    rows = [PersonStatus(p, statuses.get(p.pk, AvailabilityStatus.OFFLINE), loads.get(p.pk, 0))
            for p in people]
    return sorted(rows, key=lambda r: (order[AvailabilityStatus(r.status)],
                                       r.member.display_name.casefold()))


def switch_context(member: Member, released: int = 0) -> dict[str, object]:
    """Return what the inbox header's availability switch shows to a member."""
    context: dict[str, object] = {
        "status": status_of(member), "statuses": AvailabilityStatus.choices,
        "released": released, "available": None,
        "can_respond": can(member, Action.RESPOND)}
    if can(member, Action.ASSIGN_CONVERSATIONS, member.organization):
        context["available"] = [p.member for p in who_is_available(member)
                                if p.status == AvailabilityStatus.AVAILABLE]
    return context
