"""Read the audit trail: filters, readable before/after differences, CSV rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialops.core.forms import BootstrapForm
from socialops.core.models import AuditEvent, Member

CSV_HEADER = ["seq", "created_at", "actor", "action", "target_type", "target_id",
              "target_label", "ip", "before", "after", "hash"]
# Spreadsheet programs run cells that start with these as formulas.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(BootstrapForm):
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    target_type = forms.ChoiceField(label=_("Target type"), required=False)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data: Any, *, organization_id: int) -> None:
        super().__init__(data)
        events = AuditEvent.objects.filter(organization_id=organization_id).order_by()
        everyone = str(_("Everyone"))
        self.fields["actor"].choices = [("", everyone)] + [  # type: ignore[attr-defined]
            (label, label)
            for label in events.values_list("actor_label", flat=True).distinct().order_by(
                "actor_label")
        ]
        self.fields["action"].choices = [("", str(_("Every action")))] + [  # type: ignore[attr-defined]
            (a, a) for a in events.values_list("action", flat=True).distinct().order_by("action")
        ]
        self.fields["target_type"].choices = [("", str(_("Every type")))] + [  # type: ignore[attr-defined]
            (t, t) for t in events.exclude(target_type="").values_list(
                "target_type", flat=True).distinct().order_by("target_type")
        ]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered_events(member: Member, form: AuditFilterForm) -> QuerySet[AuditEvent]:
    """Return the organization's events matching the form's valid filters, newest first."""
    events = AuditEvent.objects.filter(organization_id=member.organization_id)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("actor"):
        events = events.filter(actor_label=data["actor"])
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("target_type"):
        events = events.filter(target_type=data["target_type"])
    if data.get("since"):
        events = events.filter(created_at__gte=_start_of(data["since"]))
    if data.get("until"):
        events = events.filter(created_at__lt=_start_of(data["until"] + timedelta(days=1)))
    return events.order_by("-seq")


@dataclass(frozen=True)
class Change:
    """One field of an event's before/after, as text."""

    field: str
    before: str
    after: str
    kind: str  # added, removed, changed, same


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def diff(before: Any, after: Any) -> list[Change]:
    """Return the fields of before/after side by side, changed ones marked."""
    old = before if isinstance(before, dict) else ({"value": before} if before else {})
    new = after if isinstance(after, dict) else ({"value": after} if after else {})
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        if key not in old:
            kind = "added"
        elif key not in new:
            kind = "removed"
        else:
            kind = "same" if old[key] == new[key] else "changed"
        changes.append(Change(str(key), _text(old.get(key)), _text(new.get(key)), kind))
    return changes


def _cell(value: Any) -> str:
    text = _text(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    """Yield the CSV header then one row per event (cells safe for spreadsheets)."""
    yield CSV_HEADER
    for event in events.iterator(chunk_size=2000):
        yield [
            str(event.seq), event.created_at.isoformat(), _cell(event.actor_label),
            _cell(event.action), _cell(event.target_type), _cell(event.target_id),
            _cell(event.target_label), event.ip or "", _cell(event.before), _cell(event.after),
            event.hash,
        ]
