"""Write shifts: rotations, handover notes, overrides (swaps), time off, the iCal address."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel
from socialops.team.models import (
    HandoffNote,
    Override,
    Profile,
    Rotation,
    RotationMember,
    TeamSettings,
    TimeOff,
)
from socialops.team.roster import Roster

NOTE_LIMIT = 4000
FEED_PAST = timedelta(days=14)
FEED_FUTURE = timedelta(days=56)


def rotations_for(member: Member) -> list[Rotation]:
    """Return the organization's rotations (everyone in it may see them)."""
    require(member, Action.VIEW_TEAM, member.organization)
    return list(Rotation.objects.filter(organization=member.organization)
                .prefetch_related("slots__member__user", "channels"))


def get_rotation(member: Member, rotation_id: int) -> Rotation:
    """Return one rotation of the member's organization, or raise Http404."""
    require(member, Action.VIEW_TEAM, member.organization)
    rotation = Rotation.objects.filter(pk=rotation_id, organization=member.organization).first()
    if rotation is None:
        raise Http404
    return rotation


def _org_member(member: Member, member_id: int) -> Member:
    other = Member.objects.filter(pk=member_id, organization=member.organization,
                                  is_active=True).first()
    if other is None:
        raise ValidationError(_("Choose an active member of the organization."))
    return other


@transaction.atomic
def add_handoff(member: Member, rotation_id: int, text: str, actor: Actor) -> HandoffNote:
    """Leave a note for whoever takes the rotation's next turn."""
    rotation = get_rotation(member, rotation_id)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the handover note."))
    if len(text) > NOTE_LIMIT:
        raise ValidationError(_("A handover note has at most %(limit)s characters.")
                              % {"limit": NOTE_LIMIT})
    note = HandoffNote.objects.create(organization=member.organization, rotation=rotation,
                                      author=member, text=text)
    audit.record(member.organization, actor, "team.handoff_note", note,
                 after={"rotation": rotation.pk, "length": len(text)})
    return note


def _check_span(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(_("The end must come after the start."))
    if ends_at - starts_at > timedelta(days=366):
        raise ValidationError(_("A period lasts at most a year."))


@transaction.atomic
def add_override(member: Member, rotation_id: int, covering_id: int, starts_at: datetime,
                 ends_at: datetime, reason: str, actor: Actor) -> Override:
    """Let someone take a rotation's turn for a while (shift managers only)."""
    require(member, Action.MANAGE_SHIFTS, member.organization)
    rotation = get_rotation(member, rotation_id)
    covering = _org_member(member, covering_id)
    _check_span(starts_at, ends_at)
    override = Override.objects.create(rotation=rotation, member=covering, starts_at=starts_at,
                                       ends_at=ends_at, reason=reason.strip()[:200])
    audit.record(member.organization, actor, "team.override_create", override,
                 after={"rotation": rotation.pk, "member": covering.pk,
                        "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
    return override


@transaction.atomic
def add_time_off(member: Member, away_id: int, starts_at: datetime, ends_at: datetime,
                 reason: str, actor: Actor) -> TimeOff:
    """Record time off: one's own, or anyone's for shift managers."""
    away = _org_member(member, away_id)
    if away.pk != member.pk:
        require(member, Action.MANAGE_SHIFTS, member.organization)
    else:
        require(member, Action.VIEW_TEAM, member.organization)
    _check_span(starts_at, ends_at)
    time_off = TimeOff.objects.create(member=away, starts_at=starts_at, ends_at=ends_at,
                                      reason=reason.strip()[:200])
    audit.record(member.organization, actor, "team.time_off_create", time_off,
                 after={"member": away.pk, "starts_at": starts_at.isoformat(),
                        "ends_at": ends_at.isoformat()})
    return time_off


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_feed(member: Member, actor: Actor) -> str:
    """Give the member a new secret address for their shifts (the old one stops)."""
    require(member, Action.VIEW_TEAM, member.organization)
    token = secrets.token_urlsafe(32)
    profile, _created = Profile.objects.select_for_update().get_or_create(member=member)
    replaced = bool(profile.ical_token_hash)
    profile.ical_token_hash = _token_hash(token)
    profile.save(update_fields=["ical_token_hash"])
    audit.record(member.organization, actor, "team.shift_feed_create", profile,
                 after={"member": member.pk, "replaces_previous": replaced})
    return token


@transaction.atomic
def revoke_feed(member: Member, actor: Actor) -> bool:
    """Stop the member's shift feed address; return whether there was one."""
    require(member, Action.VIEW_TEAM, member.organization)
    changed = Profile.objects.filter(member=member).exclude(ical_token_hash="").update(
        ical_token_hash="")
    if changed:
        audit.record(member.organization, actor, "team.shift_feed_revoke",
                     target_type="team.profile", after={"member": member.pk})
    return bool(changed)


def has_feed(member: Member) -> bool:
    """Return whether the member has a shift feed address in force."""
    return Profile.objects.filter(member=member).exclude(ical_token_hash="").exists()


def member_for_token(token: str) -> Member | None:
    """Return the member a feed token belongs to while it is valid and they are active."""
    if not token or len(token) > 200:
        return None
    profile = Profile.objects.filter(ical_token_hash=_token_hash(token)).select_related(
        "member__organization", "member__user").first()
    if profile is None or not can(profile.member, Action.VIEW_TEAM,
                                  profile.member.organization):
        return None
    return profile.member


def build_ics(member: Member, now: datetime | None = None) -> bytes:
    """Return the member's on-call shifts from two weeks ago to eight weeks ahead."""
    now = now or timezone.now()
    start = (now - FEED_PAST).replace(minute=0, second=0, microsecond=0)
    end = now + FEED_FUTURE
    roster = Roster(member.organization, start, end)
    calendar = Calendar()
    calendar.add("prodid", "-//socialops//team shifts//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("On call — %(name)s") % {"name": member.display_name})
    for begins, ends, rotation in roster.shifts(member, start, end):
        event = Event()
        event.add("uid", f"shift-{member.pk}-{int(begins.timestamp())}-{rotation}@socialops")
        event.add("summary", _("On call: %(rotation)s") % {"rotation": rotation})
        event.add("dtstart", begins)
        event.add("dtend", ends)
        event.add("dtstamp", now)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


@dataclass(frozen=True)
class RotationData:
    """What a shift manager sets on a rotation."""

    name: str
    kind: str
    role: str
    time_zone: str
    starts_on: date
    handoff_time: time
    period_days: int
    days: list[int]
    day_start: time
    day_end: time
    channel_ids: list[int]


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone: %(zone)s") % {"zone": name}) from None


@transaction.atomic
def create_rotation(member: Member, data: RotationData, actor: Actor) -> Rotation:
    """Create a rotation covering the given channels (none: every channel)."""
    require(member, Action.MANAGE_SHIFTS, member.organization)
    _check_zone(data.time_zone)
    if not data.name.strip():
        raise ValidationError(_("Name the rotation."))
    if not 1 <= data.period_days <= 56:
        raise ValidationError(_("A turn lasts 1 to 56 days."))
    if not data.days or any(day not in range(7) for day in data.days):
        raise ValidationError(_("Choose at least one day."))
    channels = list(Channel.objects.filter(organization=member.organization,
                                           pk__in=data.channel_ids))
    if len(channels) != len(set(data.channel_ids)):
        raise ValidationError(_("Choose channels of the organization."))
    rotation = Rotation.objects.create(
        organization=member.organization, name=data.name.strip()[:120], kind=data.kind,
        role=data.role, time_zone=data.time_zone, starts_on=data.starts_on,
        handoff_time=data.handoff_time, period_days=data.period_days,
        days=sorted(set(data.days)), day_start=data.day_start, day_end=data.day_end)
    rotation.channels.set(channels)
    audit.record(member.organization, actor, "team.rotation_create", rotation,
                 after={"name": rotation.name, "kind": rotation.kind, "role": rotation.role,
                        "channels": sorted(c.pk for c in channels)})
    return rotation


@transaction.atomic
def add_to_rotation(member: Member, rotation_id: int, person_id: int, shift_start: time,
                    shift_end: time, shift_days: list[int], actor: Actor) -> RotationMember:
    """Add a person at the end of a rotation (follow-the-sun: with their local shift)."""
    require(member, Action.MANAGE_SHIFTS, member.organization)
    rotation = get_rotation(member, rotation_id)
    person = _org_member(member, person_id)
    if rotation.slots.filter(member=person).exists():
        raise ValidationError(_("This person is already in the rotation."))
    if not shift_days or any(day not in range(7) for day in shift_days):
        raise ValidationError(_("Choose at least one day."))
    last = rotation.slots.order_by("-position").values_list("position", flat=True).first()
    slot = RotationMember.objects.create(rotation=rotation, member=person,
                                         position=(last or 0) + 1, shift_start=shift_start,
                                         shift_end=shift_end, shift_days=sorted(set(shift_days)))
    audit.record(member.organization, actor, "team.rotation_member_add", rotation,
                 after={"member": person.pk, "position": slot.position})
    return slot


@transaction.atomic
def remove_from_rotation(member: Member, rotation_id: int, person_id: int,
                         actor: Actor) -> bool:
    """Take a person out of a rotation; return whether they were in it."""
    require(member, Action.MANAGE_SHIFTS, member.organization)
    rotation = get_rotation(member, rotation_id)
    deleted, _rows = rotation.slots.filter(member_id=person_id).delete()
    if deleted:
        audit.record(member.organization, actor, "team.rotation_member_remove", rotation,
                     after={"member": person_id})
    return bool(deleted)


SETTING_FIELDS = ("backup_after_minutes", "manager_after_minutes", "target_s", "service_level",
                  "max_occupancy", "shrinkage", "concurrency", "contract_hours", "weeks")


@transaction.atomic
def update_settings(member: Member, values: dict[str, float], actor: Actor) -> TeamSettings:
    """Change the escalation delays and staffing assumptions (shift managers)."""
    require(member, Action.MANAGE_SHIFTS, member.organization)
    row, _created = TeamSettings.objects.select_for_update().get_or_create(
        organization=member.organization)
    if values["manager_after_minutes"] <= values["backup_after_minutes"]:
        raise ValidationError(_("The manager must be paged after the backup."))
    before = {name: getattr(row, name) for name in SETTING_FIELDS}
    for name in SETTING_FIELDS:
        setattr(row, name, values[name])
    row.full_clean()
    row.save()
    audit.record(member.organization, actor, "team.settings", row, before=before,
                 after={name: getattr(row, name) for name in SETTING_FIELDS})
    return row


@dataclass(frozen=True)
class ProfileData:
    """A member's time zone, languages, working hours and manager."""

    time_zone: str
    languages: list[str]
    work_start: time
    work_end: time
    work_days: list[int]
    manager_id: int | None


@transaction.atomic
def update_profile(member: Member, person_id: int, data: ProfileData, actor: Actor) -> Profile:
    """Set a team profile: one's own hours and languages; the manager by shift managers."""
    person = _org_member(member, person_id)
    require(member, Action.VIEW_TEAM, member.organization)
    profile, _created = Profile.objects.select_for_update().get_or_create(member=person)
    manager_changes = data.manager_id != profile.manager_id
    if person.pk != member.pk or manager_changes:
        require(member, Action.MANAGE_SHIFTS, member.organization)
    _check_zone(data.time_zone)
    if not data.work_days or any(day not in range(7) for day in data.work_days):
        raise ValidationError(_("Choose at least one day."))
    manager = _org_member(member, data.manager_id) if data.manager_id else None
    if manager is not None and manager.pk == person.pk:
        raise ValidationError(_("A person cannot be their own manager."))
    profile.time_zone = data.time_zone
    profile.languages = sorted({code.strip().lower()[:8] for code in data.languages
                                if code.strip()})
    profile.work_start, profile.work_end = data.work_start, data.work_end
    profile.work_days = sorted(set(data.work_days))
    profile.manager = manager
    profile.save()
    audit.record(member.organization, actor, "team.profile", profile,
                 after={"member": person.pk, "time_zone": profile.time_zone,
                        "languages": profile.languages, "manager": profile.manager_id})
    return profile
