"""Crisis response: playbooks, incidents, their tasks and timelines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation
from socialops.listening.models import Alert, ListeningQuery
from socialops.publishing.models import PublishingPause, Variant


class IncidentKind(models.TextChoices):
    PRODUCT_RECALL = "product_recall", _("Product recall")
    OUTAGE = "outage", _("Outage")
    EXECUTIVE_SCANDAL = "executive_scandal", _("Executive scandal")
    ACCOUNT_HIJACK = "account_hijack", _("Account hijack")
    TRAGEDY = "tragedy", _("Tragedy")
    DATA_BREACH = "data_breach", _("Data breach")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Investigating")
    RESPONDING = "responding", _("Responding")
    MONITORING = "monitoring", _("Monitoring")
    RESOLVED = "resolved", _("Resolved")


class Playbook(models.Model):
    """What to do for one kind of incident: checklist, statements, contacts, approvers."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="playbooks")
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    name = models.CharField(_("name"), max_length=160)
    summary = models.TextField(_("summary"), blank=True)
    # [{"name", "role", "phone", "email"}]: people to call, in order.
    escalation_contacts = models.JSONField(_("escalation contacts"), default=list, blank=True)
    approvers = models.ManyToManyField(Member, blank=True, related_name="+",
                                       verbose_name=_("who approves responses"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        constraints = [models.UniqueConstraint(fields=["organization", "kind"],
                                               name="playbook_one_per_kind")]

    def __str__(self) -> str:
        return self.name


class PlaybookStep(models.Model):
    """One checklist item of a playbook, with the member who owns it."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("step"), max_length=300)
    owner = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class HoldingStatement(models.Model):
    """A pre-approved public statement of a playbook, in one language."""

    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="statements")
    language = models.CharField(_("language"), max_length=5)
    text = models.TextField(_("text"))
    approved_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["language", "pk"]

    def __str__(self) -> str:
        return f"{self.language}: {self.text[:40]}"


class Incident(models.Model):
    """A crisis being handled: who owns it, how bad, where it stands, what is linked."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="incidents")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices,
                            default=IncidentKind.OTHER)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.HIGH)
    status = models.CharField(_("status"), max_length=14, choices=IncidentStatus.choices,
                              default=IncidentStatus.INVESTIGATING)
    owner = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    playbook = models.ForeignKey(Playbook, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="incidents")
    opened_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    opened_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    alerts = models.ManyToManyField(Alert, blank=True, related_name="incidents")
    queries = models.ManyToManyField(ListeningQuery, blank=True, related_name="incidents")
    conversations = models.ManyToManyField(Conversation, blank=True, related_name="+")
    pauses = models.ManyToManyField(PublishingPause, blank=True, related_name="incidents")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED


class IncidentTask(models.Model):
    """A checklist item of an incident, copied from its playbook when it was opened."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    done_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class EntryKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ALERT = "alert", _("Alert")
    STATUS = "status", _("Status")
    PAUSE = "pause", _("Publishing paused")
    RESUME = "resume", _("Publishing resumed")
    STATEMENT = "statement", _("Holding statement")
    PUBLISHED = "published", _("Post published")
    URGENT = "urgent", _("Urgent conversation")
    TASK = "task", _("Checklist")
    NOTE = "note", _("Note")


class TimelineEntry(models.Model):
    """One line of an incident's timeline: automatic (what happened) or a manual note."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entries")
    at = models.DateTimeField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    text = models.TextField()
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    variant = models.ForeignKey(Variant, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
