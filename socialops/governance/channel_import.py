"""Import channels in bulk from a CSV file: every row checked, all or nothing.

The first row names the columns (any order, French or English names, case ignored):
network, handle, name, owner, backup (e-mail addresses of members), and optionally
region, business unit, language, transport and remote id. A file with any error creates
nothing and lists every error with its line number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.core import audit, csv_upload
from socialops.core.actors import Actor
from socialops.core.models import Language, Member
from socialops.core.permissions import Action, authorize
from socialops.governance.models import Channel, Transport
from socialops.governance.services import create_channel

MAX_BYTES = 1_000_000
MAX_ROWS = 1000
COLUMNS: dict[str, tuple[str, ...]] = {
    "network": ("network", "réseau", "reseau"),
    "handle": ("handle", "identifiant", "account", "compte"),
    "display_name": ("name", "display name", "display_name", "nom"),
    "owner": ("owner", "responsable", "propriétaire", "proprietaire", "owner email"),
    "backup_owner": ("backup", "backup owner", "backup_owner", "suppléant", "suppleant"),
    "region": ("region", "région"),
    "business_unit": ("business unit", "business_unit", "unit", "entité", "entite"),
    "language": ("language", "langue"),
    "transport": ("transport",),
    "remote_id": ("remote id", "remote_id", "id"),
}
REQUIRED = ("network", "handle", "owner", "backup_owner")


@dataclass
class ImportResult:
    """What a file holds: the channels it would create, or why it cannot."""

    rows: list[dict[str, object]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    created: list[Channel] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, int]:
    names = [" ".join(cell.strip().lower().replace("_", " ").split()) for cell in header]
    found: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        wanted = {" ".join(alias.replace("_", " ").split()) for alias in aliases}
        for position, name in enumerate(names):
            if name in wanted and key not in found:
                found[key] = position
    return found


def _cell(record: list[str], columns: dict[str, int], key: str) -> str:
    position = columns.get(key)
    return record[position].strip() if position is not None and position < len(record) else ""


def _check(values: dict[str, str], people: dict[str, Member], taken: set[tuple[str, str]]
           ) -> tuple[dict[str, object], list[str]]:
    errors = []
    network = values["network"].lower()
    if network not in registry.networks():
        errors.append(_("unknown network “%(network)s” (use one of: %(networks)s)") % {
            "network": values["network"][:40], "networks": ", ".join(registry.networks())})
    handle = values["handle"].lstrip("@")
    if not handle or len(handle) > 200:
        errors.append(_("the handle is missing or longer than 200 characters"))
    elif (network, handle.lower()) in taken:
        errors.append(_("%(network)s channel “%(handle)s” already exists or appears twice")
                      % {"network": network, "handle": handle[:60]})
    found: dict[str, Member] = {}
    for key, label in (("owner", _("owner")), ("backup_owner", _("backup"))):
        person = people.get(values[key].lower())
        if person is None:
            errors.append(_("the %(role)s “%(email)s” is not an active member") % {
                "role": label, "email": values[key][:80]})
        else:
            found[key] = person
    if len(found) == 2 and found["owner"].pk == found["backup_owner"].pk:
        errors.append(_("the backup must be someone other than the owner"))
    language = values["language"].lower()
    if language and language not in Language.values:
        errors.append(_("language must be one of: %(languages)s")
                      % {"languages": ", ".join(Language.values)})
    transport = values["transport"].lower() or Transport.NETWORK
    if transport not in Transport.values:
        errors.append(_("transport must be one of: %(values)s")
                      % {"values": ", ".join(Transport.values)})
    for key, limit in (("display_name", 200), ("region", 80), ("business_unit", 120),
                       ("remote_id", 200)):
        if len(values[key]) > limit:
            errors.append(_("%(column)s is longer than %(n)d characters")
                          % {"column": key.replace("_", " "), "n": limit})
    taken.add((network, handle.lower()))
    row: dict[str, object] = {
        "network": network, "handle": handle, "display_name": values["display_name"] or handle,
        "region": values["region"], "business_unit": values["business_unit"],
        "language": language, "transport": transport, "remote_id": values["remote_id"], **found}
    return row, errors


def check_file(member: Member, raw: bytes) -> ImportResult:
    """Read and check a whole file; nothing is written."""
    result = ImportResult()
    try:
        records = csv_upload.records(csv_upload.decode(raw, MAX_BYTES))
    except ValidationError as exc:
        result.errors.append((0, " ".join(exc.messages)))
        return result
    if not records:
        result.errors.append((0, _("The file is empty.")))
        return result
    columns = _columns(records[0])
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        result.errors.append((1, _("Missing columns: %(columns)s. The first row must name "
                                   "the columns.") % {"columns": ", ".join(missing)}))
        return result
    if len(records) - 1 > MAX_ROWS:
        result.errors.append((0, _("At most %(n)d channels per file.") % {"n": MAX_ROWS}))
        return result
    people = {m.user.email.lower(): m for m in Member.objects.filter(
        organization_id=member.organization_id, is_active=True).select_related("user")}
    taken = {(network, handle.lower()) for network, handle in Channel.objects.filter(
        organization_id=member.organization_id).values_list("network", "handle")}
    for line, record in enumerate(records[1:], start=2):
        values = {key: _cell(record, columns, key) for key in COLUMNS}
        row, errors = _check(values, people, taken)
        result.errors.extend((line, error) for error in errors)
        result.rows.append(row)
    return result


@transaction.atomic
def import_file(member: Member, raw: bytes, actor: Actor) -> ImportResult:
    """Create every channel of the file, or none if any row has an error."""
    authorize(actor, Action.MANAGE_CHANNELS, member.organization)
    result = check_file(member, raw)
    if result.errors:
        return result
    for row in result.rows:
        result.created.append(create_channel(member.organization, actor, **row))  # type: ignore[arg-type]
    audit.record(member.organization, actor, "channel.import", member.organization,
                 after={"created": len(result.created)})
    return result
