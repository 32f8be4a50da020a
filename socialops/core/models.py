"""Organizations, their members and teams, API tokens and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member does in the organization; see docs/permissions.md."""

    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Social media manager")
    PUBLISHER = "publisher", _("Publisher")
    RESPONDER = "responder", _("Community responder")
    CONTRIBUTOR = "contributor", _("Contributor")
    APPROVER = "approver", _("Approver")
    ANALYST = "analyst", _("Analyst")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")


class Organization(models.Model):
    """A company or brand running its social media with socialops."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    language = models.CharField(
        _("default language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    # Members without a confirmed authenticator are sent to set one up before anything else.
    two_factor_required = models.BooleanField(_("two-factor sign-in required"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The head of the audit chain: deleting the newest events is detected
    # because the head no longer matches the last remaining event.
    audit_head_seq = models.PositiveBigIntegerField(default=0)
    audit_head_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person's membership of one organization, with one role."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Set while the member holds channel grants (governance.ChannelGrant), so that
    # permission checks of everyone else need no query.
    has_channel_grants = models.BooleanField(default=False, editable=False)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="member_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.role})"

    @property
    def display_name(self) -> str:
        full = self.user.get_full_name()
        return full or self.user.email


class Team(models.Model):
    """A named group of members (e.g. 'Community FR', 'Night shift')."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=120)
    members = models.ManyToManyField(Member, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for scripts, acting as one member; only its hash is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=120, default="cli")
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class AuditEvent(models.Model):
    """One write, hash-chained to the previous event of its organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="audit_events"
    )
    seq = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text so the trail still names people after their account is gone.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=254, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["organization", "seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(fields=["organization", "seq"], name="audit_unique_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"


class SessionFence(models.Model):
    """The moment before which a person's sessions stop being valid.

    Signing out everywhere and offboarding move it to "now"; the middleware
    signs out any session that started before it on its next request.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_fence"
    )
    not_before = models.DateTimeField()

    class Meta:
        verbose_name = _("session fence")
        verbose_name_plural = _("session fences")

    def __str__(self) -> str:
        return f"sessions of {self.user_id} valid after {self.not_before:%Y-%m-%d %H:%M:%S}"


class LoginFailure(models.Model):
    """One failed sign-in, counted per e-mail address and IP to throttle guessing."""

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [models.Index(fields=["email", "ip", "created_at"], name="login_failure_idx")]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class RecoveryCode(models.Model):
    """A single-use two-factor code for a lost phone; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code of {self.user_id} ({'used' if self.used_at else 'unused'})"


class UserSession(models.Model):
    """One browser a person signed in with: what it is, where from, when last active."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="browser_sessions")
    # The session store's key (Django keeps the same key in its own table); never shown.
    session_key = models.CharField(max_length=64, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("browser session")
        verbose_name_plural = _("browser sessions")

    def __str__(self) -> str:
        return f"session of {self.user_id} since {self.created_at:%Y-%m-%d}"

    def __repr__(self) -> str:
        return f"<UserSession {self.pk} user={self.user_id}>"
