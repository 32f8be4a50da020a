"""Metrics collected from the networks: per channel per day, and per published post.

Counters are nullable everywhere: None means the network does not report that metric
(see each network's `capabilities.metrics`), which the dashboards show as "—". A
re-collection upserts on the unique keys below, so collecting twice never duplicates.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Organization
from socialops.governance.models import Channel
from socialops.publishing.models import Variant

ACCOUNT_COUNTERS = (
    "followers", "follower_change", "impressions", "reach", "engagements",
    "profile_visits", "link_clicks", "video_views",
)
POST_COUNTERS = (
    "impressions", "reach", "reactions", "comments", "shares", "saves", "clicks", "video_views",
)


class ChannelDayMetrics(models.Model):
    """One channel's counters for one day (followers at the end of the day, day totals)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="day_metrics")
    day = models.DateField(_("day"))
    followers = models.BigIntegerField(_("followers"), null=True, blank=True)
    follower_change = models.BigIntegerField(_("follower change"), null=True, blank=True)
    impressions = models.BigIntegerField(_("impressions"), null=True, blank=True)
    reach = models.BigIntegerField(_("reach"), null=True, blank=True)
    engagements = models.BigIntegerField(_("engagements"), null=True, blank=True)
    profile_visits = models.BigIntegerField(_("profile visits"), null=True, blank=True)
    link_clicks = models.BigIntegerField(_("link clicks"), null=True, blank=True)
    video_views = models.BigIntegerField(_("video views"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected"))

    class Meta:
        verbose_name = _("channel daily metrics")
        verbose_name_plural = _("channel daily metrics")
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="analytics_channel_day"),
        ]
        indexes = [
            # Covers the dashboard's sums: they are read from the index alone, without
            # visiting the table (docs/benchmarks.md, "Analytics dashboard").
            models.Index(fields=["organization", "day", "channel", *ACCOUNT_COUNTERS],
                         name="analytics_day_covering"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}"


MONTH_TOTALS = ("follower_change", "impressions", "reach", "engagements", "profile_visits",
                "link_clicks", "video_views")


class ChannelMonthMetrics(models.Model):
    """One channel's daily counters summed over a calendar month (a rollup).

    Rebuilt from ChannelDayMetrics whenever days of the month are written
    (socialops.analytics.rollups); long periods read whole months here and only their
    edge days from the daily rows.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    follower_change = models.BigIntegerField(null=True, blank=True)
    impressions = models.BigIntegerField(null=True, blank=True)
    reach = models.BigIntegerField(null=True, blank=True)
    engagements = models.BigIntegerField(null=True, blank=True)
    profile_visits = models.BigIntegerField(null=True, blank=True)
    link_clicks = models.BigIntegerField(null=True, blank=True)
    video_views = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "month"], name="analytics_channel_month"),
        ]
        indexes = [models.Index(fields=["organization", "month", "channel", *MONTH_TOTALS],
                                name="analytics_month_covering")]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.month}"


class PostMetrics(models.Model):
    """The latest counters of one published variant (what dashboards rank posts by)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    variant = models.OneToOneField(Variant, on_delete=models.CASCADE, related_name="metrics")
    published_at = models.DateTimeField(_("published"))
    impressions = models.BigIntegerField(_("impressions"), null=True, blank=True)
    reach = models.BigIntegerField(_("reach"), null=True, blank=True)
    reactions = models.BigIntegerField(_("reactions"), null=True, blank=True)
    comments = models.BigIntegerField(_("comments"), null=True, blank=True)
    shares = models.BigIntegerField(_("shares"), null=True, blank=True)
    saves = models.BigIntegerField(_("saves"), null=True, blank=True)
    clicks = models.BigIntegerField(_("clicks"), null=True, blank=True)
    video_views = models.BigIntegerField(_("video views"), null=True, blank=True)
    # reactions + comments + shares + saves, the ones the network reports (docs/metrics.md).
    engagements = models.BigIntegerField(_("engagements"), default=0)
    # The publication's local ISO weekday (1 = Monday) and hour, for "best times" to group
    # in SQL rather than convert every row's time zone on each read.
    published_weekday = models.PositiveSmallIntegerField(default=0)
    published_hour = models.PositiveSmallIntegerField(default=0)
    collected_at = models.DateTimeField(_("collected"))

    class Meta:
        verbose_name = _("post metrics")
        verbose_name_plural = _("post metrics")
        indexes = [
            # Covers "top posts" (first pass) and "best times" of a period: they read the
            # index alone rather than every post's row (docs/benchmarks.md).
            models.Index(fields=["organization", "published_at", "channel", "engagements",
                                 "reach", "published_weekday", "published_hour", "id"],
                         name="analytics_post_period"),
            models.Index(fields=["channel", "published_at"]),
            models.Index(fields=["organization", "-engagements"], name="analytics_post_top"),
        ]

    def __str__(self) -> str:
        return f"variant {self.variant_id}"


class PostMetricSnapshot(models.Model):
    """A post's counters as collected on one day: the history behind PostMetrics."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    impressions = models.BigIntegerField(null=True, blank=True)
    reach = models.BigIntegerField(null=True, blank=True)
    reactions = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    clicks = models.BigIntegerField(null=True, blank=True)
    video_views = models.BigIntegerField(null=True, blank=True)
    collected_at = models.DateTimeField()

    class Meta:
        verbose_name = _("post metric snapshot")
        verbose_name_plural = _("post metric snapshots")
        constraints = [
            models.UniqueConstraint(fields=["variant", "day"], name="analytics_post_day"),
        ]

    def __str__(self) -> str:
        return f"variant {self.variant_id} {self.day}"


class CollectionState(models.Model):
    """When a channel's metrics are next due, and how collection has been failing."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE,
                                   related_name="metrics_collection")
    next_due_at = models.DateTimeField(null=True, blank=True)
    last_collected_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"channel {self.channel_id}"


class ReportSchedule(models.TextChoices):
    ON_DEMAND = "on_demand", _("On demand only")
    WEEKLY = "weekly", _("Every Monday, for the week before")
    MONTHLY = "monthly", _("On the 1st, for the month before")


class ReportSection(models.TextChoices):
    SUMMARY = "summary", _("Plain-language summary")
    KPIS = "kpis", _("Key figures")
    DAILY = "daily", _("Impressions and engagements per day")
    CHANNELS = "channels", _("Channels")
    TOP_POSTS = "top_posts", _("Top posts")
    INBOX = "inbox", _("Community inbox")
    CAMPAIGNS = "campaigns", _("Campaigns")


class ReportDefinition(models.Model):
    """What a report contains, for whom, in which language and how often it is sent."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="report_definitions")
    name = models.CharField(_("name"), max_length=120)
    sections = models.JSONField(_("sections"), default=list)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="+", verbose_name=_("channel"))
    network = models.CharField(_("network"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=5, default="en")
    schedule = models.CharField(_("schedule"), max_length=10, choices=ReportSchedule.choices,
                                default=ReportSchedule.MONTHLY)
    recipients = models.TextField(_("recipients"), blank=True,
                                  help_text=_("E-mail addresses, one per line."))
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    created_by = models.ForeignKey("core.Member", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["next_run_at"])]

    def __str__(self) -> str:
        return self.name

    def recipient_list(self) -> list[str]:
        """Return the recipients' addresses, one per entry, blanks dropped."""
        return [line.strip() for line in self.recipients.replace(",", "\n").splitlines()
                if line.strip()]


class ReportRun(models.Model):
    """One generated report: the archive keeps its PDF, summary and delivery."""

    class Status(models.TextChoices):
        GENERATED = "generated", _("Generated")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Sending failed")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    definition = models.ForeignKey(ReportDefinition, on_delete=models.CASCADE,
                                   related_name="runs")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(max_length=5)
    summary = models.TextField(_("summary"), blank=True)
    # Kept in the database, not under /media/: only members allowed to read analytics
    # may download it, through the page that checks it.
    pdf = models.BinaryField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.GENERATED)
    sent_to = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(_("generated"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self) -> str:
        return f"{self.definition_id} {self.period_start}/{self.period_end}"


class ReportLogo(models.Model):
    """The organization's logo on its PDF reports, re-encoded as a PNG without metadata.

    Kept in the database like the reports themselves (ReportRun.pdf): small, and only
    served through pages that check who asks.
    """

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="report_logo")
    png = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("core.Member", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("report logo")
        verbose_name_plural = _("report logos")

    def __str__(self) -> str:
        return f"logo of {self.organization_id}"
