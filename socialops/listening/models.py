"""Listening: queries, the mentions they collect, 5-minute series, alerts and webhooks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Sentiment


class Scope(models.TextChoices):
    CHANNELS = "channels", _("Mentions of our channels")
    NETWORK = "network", _("Whole network (where search exists)")


class ListeningQuery(models.Model):
    """A boolean query (socialops.listening.query) watched on some networks."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="listening_queries")
    name = models.CharField(_("name"), max_length=120)
    expression = models.TextField(_("query"))
    # Empty lists mean "any": languages are triage codes ("en", "fr"), networks connector keys.
    languages = models.JSONField(_("languages"), default=list, blank=True)
    networks = models.JSONField(_("networks"), default=list, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices,
                             default=Scope.NETWORK)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Collection state: the newest item seen by search, the last inbox message read.
    collected_until = models.DateTimeField(null=True, blank=True)
    inbox_cursor = models.PositiveBigIntegerField(default=0)
    last_collected_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Detection state: the last bucket on which the detector has decided.
    evaluated_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("listening query")
        verbose_name_plural = _("listening queries")
        constraints = [models.UniqueConstraint(fields=["organization", "name"],
                                               name="listening_query_unique_name")]

    def __str__(self) -> str:
        return self.name


class Mention(models.Model):
    """One public message that matched a query; unique per query, network and remote id."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey(ListeningQuery, on_delete=models.CASCADE, related_name="mentions")
    network = models.CharField(max_length=32)
    remote_id = models.CharField(max_length=200)
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.SET_NULL, null=True,
                                     blank=True, related_name="+")
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    collected_at = models.DateTimeField(auto_now_add=True)
    language = models.CharField(max_length=8, default="unknown")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices,
                                 default=Sentiment.NEUTRAL)
    sentiment_score = models.FloatField(default=0.0)
    urgent = models.BooleanField(default=False)
    spam = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [models.UniqueConstraint(fields=["query", "network", "remote_id"],
                                               name="mention_unique_remote_id")]
        indexes = [models.Index(fields=["query", "created_at"]),
                   models.Index(fields=["organization", "created_at"])]

    def __str__(self) -> str:
        return f"{self.network}:{self.remote_id}"


class SeriesBucket(models.Model):
    """The counts of one query in one 5-minute UTC bucket (one compact row per bucket)."""

    query = models.ForeignKey(ListeningQuery, on_delete=models.CASCADE, related_name="buckets")
    start = models.DateTimeField()
    volume = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    urgent = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["query", "start"],
                                               name="series_bucket_unique_start")]

    def __str__(self) -> str:
        return f"{self.query_id}@{self.start:%Y-%m-%d %H:%M}"

    @property
    def negative_share(self) -> float:
        return self.negative / self.volume if self.volume else 0.0


class Metric(models.TextChoices):
    VOLUME = "volume", _("Volume")
    NEGATIVE = "negative_share", _("Negative share")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class Alert(models.Model):
    """An abnormal rise the detector found on a query's series."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="listening_alerts")
    query = models.ForeignKey(ListeningQuery, on_delete=models.CASCADE, related_name="alerts")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    bucket_start = models.DateTimeField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    score = models.FloatField()
    value = models.FloatField()
    baseline = models.FloatField()
    status = models.CharField(max_length=14, choices=AlertStatus.choices,
                              default=AlertStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-bucket_start", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["query", "metric", "bucket_start"],
                                               name="alert_unique_bucket")]

    def __str__(self) -> str:
        return f"{self.metric} alert on query {self.query_id} at {self.bucket_start:%Y-%m-%d}"

    @property
    def dedupe_key(self) -> str:
        return f"listening-alert:{self.pk}"


class WebhookKind(models.TextChoices):
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")
    GENERIC = "generic", _("JSON")


class Webhook(models.Model):
    """An outbound HTTPS endpoint that receives the organization's alerts, signed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="listening_webhooks")
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    kind = models.CharField(_("format"), max_length=10, choices=WebhookKind.choices,
                            default=WebhookKind.SLACK)
    # HMAC-SHA256 key; shown once when created, never in a page after that.
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One alert sent to one webhook: attempts until delivered or given up."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "alert"],
                                               name="webhook_delivery_unique")]

    def __str__(self) -> str:
        return f"alert {self.alert_id} → webhook {self.webhook_id}"
