"""Channels (brand accounts on networks) and their encrypted credentials."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Organization


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NEEDS_REAUTH = "needs_reauth", _("Needs reconnection")
    DISCONNECTED = "disconnected", _("Disconnected")
    ARCHIVED = "archived", _("Archived")


class Transport(models.TextChoices):
    """Where a channel's connector sends its requests."""

    NETWORK = "network", _("The network's own API")
    SANDBOX = "sandbox", _("The local sandbox network")


class Channel(models.Model):
    """One brand account on one network, with an owner and a backup owner."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="channels"
    )
    network = models.CharField(_("network"), max_length=32)
    transport = models.CharField(
        _("transport"), max_length=16, choices=Transport.choices, default=Transport.NETWORK
    )
    handle = models.CharField(_("handle"), max_length=200)
    remote_id = models.CharField(_("remote id"), max_length=200, blank=True)
    display_name = models.CharField(_("display name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ChannelStatus.choices, default=ChannelStatus.ACTIVE
    )
    region = models.CharField(_("region"), max_length=80, blank=True)
    business_unit = models.CharField(_("business unit"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    owner = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="owned_channels", verbose_name=_("owner")
    )
    backup_owner = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="backed_up_channels",
        verbose_name=_("backup owner"),
    )
    followers = models.PositiveBigIntegerField(_("followers"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # Health: when the channel last published and last brought messages in (to the minute).
    last_published_at = models.DateTimeField(_("last published"), null=True, blank=True)
    last_ingested_at = models.DateTimeField(_("last messages read"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["network", "handle"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network", "handle"], name="channel_unique_handle"
            ),
            models.CheckConstraint(
                condition=~Q(owner=F("backup_owner")), name="channel_backup_differs"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.network}:{self.handle})"


class Credential(models.Model):
    """A channel's secrets, encrypted with the vault; never shown anywhere."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="credential")
    ciphertext = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    # When the secret was first stored, and when it was last replaced (key
    # re-encryption does not count: the secret itself is unchanged).
    set_at = models.DateTimeField(_("set on"), null=True, blank=True)
    rotated_at = models.DateTimeField(_("rotated on"), null=True, blank=True)
    needs_rotation = models.BooleanField(_("needs rotation"), default=False)
    rotation_reason = models.CharField(_("why it needs rotation"), max_length=300, blank=True)
    flagged_at = models.DateTimeField(_("flagged on"), null=True, blank=True)
    # Not secret: when the network said the access token stops working, when socialops
    # last refreshed it, and when a connector last used it (at most once a minute).
    expires_at = models.DateTimeField(_("expires on"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("refreshed on"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # When the owners were last reminded to rotate it (at most once a week).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"credential of channel {self.channel_id}"

    def __repr__(self) -> str:
        return f"<Credential channel={self.channel_id}>"


class GrantEffect(models.TextChoices):
    ALLOW = "allow", _("Also allowed on this channel")
    ONLY = "only", _("Allowed only on the channels granted")


class ChannelGrant(models.Model):
    """Widen or narrow what one member may do on one channel (see core.channel_access)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="channel_grants")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="grants")
    effect = models.CharField(_("effect"), max_length=8, choices=GrantEffect.choices)
    # Action values from socialops.core.permissions.CHANNEL_ACTIONS.
    actions = models.JSONField(_("actions"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel__display_name", "effect"]
        verbose_name = _("channel grant")
        verbose_name_plural = _("channel grants")
        constraints = [
            models.UniqueConstraint(fields=["member", "channel", "effect"],
                                    name="channel_grant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.effect} {','.join(self.actions)} on {self.channel_id} for {self.member_id}"


class OAuthApplication(models.Model):
    """socialops' client on one server of a network without a central portal (Mastodon)."""

    network = models.CharField(max_length=32)
    server = models.CharField(max_length=255)
    redirect_uri = models.CharField(max_length=500)
    client_id = models.CharField(max_length=255)
    # The client secret, encrypted with the vault like channel credentials.
    ciphertext = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("OAuth application")
        verbose_name_plural = _("OAuth applications")
        constraints = [models.UniqueConstraint(fields=["network", "server", "redirect_uri"],
                                               name="oauth_application_unique")]

    def __str__(self) -> str:
        return f"{self.network} client on {self.server}"
