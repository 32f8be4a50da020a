"""Page the person on call (ADR 0007), escalate to the backup then the manager, acknowledge.

`on_page_request` is registered with socialops.core.paging in TeamConfig.ready(): other apps
never import this module. A page is recorded once per (organization, dedupe_key);
the person paged gets an in-app notice and an e-mail. The beat task calls
`escalate_due` every minute: it claims due pages with row locks (skipping rows
another worker holds), moves each one level up and sets its next deadline in
the same transaction, so running it twice pages nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.paging import PageRequest
from socialops.core.permissions import Action, can, require
from socialops.governance.models import Channel
from socialops.team.models import Page, PageNotice, PageStatus, TeamSettings
from socialops.team.roster import Cover, Roster

logger = logging.getLogger(__name__)
PRIMARY, BACKUP, MANAGER = 0, 1, 2
LEVEL_LABELS = {PRIMARY: "primary", BACKUP: "backup", MANAGER: "manager"}
SYSTEM = Actor.system("pager")


def _delays(organization: Organization) -> tuple[timedelta, timedelta]:
    settings_row = TeamSettings.objects.filter(organization=organization).first()
    backup = settings_row.backup_after_minutes if settings_row else 10
    manager = settings_row.manager_after_minutes if settings_row else 20
    return timedelta(minutes=backup), timedelta(minutes=max(manager - backup, 1))


def _target(cover: Cover, level: int, already: set[int]) -> tuple[int, Member | None]:
    """Return the first level from `level` up with someone not yet paged."""
    people = {PRIMARY: cover.primary, BACKUP: cover.backup, MANAGER: cover.manager}
    for candidate in range(level, MANAGER + 1):
        person = people[candidate]
        if person is not None and person.pk not in already:
            return candidate, person
    return MANAGER, None


def _notify(page: Page, member: Member, level: int, now: datetime) -> None:
    PageNotice.objects.get_or_create(page=page, member=member, level=level,
                                     defaults={"sent_at": now})
    transaction.on_commit(lambda: email_page(page.pk, member.pk, level))


def page(request: PageRequest, now: datetime | None = None) -> Page | None:
    """Record a page and notify who is on call; a known dedupe key pages nobody again."""
    now = now or timezone.now()
    organization = Organization.objects.filter(pk=request.organization_id).first()
    if organization is None:
        return None
    channel = (Channel.objects.filter(pk=request.channel_id, organization=organization).first()
               if request.channel_id else None)
    try:
        with transaction.atomic():
            record = Page.objects.create(
                organization=organization, kind=request.kind[:40], title=request.title[:300],
                url=request.url[:500], dedupe_key=request.dedupe_key[:200], channel=channel,
                severity=request.severity[:10], details=dict(request.details), created_at=now)
            cover = Roster(organization, now, now + timedelta(seconds=1)).cover(
                channel.pk if channel else None, now)
            level, person = _target(cover, PRIMARY, set())
            to_backup, _to_manager = _delays(organization)
            if person is None:
                record.status = PageStatus.UNCOVERED
            else:
                record.level = level
                record.escalate_at = now + to_backup if level < MANAGER else None
                _notify(record, person, level, now)
            record.save(update_fields=["status", "level", "escalate_at"])
            audit.record(organization, SYSTEM, "team.page", record,
                         after={"kind": record.kind, "dedupe_key": record.dedupe_key,
                                "level": LEVEL_LABELS[record.level],
                                "paged": person.pk if person else None})
    except IntegrityError:
        # The same cause was paged already (concurrently or earlier): nothing more to do.
        return None
    return record


def on_page_request(request: PageRequest) -> None:
    """Handle a page request from another app (the function registered with core.paging).

    It runs in the caller's process after its commit (ADR 0007): a failure is logged,
    never raised into the caller, whose own alert list still shows the cause.
    """
    try:
        page(request)
    except Exception:  # the caller must not fail because paging did
        logger.exception("paging failed for %s", request.dedupe_key)


def escalate_due(now: datetime | None = None, limit: int = 200) -> int:
    """Escalate unacknowledged pages whose deadline passed; return how many moved up."""
    now = now or timezone.now()
    moved = 0
    with transaction.atomic():
        # Lock only the page rows (not the joined organization, which audit writes lock).
        due = list(Page.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=PageStatus.OPEN, escalate_at__lte=now).select_related(
            "organization").order_by("escalate_at")[:limit])
        for record in due:
            already = set(record.notices.values_list("member_id", flat=True))
            cover = Roster(record.organization, now, now + timedelta(seconds=1)).cover(
                record.channel_id, now)
            level, person = _target(cover, record.level + 1, already)
            _to_backup, to_manager = _delays(record.organization)
            record.escalate_at = now + to_manager if person is not None and level < MANAGER \
                else None
            if person is not None:
                record.level = level
                _notify(record, person, level, now)
            record.save(update_fields=["level", "escalate_at"])
            audit.record(record.organization, SYSTEM, "team.page_escalate", record,
                         after={"level": LEVEL_LABELS[record.level],
                                "paged": person.pk if person else None})
            moved += person is not None
    return moved


def pages_for(member: Member) -> list[Page]:
    """Return the pages a member may see: all of them for shift managers, else their own."""
    require(member, Action.VIEW_TEAM, member.organization)
    pages = Page.objects.filter(organization=member.organization).select_related(
        "acknowledged_by__user", "channel")
    if not can(member, Action.MANAGE_SHIFTS, member.organization):
        pages = pages.filter(notices__member=member).distinct()
    return list(pages.prefetch_related("notices__member__user")[:200])


@transaction.atomic
def acknowledge(member: Member, page_id: int, actor: Actor) -> Page:
    """Acknowledge a page the member was paged for (or any, for shift managers)."""
    require(member, Action.VIEW_TEAM, member.organization)
    record = Page.objects.select_for_update().filter(
        pk=page_id, organization=member.organization).first()
    if record is None:
        raise Http404
    paged = record.notices.filter(member=member).exists()
    if not paged:
        require(member, Action.MANAGE_SHIFTS, member.organization)
    if record.status == PageStatus.ACKNOWLEDGED:
        return record
    record.status = PageStatus.ACKNOWLEDGED
    record.acknowledged_at = timezone.now()
    record.acknowledged_by = member
    record.escalate_at = None
    record.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "escalate_at"])
    audit.record(member.organization, actor, "team.page_acknowledge", record,
                 after={"level": LEVEL_LABELS[record.level]})
    return record


def email_page(page_id: int, member_id: int, level: int) -> bool:
    """E-mail one notice of a page, once (a failed send is logged, the in-app list stays)."""
    claimed = PageNotice.objects.filter(page_id=page_id, member_id=member_id, level=level,
                                        emailed=False).update(emailed=True)
    if not claimed:
        return False
    notice = PageNotice.objects.select_related("page__organization", "member__user").get(
        page_id=page_id, member_id=member_id, level=level)
    email = notice.member.user.email
    if not email:
        return False
    with translation.override(notice.page.organization.language):
        subject = _("Paged: %(title)s") % {"title": notice.page.title}
        base_url = getattr(settings, "SOCIALOPS_BASE_URL", "")
        url = notice.page.url
        body = render_to_string("team/email/page.txt", {
            "page": notice.page, "level": level, "base_url": base_url,
            "link": base_url + url if url.startswith("/") else url})
    try:
        send_mail(subject, body, None, [email])
    except OSError:
        logger.exception("page %s: e-mail to member %s failed", page_id, member_id)
        return False
    return True
