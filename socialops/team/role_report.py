"""The role report: what the job consists of, measured from the audit trail and replies.

Each audited action belongs to one responsibility and counts for an estimated number
of minutes of work (ACTION_MINUTES; docs/team.md gives the reasons). Shares of
volume and of estimated time, plus seniority signals, become a job description
draft in French or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from socialops.core.models import AuditEvent, Member
from socialops.core.permissions import Action, require
from socialops.inbox.models import Direction, Message

RESPONSIBILITIES: dict[str, Any] = {
    "publishing": gettext_lazy("Publishing: planning, writing and scheduling content"),
    "community": gettext_lazy("Community management: answering and moderating conversations"),
    "crisis": gettext_lazy("Crisis management: incidents, holding statements, coordination"),
    "approvals": gettext_lazy("Approvals and educating stakeholders: reviews, explanations, "
                              "content requests answered"),
    "governance": gettext_lazy("Governance and security: channels, access, credentials"),
    "analytics": gettext_lazy("Analytics and reporting"),
    "oncall": gettext_lazy("On-call duty: pages acknowledged, handovers"),
}
# (action prefix, responsibility, estimated minutes); the first matching prefix wins.
ACTION_MINUTES: list[tuple[str, str, float]] = [
    ("post.approve", "approvals", 8), ("post.reject", "approvals", 10),
    ("post.request_changes", "approvals", 12), ("approval_policy.", "approvals", 15),
    ("post.", "publishing", 15), ("variant.", "publishing", 5),
    ("campaign.", "publishing", 20),
    ("inbox.reply", "community", 0),  # replies are counted from messages below
    ("inbox.", "community", 2),
    ("incident.", "crisis", 15),
    ("channel", "governance", 10), ("credentials.", "governance", 10),
    ("member.", "governance", 10), ("twofactor.", "governance", 5),
    ("analytics.", "analytics", 20), ("report.", "analytics", 20),
    ("listening.", "analytics", 10),
    ("team.page_acknowledge", "oncall", 20), ("team.handoff_note", "oncall", 10),
]
REPLY_MINUTES = 4.0


@dataclass
class RoleReport:
    """Shares of volume and estimated time per responsibility, and seniority signals."""

    start: datetime
    end: datetime
    member: Member | None
    volume: dict[str, int] = field(default_factory=dict)
    minutes: dict[str, float] = field(default_factory=dict)
    crisis_led: int = 0
    approvals: int = 0
    # Paid campaigns this person created or changed: campaign id -> (budget, currency).
    budgets: dict[str, tuple[Decimal, str]] = field(default_factory=dict)

    def budget_totals(self) -> list[tuple[str, Decimal]]:
        """Return the budgets managed, summed per currency."""
        totals: dict[str, Decimal] = {}
        for amount, currency in self.budgets.values():
            totals[currency] = totals.get(currency, Decimal(0)) + amount
        return sorted(totals.items())

    def shares(self) -> list[tuple[str, Any, int, float, float]]:
        """Return (key, label, volume, volume share, time share), largest time share first."""
        total_volume = sum(self.volume.values()) or 1
        total_minutes = sum(self.minutes.values()) or 1.0
        rows = [(key, label, self.volume.get(key, 0),
                 self.volume.get(key, 0) / total_volume,
                 self.minutes.get(key, 0.0) / total_minutes)
                for key, label in RESPONSIBILITIES.items()]
        return sorted(rows, key=lambda row: -row[4])

    @property
    def senior(self) -> bool:
        """Return whether the measured work shows senior responsibilities."""
        return self.crisis_led > 0 or self.approvals >= 10 or bool(self.budgets)


def classify(action: str) -> tuple[str, float] | None:
    """Return (responsibility, minutes) of an audited action, or None when not work."""
    for prefix, key, minutes in ACTION_MINUTES:
        if action.startswith(prefix):
            return key, minutes
    return None


def role_report(viewer: Member, member: Member | None = None, days: int = 90,
                now: datetime | None = None) -> RoleReport:
    """Return the role report of one member, or of the whole team when member is None."""
    require(viewer, Action.VIEW_STAFFING, viewer.organization)
    end = now or timezone.now()
    start = end - timedelta(days=days)
    report = RoleReport(start, end, member)
    events = AuditEvent.objects.filter(organization=viewer.organization, created_at__gte=start,
                                       created_at__lt=end, actor__isnull=False)
    replies = Message.objects.filter(conversation__organization=viewer.organization,
                                     direction=Direction.OUT, sent_by__isnull=False,
                                     created_at__gte=start, created_at__lt=end)
    if member is not None:
        events = events.filter(actor=member.user)
        replies = replies.filter(sent_by=member)
    for action, target_id, after in events.order_by("seq").values_list(
            "action", "target_id", "after").iterator():
        found = classify(action)
        if found is None:
            continue
        key, minutes = found
        report.volume[key] = report.volume.get(key, 0) + 1
        report.minutes[key] = report.minutes.get(key, 0.0) + minutes
        report.crisis_led += action == "incident.open"
        report.approvals += action == "post.approve"
        _note_budget(report, action, target_id, after)
    count = replies.count()
    report.volume["community"] = report.volume.get("community", 0) + count
    report.minutes["community"] = report.minutes.get("community", 0.0) + count * REPLY_MINUTES
    return report


def _note_budget(report: RoleReport, action: str, target_id: str, after: Any) -> None:
    """Keep the latest budget of each paid campaign the person created or changed."""
    if action not in ("campaign.create", "campaign.update") or not isinstance(after, dict):
        return
    if after.get("is_paid") and after.get("budget") not in (None, ""):
        try:
            report.budgets[target_id] = (Decimal(str(after["budget"])),
                                         str(after.get("currency") or "EUR"))
        except InvalidOperation:
            return
    else:
        report.budgets.pop(target_id, None)


def job_description(report: RoleReport, language: str) -> dict[str, Any]:
    """Return a job description draft (title, mission, weighted duties, experience)."""
    with translation.override(language):
        title = (_("Senior social media manager") if report.senior
                 else _("Social media and community manager"))
        duties = [(str(label), round(time_share * 100))
                  for _key, label, _volume, _share, time_share in report.shares()
                  if time_share >= 0.01]
        experience = [_("At least five years running brand accounts and communities.")
                      if report.senior else
                      _("Two years or more answering and publishing for a brand.")]
        if report.crisis_led:
            experience.append(ngettext(
                "Has led crisis response (%(count)s incident opened in the period).",
                "Has led crisis response (%(count)s incidents opened in the period).",
                report.crisis_led) % {"count": report.crisis_led})
        if report.approvals:
            experience.append(ngettext(
                "Reviews and approves content for others (%(count)s approval in the period).",
                "Reviews and approves content for others (%(count)s approvals in the period).",
                report.approvals) % {"count": report.approvals})
        totals = report.budget_totals()
        if totals:
            amounts = ", ".join(f"{number_format(amount, 0, force_grouping=True)} {currency}"
                                for currency, amount in totals)
            experience.append(ngettext(
                "Manages paid media budgets (%(count)s paid campaign, %(amounts)s).",
                "Manages paid media budgets (%(count)s paid campaigns, %(amounts)s).",
                len(report.budgets)) % {"count": len(report.budgets), "amounts": amounts})
        else:
            experience.append(_("No paid campaign budget in the period."))
        mission = _("Run the organization's social media presence end to end: publish, "
                    "answer the community, protect the brand in a crisis and keep the "
                    "channels secure, on a rota that covers evenings and weekends.")
        return {"title": title, "mission": mission, "duties": duties,
                "experience": experience, "language": language}
