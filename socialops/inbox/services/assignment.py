"""Hand conversations out automatically: round robin among people who can take them.

Eligible: an active member who may answer on the conversation's channel (role and
channel grants), who said they are available, who is on shift for that channel now
and speaks the conversation's language (an unknown language: anyone), and who has
fewer open conversations than the organization's cap. Among them, the one with the
fewest open conversations gets it; ties go to whoever was assigned least recently.

Shifts and languages belong to the team app, which nothing imports (ADR 0007): the
team app registers a shift provider in its AppConfig.ready() (ADR 0016). Without one,
everyone available counts as on shift and as speaking every language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization, Team
from socialops.core.permissions import Action, can, require
from socialops.inbox.models import Conversation, Status
from socialops.inbox.rule_models import AssignmentSettings, Availability, AvailabilityStatus

SYSTEM = Actor.system("inbox")
MAX_CAP = 1000
# The beat task's share of waiting conversations per organization and run.
WAITING_LIMIT = 500


class ShiftView(Protocol):
    """Who is on shift at one instant, and who speaks what (answers without queries)."""

    def on_shift(self, member_id: int, channel_id: int) -> bool:
        """Return whether the member works the channel at the instant."""
        ...

    def languages(self, member_id: int) -> frozenset[str] | None:
        """Return the languages the member answers in, or None when unknown (any)."""
        ...

    def is_away(self, member_id: int) -> bool:
        """Return whether the member is on time off at the instant."""
        ...


ShiftProvider = Callable[[Organization, datetime], ShiftView]
_provider: list[ShiftProvider] = []


def register_shift_provider(provider: ShiftProvider) -> None:
    """Set the function that tells who is on shift (called from the team app's ready())."""
    _provider[:] = [provider]


class EveryoneOnShift:
    """The view without a provider: everyone works every channel in every language."""

    def on_shift(self, member_id: int, channel_id: int) -> bool:
        return True

    def languages(self, member_id: int) -> frozenset[str] | None:
        return None

    def is_away(self, member_id: int) -> bool:
        return False


def shift_view(organization: Organization, at: datetime) -> ShiftView:
    """Return the registered provider's view of an instant, or `EveryoneOnShift`."""
    return _provider[0](organization, at) if _provider else EveryoneOnShift()


def settings_of(organization: Organization) -> AssignmentSettings:
    """Return the organization's assignment settings (defaults when never saved)."""
    found = AssignmentSettings.objects.filter(organization_id=organization.pk).first()
    return found or AssignmentSettings(organization=organization)


@dataclass
class Candidate:
    """Someone who may get conversations in this run, and their load."""

    member: Member
    open: int
    last_assigned_at: datetime | None
    teams: frozenset[int]

    def order(self) -> tuple[int, datetime, int]:
        never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
        return (self.open, self.last_assigned_at or never, self.member.pk)


def _candidates(organization: Organization, *, exclude: Iterable[int] = ()) -> list[Candidate]:
    rows = list(
        Availability.objects.filter(organization_id=organization.pk,
                                    status=AvailabilityStatus.AVAILABLE,
                                    member__is_active=True, member__user__is_active=True)
        .exclude(member_id__in=list(exclude))
        .select_related("member__user", "member__organization")
    )
    people = [r for r in rows if can(r.member, Action.RESPOND)]
    if not people:
        return []
    ids = [r.member_id for r in people]
    loads = dict(
        Conversation.objects.filter(organization_id=organization.pk, status=Status.OPEN,
                                    assignee_id__in=ids)
        .values_list("assignee_id").annotate(n=Count("pk")).order_by()
    )
    teams: dict[int, set[int]] = {}
    for member_id, team_id in Team.members.through.objects.filter(
            member_id__in=ids).values_list("member_id", "team_id"):
        teams.setdefault(member_id, set()).add(team_id)
    return [Candidate(r.member, loads.get(r.member_id, 0), r.last_assigned_at,
                      frozenset(teams.get(r.member_id, ()))) for r in people]


def _speaks(view: ShiftView, member_id: int, language: str) -> bool:
    if language in ("", "unknown"):
        return True
    spoken = view.languages(member_id)
    return spoken is None or language in spoken


def _eligible(candidate: Candidate, conversation: Conversation, config: AssignmentSettings,
              view: ShiftView, team_id: int | None) -> bool:
    member = candidate.member
    if config.max_open and candidate.open >= config.max_open:
        return False
    if team_id is not None and team_id not in candidate.teams:
        return False
    if not can(member, Action.RESPOND, conversation):
        return False
    # Time off counts even when shifts are not respected: nobody on leave gets work.
    if view.is_away(member.pk):
        return False
    if config.respect_shifts and not view.on_shift(member.pk, conversation.channel_id):
        return False
    return not (config.respect_languages
                and not _speaks(view, member.pk, conversation.language))


def _waiting_order(conversation: Conversation) -> tuple[bool, int, datetime, int]:
    # Urgent first, then the highest priority, then who has waited longest.
    return (not conversation.urgent, -conversation.priority, conversation.first_inbound_at,
            conversation.pk or 0)


@dataclass(frozen=True)
class AssignResult:
    """What one round of automatic assignment did."""

    assigned: int
    waiting: int
    people: dict[int, int]


def auto_assign(organization: Organization, conversations: Sequence[Conversation], *,
                teams: dict[int, int] | None = None, now: datetime | None = None,
                exclude: Iterable[int] = (), actor: Actor = SYSTEM) -> AssignResult:
    """Assign open, unassigned, non-spam conversations by round robin; audit the round.

    `teams` maps a conversation id to a team (a rule's "assign within team"): those are
    handed out among that team's members even when automatic assignment is off.
    `exclude` keeps some members out of this round (someone just gone away).
    Must run inside the caller's transaction. Costs a fixed number of queries.
    """
    teams = teams or {}
    config = settings_of(organization)
    waiting = sorted(
        (c for c in conversations
         if c.assignee_id is None and c.status == Status.OPEN and not c.spam
         and (config.auto_assign or c.pk in teams)),
        key=_waiting_order)
    if not waiting:
        return AssignResult(0, 0, {})
    now = now or timezone.now()
    candidates = _candidates(organization, exclude=exclude)
    view = shift_view(organization, now) if candidates else EveryoneOnShift()
    picked: Counter[int] = Counter()
    changed: list[Conversation] = []
    for tick, conversation in enumerate(waiting):
        eligible = [c for c in candidates
                    if _eligible(c, conversation, config, view, teams.get(conversation.pk))]
        if not eligible:
            continue
        chosen = min(eligible, key=Candidate.order)
        chosen.open += 1
        # A microsecond apart: the order of this round survives into the next one.
        chosen.last_assigned_at = now + timedelta(microseconds=tick)
        conversation.assignee = chosen.member
        changed.append(conversation)
        picked[chosen.member.pk] += 1
    _save(organization, changed, candidates, picked)
    result = AssignResult(len(changed), len(waiting) - len(changed), dict(picked))
    audit.record(organization, actor, "inbox.auto_assign", organization,
                 after={"assigned": result.assigned, "waiting": result.waiting,
                        "people": {str(k): v for k, v in sorted(picked.items())}})
    return result


def _save(organization: Organization, changed: list[Conversation],
          candidates: list[Candidate], picked: Counter[int]) -> None:
    if not changed:
        return
    # One update per person picked (bounded by the team's size, not the batch's), and
    # only where nobody took the conversation meanwhile.
    by_person: dict[int, list[int]] = {}
    for conversation in changed:
        by_person.setdefault(conversation.assignee_id or 0, []).append(conversation.pk)
    for member_id, ids in by_person.items():
        Conversation.objects.filter(pk__in=ids, assignee__isnull=True).update(
            assignee_id=member_id)
    for candidate in candidates:
        if candidate.member.pk in picked:
            Availability.objects.filter(organization_id=organization.pk,
                                        member_id=candidate.member.pk).update(
                last_assigned_at=candidate.last_assigned_at)


def assign_waiting(organization: Organization, now: datetime | None = None) -> AssignResult:
    """Release the open conversations of people on time off, then assign the waiting ones.

    Run by the beat task for every organization with automatic assignment on.
    """
    now = now or timezone.now()
    with transaction.atomic():
        release_time_off(organization, now)
        waiting = list(
            Conversation.objects.filter(organization_id=organization.pk, status=Status.OPEN,
                                        assignee__isnull=True, spam=False)
            .order_by("-urgent", "-priority", "first_inbound_at")[:WAITING_LIMIT])
        return auto_assign(organization, waiting, now=now)


def release_time_off(organization: Organization, now: datetime) -> int:
    """Return to round robin the open conversations of members whose time off began."""
    holders = list(
        Conversation.objects.filter(organization_id=organization.pk, status=Status.OPEN,
                                    assignee__isnull=False)
        .values_list("assignee_id", flat=True).distinct())
    if not holders:
        return 0
    view = shift_view(organization, now)
    away = [member_id for member_id in holders if view.is_away(member_id)]
    if not away:
        return 0
    released = Conversation.objects.filter(organization_id=organization.pk,
                                           status=Status.OPEN, assignee_id__in=away)
    count = released.update(assignee=None)
    audit.record(organization, SYSTEM, "inbox.release_time_off", organization,
                 after={"members": sorted(away), "released": count})
    return count


def assign_all_waiting(now: datetime | None = None) -> int:
    """Run `assign_waiting` for every organization with automatic assignment on."""
    total = 0
    for config in AssignmentSettings.objects.filter(auto_assign=True).select_related(
            "organization"):
        total += assign_waiting(config.organization, now).assigned
    return total


@transaction.atomic
def update_settings(member: Member, *, auto_assign: bool, max_open: int, respect_shifts: bool,
                    respect_languages: bool, actor: Actor) -> AssignmentSettings:
    """Change how the organization assigns conversations (managers); audited."""
    require(member, Action.MANAGE_INBOX_SETTINGS, member.organization)
    if not 0 <= max_open <= MAX_CAP:
        raise ValidationError({"max_open": _("Give a number between 0 (no cap) and %(n)d.")
                               % {"n": MAX_CAP}})
    config, _created = AssignmentSettings.objects.select_for_update().get_or_create(
        organization=member.organization)
    before = _settings_snapshot(config)
    config.auto_assign, config.max_open = auto_assign, max_open
    config.respect_shifts, config.respect_languages = respect_shifts, respect_languages
    config.save()
    audit.record(member.organization, actor, "inbox.assignment_settings", config,
                 before=before, after=_settings_snapshot(config))
    return config


def _settings_snapshot(config: AssignmentSettings) -> dict[str, object]:
    return {"auto_assign": config.auto_assign, "max_open": config.max_open,
            "respect_shifts": config.respect_shifts,
            "respect_languages": config.respect_languages}
