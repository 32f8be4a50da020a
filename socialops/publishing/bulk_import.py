"""Read a bulk-scheduling CSV (Hootsuite's format, and the named columns other tools add).

Hootsuite's bulk composer takes rows of `date and time, message[, link]` with no header
and a date format chosen at upload. Oktopost or SocialBee exports add a header row and
columns such as network or labels: with a header we read the columns we know by name
and say which ones we ignored. Nothing is created unless every row is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.core import audit, csv_upload
from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.core.permissions import Action, require
from socialops.governance.models import Channel, ChannelStatus
from socialops.publishing import services
from socialops.publishing.models import Campaign, Post
from socialops.publishing.validation import check_variant, placement_label, publishable_placements

MAX_ROWS = 350
MAX_BYTES = 1_000_000
DATE_FORMATS = {
    "dmy": "%d/%m/%Y %H:%M",
    "mdy": "%m/%d/%Y %H:%M",
    "iso": "%Y-%m-%d %H:%M",
}
# Header names we understand, lower-cased; other tools' spellings included.
COLUMNS = {
    "date": ("date", "date and time", "datetime", "date/time", "time", "scheduled at",
             "scheduled_at", "publish at", "publish_at", "when", "date et heure"),
    "message": ("message", "text", "content", "post", "texte", "contenu"),
    "link": ("link", "url", "lien"),
    "network": ("network", "networks", "réseau", "reseau", "platform"),
    "channels": ("channel", "channels", "handle", "handles", "account", "accounts", "compte",
                 "comptes", "profile", "profiles"),
    "labels": ("labels", "label", "tags", "étiquettes", "etiquettes"),
    "campaign": ("campaign", "campagne"),
}


@dataclass
class ImportRow:
    """One post to create, or the reasons it cannot be."""

    line: int
    when: datetime | None = None
    text: str = ""
    link: str = ""
    labels: list[str] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    campaign: Campaign | None = None
    errors: list[str] = field(default_factory=list)
    # Problems against a network's limits: the draft is created, but not sent for review.
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """Every row of a file, and the problems of the file as a whole."""

    rows: list[ImportRow]
    errors: list[str]
    ignored_columns: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)


def _header(first: list[str]) -> dict[str, int] | None:
    """Return column positions by our names if the first row is a header, else None."""
    names = [cell.strip().lower() for cell in first]
    found = {}
    for key, aliases in COLUMNS.items():
        for position, name in enumerate(names):
            if name in aliases and key not in found:
                found[key] = position
    return found if "date" in found or "message" in found else None


def _parse_when(value: str, date_format: str, zone: ZoneInfo) -> datetime:
    try:
        naive = datetime.strptime(value.strip(), DATE_FORMATS[date_format])  # noqa: DTZ007
    except ValueError:
        example = datetime(2026, 12, 31, 9, 30).strftime(DATE_FORMATS[date_format])  # noqa: DTZ001
        raise ValidationError(_("“%(value)s” is not a date and time like %(example)s.")
                              % {"value": value.strip()[:40], "example": example}) from None
    return naive.replace(tzinfo=zone)


def _default_placement(channel: Channel) -> str:
    placements = publishable_placements(channel.network)
    return "feed" if "feed" in placements else placements[0]


def _named_channels(value: str, known: dict[str, Channel], row: ImportRow) -> list[Channel]:
    """Resolve the handles a row names (`@a, b` or `a b`) among the organization's channels."""
    found: list[Channel] = []
    for name in value.replace(",", " ").replace(";", " ").split():
        channel = known.get(name.lstrip("@").lower())
        if channel is None:
            row.errors.append(_("No channel has the handle “%(handle)s”.") % {"handle": name[:60]})
        elif channel not in found:
            found.append(channel)
    return found


def _row(cells: list[str], line: int, columns: dict[str, int], *, date_format: str,
         zone: ZoneInfo, channels: list[Channel], known: dict[str, Channel],
         campaigns: dict[str, Campaign]) -> ImportRow:
    def cell(key: str) -> str:
        position = columns.get(key)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    row = ImportRow(line=line, text=cell("message"), link=cell("link"),
                    labels=[x.strip() for x in cell("labels").replace(";", ",").split(",")
                            if x.strip()])
    try:
        row.when = _parse_when(cell("date"), date_format, zone)
        if row.when < timezone.now() + services.MIN_LEAD:
            row.errors.append(_("The time is in the past: choose a future time."))
    except ValidationError as exc:
        row.errors.extend(exc.messages)
    if not row.text:
        row.errors.append(_("The message is empty."))
    if row.link:
        try:
            URLValidator(schemes=["http", "https"])(row.link)
        except ValidationError:
            row.errors.append(_("The link is not a web address (http:// or https://)."))
    if cell("campaign"):
        row.campaign = campaigns.get(cell("campaign").lower())
        if row.campaign is None:
            row.errors.append(_("No open campaign is called “%(name)s”.")
                              % {"name": cell("campaign")[:60]})
    network = cell("network").lower()
    # Handles named in the row replace the ticked channels; a network narrows either.
    named = _named_channels(cell("channels"), known, row) if cell("channels") else None
    row.channels = [c for c in (channels if named is None else named)
                    if not network or c.network == network]
    if named is None and not channels and "channels" in columns:
        row.errors.append(_("Name the row's channels or tick at least one channel."))
    elif network and not row.channels:
        row.errors.append(_("No chosen channel is on the network “%(network)s”.")
                          % {"network": network[:40]})
    for channel in row.channels:
        placement = _default_placement(channel)
        check = check_variant(channel.network, placement, row.text, first_comment="", media=[])
        row.warnings += [f"{channel.display_name} ({placement_label(placement)}): {problem}"
                         for problem in check.problems]
    return row


def plan_import(member: Member, raw: bytes, *, date_format: str,
                channel_ids: list[int]) -> ImportPlan:
    """Read a CSV and check every row without writing anything."""
    require(member, Action.DRAFT_POSTS, member.organization)
    if date_format not in DATE_FORMATS:
        raise ValidationError(_("Choose a date format."))
    usable = list(Channel.objects.filter(organization_id=member.organization_id)
                  .exclude(status=ChannelStatus.ARCHIVED).order_by("network", "handle"))
    channels = [c for c in usable if c.pk in set(channel_ids)]
    known = {c.handle.lstrip("@").lower(): c for c in usable}
    errors: list[str] = []
    records = csv_upload.records(csv_upload.decode(raw, MAX_BYTES))
    columns = _header(records[0]) if records else None
    if not channels and (columns is None or "channels" not in columns):
        errors.append(_("Choose at least one channel."))
    ignored: list[str] = []
    if columns is not None:
        read = set(columns.values())
        ignored = [name.strip() for pos, name in enumerate(records[0])
                   if pos not in read and name.strip()]
        records = records[1:]
        start_line = 2
        if "date" not in columns or "message" not in columns:
            errors.append(_("The header must name a date column and a message column."))
    else:
        columns = {"date": 0, "message": 1, "link": 2}
        start_line = 1
    if not records:
        errors.append(_("The file has no rows."))
    if len(records) > MAX_ROWS:
        errors.append(_("The file has %(count)d rows; import at most %(max)d at a time.")
                      % {"count": len(records), "max": MAX_ROWS})
        records = records[:MAX_ROWS]
    zone = ZoneInfo(member.organization.time_zone)
    campaigns = {c.name.lower(): c for c in Campaign.objects.filter(
        organization_id=member.organization_id, archived=False)}
    rows = [_row(cells, start_line + n, columns, date_format=date_format, zone=zone,
                 channels=channels, known=known, campaigns=campaigns)
            for n, cells in enumerate(records)]
    return ImportPlan(rows=rows, errors=errors, ignored_columns=ignored)


@transaction.atomic
def run_import(member: Member, actor: Actor, plan: ImportPlan, *,
               submit: bool) -> tuple[list[Post], int]:
    """Create one draft per row, planned at its time; all or nothing.

    With `submit`, posts that fit their networks go to review (and are scheduled for
    their planned time when approved); the rest stay drafts to fix. Returns the posts
    and how many were submitted.
    """
    require(member, Action.DRAFT_POSTS, member.organization)
    if not plan.ok:
        raise ValidationError(_("Fix the rows in error first; nothing was imported."))
    posts: list[Post] = []
    submitted = 0
    for row in plan.rows:
        assert row.when is not None
        post = services.create_post(
            member, actor, text=row.text, link=row.link, labels=row.labels,
            targets=[(c.pk, _default_placement(c)) for c in row.channels], planned_at=row.when,
            campaign_id=row.campaign.pk if row.campaign else None)
        if submit and not row.warnings:
            services.submit_for_review(member, actor, post)
            submitted += 1
        posts.append(post)
    audit.record(member.organization, actor, "post.import", member.organization, after={
        "posts": [p.pk for p in posts], "submitted": submitted})
    return posts, submitted
