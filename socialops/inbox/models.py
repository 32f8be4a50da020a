"""Contacts, conversations, messages and the per-channel poll state of the community inbox."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization, Team
from socialops.governance.models import Channel


class Kind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    MENTION = "mention", _("Mention")
    DM = "dm", _("Direct message")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    SNOOZED = "snoozed", _("Snoozed")
    CLOSED = "closed", _("Closed")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class Priority(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")
    URGENT = 3, _("Urgent")


class Direction(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class Delivery(models.TextChoices):
    """Where an outgoing message stands; inbound messages stay at RECEIVED."""

    RECEIVED = "received", _("Received")
    PENDING = "pending", _("Sending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    AWAITING_APPROVAL = "awaiting", _("Waiting for approval")
    REJECTED = "rejected", _("Not approved")


class Contact(models.Model):
    """A person (or account) on one network who wrote to the organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="inbox_contacts"
    )
    network = models.CharField(_("network"), max_length=32)
    remote_handle = models.CharField(_("handle"), max_length=200)
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    notes = models.TextField(_("notes"), blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network", "remote_handle"], name="contact_unique_handle"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.remote_handle

    @property
    def first_name(self) -> str:
        return (self.display_name or self.remote_handle).split(" ")[0]


class Conversation(models.Model):
    """A thread on one channel: a comment thread, a mention or a DM thread."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="conversations"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    thread_key = models.CharField(max_length=255)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_conversations", verbose_name=_("assignee"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    language = models.CharField(_("language"), max_length=8, default="unknown")
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    sentiment_score = models.FloatField(default=0.0)
    urgent = models.BooleanField(_("urgent"), default=False)
    spam = models.BooleanField(_("spam"), default=False)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    excerpt = models.CharField(max_length=280, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    post_remote_id = models.CharField(_("post"), max_length=200, blank=True)
    first_inbound_at = models.DateTimeField(_("first message"))
    last_inbound_at = models.DateTimeField(_("last message"))
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    # The response the contact is waiting for now (cleared when a reply goes out).
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    # When the queue starts warning that the target is close (WARN_SHARE of the target).
    response_warn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "thread_key"], name="conversation_unique_thread"
            )
        ]
        indexes = [
            # The queues: open (or closed…) conversations, newest activity first.
            models.Index(fields=["organization", "status", "-last_inbound_at"],
                         name="inbox_queue_idx"),
            models.Index(fields=["organization", "assignee", "status", "-last_inbound_at"],
                         name="inbox_assignee_idx"),
            models.Index(fields=["organization", "urgent", "status"], name="inbox_urgent_idx"),
            # The live cursor: what is new since the id the page last saw.
            models.Index(fields=["organization", "id"], name="inbox_cursor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.thread_key} ({self.status})"

    @property
    def is_overdue(self) -> bool:
        return self.response_due_at is not None and self.response_due_at <= timezone.now()

    @property
    def is_due_soon(self) -> bool:
        """Return whether the response target is close (warning) but not yet breached."""
        now = timezone.now()
        return (self.response_warn_at is not None and self.response_warn_at <= now
                and not self.is_overdue)


class Message(models.Model):
    """One message of a conversation, received from the network or sent by the team."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    # Blank for an outgoing message until the network has accepted it.
    remote_id = models.CharField(max_length=200, blank=True)
    parent_remote_id = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    author_handle = models.CharField(max_length=200, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    sent_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField()
    language = models.CharField(max_length=8, default="unknown")
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices,
                                 default=Sentiment.NEUTRAL)
    sentiment_score = models.FloatField(default=0.0)
    spam = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    urgent_reasons = models.JSONField(default=list, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices,
                                                default=Priority.NORMAL)
    edited = models.BooleanField(default=False)
    deleted = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, blank=True)
    # Outgoing messages: delivery through the connector, exactly once.
    idempotency_key = models.CharField(max_length=80, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices,
                                default=Delivery.RECEIVED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    # Reply approval: who let the reply go out (or turned it down, with `error` as the reason).
    reviewed_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "remote_id"], condition=~Q(remote_id=""),
                name="message_unique_remote_id",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""),
                name="message_unique_idempotency_key",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "created_at"], name="inbox_thread_idx")]

    def __str__(self) -> str:
        return f"{self.direction} {self.remote_id or self.pk}"


class ChannelPoll(models.Model):
    """Where polling of one channel's inbox stands, and who holds it right now."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="inbox_poll")
    cursor = models.CharField(max_length=500, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    items_ingested = models.PositiveBigIntegerField(default=0)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbox poll state")
        verbose_name_plural = _("inbox poll states")
        indexes = [models.Index(fields=["next_poll_at"], name="inbox_poll_due_idx")]

    def __str__(self) -> str:
        return f"poll of channel {self.channel_id}"


class ReplyLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class SavedReply(models.Model):
    """A ready-made answer in one language, for the whole organization or one team."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="saved_replies"
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="saved_replies",
        verbose_name=_("team"),
    )
    language = models.CharField(_("language"), max_length=8, choices=ReplyLanguage.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "title"]
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        constraints = [
            models.UniqueConstraint(fields=["organization", "language", "title"],
                                    name="saved_reply_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class ResponseTarget(models.Model):
    """How fast a priority must be answered, for one channel or every channel (blank)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="response_targets"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("channel"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    minutes = models.PositiveIntegerField(_("minutes"))

    class Meta:
        verbose_name = _("response-time target")
        verbose_name_plural = _("response-time targets")
        constraints = [
            models.UniqueConstraint(fields=["organization", "channel", "priority"],
                                    name="response_target_unique"),
            models.UniqueConstraint(fields=["organization", "priority"],
                                    condition=Q(channel__isnull=True),
                                    name="response_target_unique_default"),
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.minutes} min"


class OpeningHours(models.Model):
    """When the team answers on one weekday, in the organization's time zone."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday
    opens = models.TimeField(_("opens"))
    # 00:00 means midnight at the end of the day.
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.UniqueConstraint(fields=["organization", "weekday"],
                                    name="opening_hours_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens}-{self.closes}"


class Holiday(models.Model):
    """A day the team does not answer; response-time targets pause over it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="inbox_holidays"
    )
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="holiday_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class UrgentNotice(models.Model):
    """An urgent message escalated to the channel's owners and the managers, once."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="urgent_notices"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="urgent_notices"
    )
    # One notice per message: re-ingesting the message finds it and notifies nobody.
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="notice")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list, blank=True)
    excerpt = models.CharField(max_length=280, blank=True)
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("urgent notice")
        verbose_name_plural = _("urgent notices")
        indexes = [models.Index(fields=["organization", "acknowledged_at", "-created_at"],
                                name="inbox_notice_open_idx")]

    def __str__(self) -> str:
        return f"urgent notice {self.pk} ({self.conversation_id})"


class Note(models.Model):
    """An internal note on a conversation: the team reads it, the contact never does."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="notes")
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    # Kept so the note still says who wrote it after the author has left.
    author_name = models.CharField(max_length=200)
    text = models.TextField(_("note"))
    mentions = models.ManyToManyField(Member, blank=True, related_name="inbox_mentions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["conversation", "created_at"], name="inbox_note_idx")]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.conversation_id}"


class Presence(models.Model):
    """Who has a conversation open right now, and who is typing a reply (collision guard)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="presences")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    typing_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        constraints = [models.UniqueConstraint(fields=["conversation", "member"],
                                               name="inbox_presence_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.conversation_id}"



# Rules and assignment live in their own module; importing them here registers them.
from socialops.inbox.rule_models import AssignmentSettings as AssignmentSettings  # noqa: E402
from socialops.inbox.rule_models import Availability as Availability  # noqa: E402
from socialops.inbox.rule_models import AvailabilityStatus as AvailabilityStatus  # noqa: E402
from socialops.inbox.rule_models import Rule as Rule  # noqa: E402
from socialops.inbox.rule_models import RuleHit as RuleHit  # noqa: E402
from socialops.inbox.rule_models import UrgentCondition as UrgentCondition  # noqa: E402


class ReplyApprovalPolicy(models.Model):
    """When the organization wants replies approved before they go out."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="reply_approval")
    urgent = models.BooleanField(_("replies to urgent conversations"), default=False)
    channels = models.ManyToManyField(Channel, blank=True, related_name="+",
                                      verbose_name=_("replies on these channels"))

    class Meta:
        verbose_name = _("reply approval policy")
        verbose_name_plural = _("reply approval policies")

    def __str__(self) -> str:
        return f"reply approval of {self.organization_id}"
