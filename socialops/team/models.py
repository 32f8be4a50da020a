"""Team data: people's hours, on-call rotations, time off, pages, staffing settings."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel


def _work_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def _every_day() -> list[int]:
    return [0, 1, 2, 3, 4, 5, 6]


class TeamSettings(models.Model):
    """An organization's escalation delays and staffing assumptions."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="team_settings")
    backup_after_minutes = models.PositiveIntegerField(_("page the backup after (minutes)"),
                                                       default=10)
    manager_after_minutes = models.PositiveIntegerField(_("page the manager after (minutes)"),
                                                        default=20)
    target_s = models.PositiveIntegerField(_("answer target (seconds)"), default=3600)
    service_level = models.FloatField(_("service level"), default=0.8)
    max_occupancy = models.FloatField(_("maximum occupancy"), default=0.85)
    shrinkage = models.FloatField(_("shrinkage"), default=0.3)
    concurrency = models.FloatField(_("conversations handled at once"), default=1.0)
    contract_hours = models.FloatField(_("contract hours per FTE per week"), default=35.0)
    weeks = models.PositiveSmallIntegerField(_("weeks measured"), default=4)

    class Meta:
        verbose_name = _("team settings")
        verbose_name_plural = _("team settings")

    def __str__(self) -> str:
        return f"team settings of {self.organization_id}"


class Profile(models.Model):
    """A member's time zone, working hours, languages and manager."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="team_profile")
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    work_start = models.TimeField(_("working day starts"), default=time(9))
    work_end = models.TimeField(_("working day ends"), default=time(18))
    work_days = models.JSONField(_("working days"), default=_work_days)  # 0 = Monday
    manager = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="reports", verbose_name=_("manager"))
    ical_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("team profile")
        verbose_name_plural = _("team profiles")

    def __str__(self) -> str:
        return f"profile of member {self.member_id}"


class RotationKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly: one person at a time, handed over every period")
    FOLLOW_THE_SUN = "follow_the_sun", _("Follow the sun: each person's own daytime shift")


class CoverRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    BACKUP = "backup", _("Backup")


class Rotation(models.Model):
    """Who is on call for some channels, and when (times in the rotation's or members' zones)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="rotations")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=RotationKind.choices,
                            default=RotationKind.WEEKLY)
    role = models.CharField(_("cover"), max_length=10, choices=CoverRole.choices,
                            default=CoverRole.PRIMARY)
    # No channel means every channel of the organization.
    channels = models.ManyToManyField(Channel, blank=True, related_name="+",
                                      verbose_name=_("channels"))
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    starts_on = models.DateField(_("first handover"))
    handoff_time = models.TimeField(_("handover time"), default=time(9))
    period_days = models.PositiveSmallIntegerField(_("days per turn"), default=7)
    # Weekly rotations cover these local hours only (start == end means all day).
    days = models.JSONField(_("days covered"), default=_every_day)
    day_start = models.TimeField(_("cover starts"), default=time(0))
    day_end = models.TimeField(_("cover ends"), default=time(0))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        constraints = [models.CheckConstraint(condition=Q(period_days__gte=1),
                                              name="team_rotation_period_positive")]

    def __str__(self) -> str:
        return self.name


class RotationMember(models.Model):
    """A person's place in a rotation; follow-the-sun shifts are in their own time zone."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="slots")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rotation_slots")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    shift_start = models.TimeField(_("shift starts"), default=time(9))
    shift_end = models.TimeField(_("shift ends"), default=time(17))
    shift_days = models.JSONField(_("shift days"), default=_work_days)

    class Meta:
        ordering = ["rotation", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["rotation", "member"],
                                               name="team_rotation_member_once")]

    def __str__(self) -> str:
        return f"{self.member_id} in rotation {self.rotation_id}"


class Override(models.Model):
    """Someone takes a rotation's turn for a while (a swap is two overrides)."""

    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="overrides")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("who covers"))
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="team_override_ends_after_start")]

    def __str__(self) -> str:
        return f"override {self.pk}"


class TimeOff(models.Model):
    """A member is away: they are skipped by rotations and paging."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="time_off")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="team_time_off_ends_after_start")]

    def __str__(self) -> str:
        return f"time off {self.pk}"


class HandoffNote(models.Model):
    """What the person going off call tells the next one."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="handoffs")
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"handoff {self.pk}"


SEVERITY_LABELS = {"low": _("low"), "medium": _("medium"), "high": _("high"),
                   "critical": _("critical")}
KIND_LABELS = {"listening_alert": _("Listening alert"), "urgent_message": _("Urgent message"),
               "response_breach": _("Response time missed"), "incident": _("Incident")}


class PageStatus(models.TextChoices):
    OPEN = "open", _("Waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNCOVERED = "uncovered", _("Nobody to page")


class Page(models.Model):
    """A request for a person now, who was paged, and how far it escalated."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=200)
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    severity = models.CharField(_("severity"), max_length=10, default="high")
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=PageStatus.choices,
                              default=PageStatus.OPEN)
    level = models.PositiveSmallIntegerField(default=0)  # 0 primary, 1 backup, 2 manager
    escalate_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("paged at"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["organization", "dedupe_key"],
                                               name="team_page_dedupe")]
        indexes = [models.Index(fields=["status", "escalate_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def severity_label(self) -> str:
        """Return the severity in the reader's language."""
        return str(SEVERITY_LABELS.get(self.severity, self.severity))

    @property
    def kind_label(self) -> str:
        """Return what caused the page, in the reader's language."""
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def safe_url(self) -> str:
        """Return the link if it is a path or a web address (never javascript: or data:)."""
        url = self.url.strip()
        if url.startswith(("/", "https://", "http://")) and not url.startswith("//"):
            return url
        return ""


class PageNotice(models.Model):
    """One person paged for a page, at one escalation level (the in-app list)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="notices")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="page_notices")
    level = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["page", "member", "level"],
                                               name="team_page_notice_once")]

    def __str__(self) -> str:
        return f"notice {self.pk}"
