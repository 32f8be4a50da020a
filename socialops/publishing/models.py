"""Posts, their per-channel variants, publish attempts, approvals and publishing pauses."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel

# Placements a post can be published to; comment and dm are answers, not posts.
PUBLISHABLE_PLACEMENTS = ("feed", "story", "reel", "short", "thread")


class VariantStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Outcome unknown")
    CANCELLED = "cancelled", _("Cancelled")


# A variant in one of these states can still be edited by its authors.
EDITABLE_STATUSES = frozenset({
    VariantStatus.DRAFT, VariantStatus.IN_REVIEW, VariantStatus.APPROVED,
    VariantStatus.SCHEDULED, VariantStatus.FAILED,
})
# The dispatcher owns a variant in these states; people can only watch.
FINAL_STATUSES = frozenset({VariantStatus.PUBLISHED, VariantStatus.CANCELLED})


class Campaign(models.Model):
    """A named push with dates, a goal, targets and (for paid) a budget; posts attach to it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="campaigns")
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    goal = models.TextField(_("goal"), blank=True)
    is_paid = models.BooleanField(_("paid"), default=False)
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, null=True,
                                 blank=True)
    spend = models.DecimalField(_("spend so far"), max_digits=12, decimal_places=2, null=True,
                                blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # KPI targets over the campaign: what leadership agreed to judge it on.
    target_impressions = models.PositiveBigIntegerField(_("target impressions"), null=True,
                                                        blank=True)
    target_engagements = models.PositiveBigIntegerField(_("target engagements"), null=True,
                                                        blank=True)
    target_clicks = models.PositiveBigIntegerField(_("target link clicks"), null=True,
                                                   blank=True)
    channels = models.ManyToManyField(Channel, blank=True, related_name="campaigns",
                                      verbose_name=_("channels"))
    archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="campaign_unique_name"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                   name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """The master content a team writes once, published through its variants."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=2000, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True)
    is_paid = models.BooleanField(_("paid"), default=False)
    notes = models.TextField(_("internal notes"), blank=True)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="posts", verbose_name=_("campaign"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return f"#{self.pk} {first_line[:60]}"


def new_idempotency_key() -> str:
    """Return a fresh key; a variant keeps its key for every attempt."""
    return f"so-{uuid.uuid4().hex}"


class Variant(models.Model):
    """One publication of a post on one channel and placement, with its own text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    # Copied from the post so that the dispatcher's claim can read the pause flags
    # without a join through the post.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="variants"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="variants", verbose_name=_("channel")
    )
    placement = models.CharField(_("placement"), max_length=16)
    text = models.TextField(_("text"), blank=True)
    first_comment = models.TextField(_("first comment"), blank=True)
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VariantStatus.choices, default=VariantStatus.DRAFT
    )
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key,
                                       editable=False)
    remote_id = models.CharField(_("remote id"), max_length=200, blank=True)
    remote_url = models.URLField(_("remote URL"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    # When the dispatcher may next take the variant: the schedule time, then retry times.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    # Approval progress: the step of the policy waiting for a decision (0 outside review),
    # and the review round, so that decisions of an earlier round no longer count.
    approval_step = models.PositiveSmallIntegerField(default=0)
    review_round = models.PositiveIntegerField(default=0)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["post", "channel__network", "channel__handle", "placement"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "channel", "placement"], name="variant_unique_placement"
            ),
        ]
        indexes = [
            # The dispatcher's claim: due rows by status and time.
            models.Index(fields=["status", "next_attempt_at"], name="variant_due"),
            # The dispatcher's lease sweep.
            models.Index(fields=["status", "lease_expires_at"], name="variant_lease"),
            models.Index(fields=["organization", "status", "scheduled_at"],
                         name="variant_org_calendar"),
        ]

    def __str__(self) -> str:
        return f"post {self.post_id} on {self.channel_id}/{self.placement}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ApprovalDecision(models.Model):
    """One reviewer's decision on a variant at one step of one review round."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        EXPIRED = "expired", _("Approval expired")

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="decisions")
    step = models.PositiveSmallIntegerField(default=1)
    round = models.PositiveIntegerField(default=0)
    reviewer = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                 related_name="approval_decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")

    def __str__(self) -> str:
        return f"{self.decision} variant {self.variant_id} step {self.step}"


class VariantVersion(models.Model):
    """A variant's text as it was before a change, so reviewers see what changed."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    first_comment = models.TextField(blank=True)
    editor = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["variant", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "number"], name="variant_version_number"),
        ]

    def __str__(self) -> str:
        return f"variant {self.variant_id} v{self.number}"


class PostComment(models.Model):
    """An internal note on a post, between the people who write and approve it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                               related_name="post_comments")
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(Member, blank=True, related_name="post_mentions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"comment {self.pk} on post {self.post_id}"


class ApprovalPolicy(models.Model):
    """Who must approve a post before it may be scheduled: ordered steps.

    One policy per organization (no channel) is the default; a policy for a channel
    replaces it for that channel's variants. Without any policy, one approval by any
    member allowed to approve is enough.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="approval_policies")
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="approval_policy", verbose_name=_("channel"))
    name = models.CharField(_("name"), max_length=120)
    # An approval older than this, for a post not yet published, must be given again.
    expire_after_hours = models.PositiveIntegerField(_("approval valid for (hours)"), null=True,
                                                     blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "channel__display_name", "pk"]
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        constraints = [
            models.UniqueConstraint(fields=["organization"], condition=Q(channel__isnull=True),
                                    name="approval_policy_one_default"),
        ]

    def __str__(self) -> str:
        return self.name


class StepMode(models.TextChoices):
    ANY = "any", _("Any one of them")
    ALL = "all", _("All of them")


class ApprovalStep(models.Model):
    """One step of a policy: any one, or all, of some members (or of a role's members)."""

    policy = models.ForeignKey(ApprovalPolicy, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=120)
    mode = models.CharField(_("who must approve"), max_length=3, choices=StepMode.choices,
                            default=StepMode.ANY)
    # A role instead of (or besides) named members: anyone holding it may approve.
    role = models.CharField(_("role"), max_length=16, blank=True)
    members = models.ManyToManyField(Member, blank=True, related_name="approval_steps",
                                     verbose_name=_("members"))

    class Meta:
        ordering = ["policy", "number"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="approval_step_number"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.number} {self.name}"


class AttemptOutcome(models.TextChoices):
    PENDING = "pending", _("In progress")
    PUBLISHED = "published", _("Published")
    RECONCILED = "reconciled", _("Found already published")
    RETRY = "retry", _("Will retry")
    RATE_LIMITED = "rate_limited", _("Rate limited")
    FAILED = "failed", _("Failed")
    AUTH_EXPIRED = "auth_expired", _("Channel needs reconnection")
    UNKNOWN = "unknown", _("Outcome unknown")


class PublishAttempt(models.Model):
    """One try at publishing a variant, written before the network is called."""

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=64)
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=AttemptOutcome.choices,
                               default=AttemptOutcome.PENDING)
    error = models.CharField(max_length=1000, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    remote_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["variant", "number"]
        verbose_name = _("publish attempt")
        verbose_name_plural = _("publish attempts")
        constraints = [
            models.UniqueConstraint(fields=["variant", "number"], name="attempt_unique_number")
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of variant {self.variant_id}: {self.outcome}"


class PublishingPause(models.Model):
    """Stop publications starting, for a whole organization or for one channel."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="publishing_pauses")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="publishing_pauses", verbose_name=_("channel"))
    reason = models.CharField(_("reason"), max_length=500)
    paused_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True,
                                  related_name="+")
    paused_at = models.DateTimeField(_("paused at"))
    resumed_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)

    class Meta:
        ordering = ["-paused_at", "-pk"]
        verbose_name = _("publishing pause")
        verbose_name_plural = _("publishing pauses")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(channel__isnull=True, resumed_at__isnull=True),
                name="pause_one_active_per_org",
            ),
            models.UniqueConstraint(
                fields=["organization", "channel"],
                condition=Q(channel__isnull=False, resumed_at__isnull=True),
                name="pause_one_active_per_channel",
            ),
        ]
        indexes = [models.Index(fields=["organization", "resumed_at"], name="pause_active")]

    def __str__(self) -> str:
        scope = f"channel {self.channel_id}" if self.channel_id else "organization"
        return f"pause of {scope} since {self.paused_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.resumed_at is None


def _original_path(instance: MediaAsset, filename: str) -> str:
    # Never the uploader's file name: it is untrusted and may collide.
    return f"publishing/{instance.organization_id}/originals/{uuid.uuid4().hex}{_suffix(filename)}"


def _preview_path(instance: MediaAsset, filename: str) -> str:
    return f"publishing/{instance.organization_id}/previews/{uuid.uuid4().hex}{_suffix(filename)}"


def _rendition_path(instance: Rendition, filename: str) -> str:
    return (f"publishing/{instance.asset.organization_id}/renditions/"
            f"{uuid.uuid4().hex}{_suffix(filename)}")


def _suffix(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f".{suffix}" if suffix in ("jpg", "png", "webp") else ""


class MediaAsset(models.Model):
    """An image uploaded on a post, kept as sent, with the point that must stay in frame."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="media_assets")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    uploaded_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    file = models.FileField(upload_to=_original_path, max_length=300)
    # A small stripped copy for the pages, so that they never serve the original's metadata.
    preview = models.FileField(upload_to=_preview_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    focal_x = models.FloatField(_("focal point (horizontal)"), default=0.5)
    focal_y = models.FloatField(_("focal point (vertical)"), default=0.5)
    alt_text = models.CharField(_("alternative text"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "position", "pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return f"image {self.pk} of post {self.post_id} ({self.width}x{self.height})"


class RenditionRole(models.TextChoices):
    MEDIA = "media", _("Attached image")
    THUMBNAIL = "thumbnail", _("Video thumbnail")


class Rendition(models.Model):
    """An image cut and re-encoded for one variant's placement, as the network wants it."""

    asset = models.ForeignKey(MediaAsset, on_delete=models.CASCADE, related_name="renditions")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="renditions")
    role = models.CharField(max_length=10, choices=RenditionRole.choices,
                            default=RenditionRole.MEDIA)
    file = models.FileField(upload_to=_rendition_path, max_length=300)
    mime = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["variant", "asset__position", "asset_id"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(fields=["variant", "asset"], name="rendition_unique")
        ]

    def __str__(self) -> str:
        return f"rendition of image {self.asset_id} for variant {self.variant_id}"


class CalendarFeed(models.Model):
    """A member's secret iCal address; only the token's hash is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(revoked_at__isnull=True),
                                    name="calendar_feed_one_active"),
        ]

    def __str__(self) -> str:
        return f"calendar feed {self.pk} of member {self.member_id}"
