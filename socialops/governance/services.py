"""Every change to channels and credentials; each one audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from socialops.connectors import registry
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.permissions import Action, authorize, require
from socialops.governance import vault
from socialops.governance.models import Channel, ChannelStatus, Credential, Transport
from socialops.governance.reconnect import notify_reconnect_needed

_AUDITED_FIELDS = (
    "network", "transport", "handle", "remote_id", "display_name", "status", "region",
    "business_unit", "language", "owner_id", "backup_owner_id",
)


def _snapshot(channel: Channel) -> dict[str, Any]:
    return {field: getattr(channel, field) for field in _AUDITED_FIELDS}


def channels_for(member: Member) -> QuerySet[Channel]:
    """Return the channels a member may see (their organization's only)."""
    require(member, Action.VIEW_CHANNELS, member.organization)
    return Channel.objects.filter(organization_id=member.organization_id).select_related(
        "owner__user", "backup_owner__user"
    )


def get_channel_for_member(member: Member, channel_id: int) -> Channel:
    """Return one channel of the member's organization, or raise Http404."""
    channel = channels_for(member).filter(pk=channel_id).first()
    if channel is None:
        raise Http404
    return channel


def _check_owners(organization: Organization, owner: Member, backup: Member) -> None:
    for who in (owner, backup):
        if who.organization_id != organization.pk or not who.is_active:
            raise ValidationError(_("Owners must be active members of the organization."))
    if owner.pk == backup.pk:
        raise ValidationError(_("The backup owner must be someone other than the owner."))


@transaction.atomic
def create_channel(
    organization: Organization,
    actor: Actor,
    *,
    network: str,
    handle: str,
    display_name: str,
    owner: Member,
    backup_owner: Member,
    transport: str = Transport.NETWORK,
    remote_id: str = "",
    region: str = "",
    business_unit: str = "",
    language: str = "",
    credentials: dict[str, str] | None = None,
) -> Channel:
    """Add a brand account; owner and backup owner are both required."""
    authorize(actor, Action.MANAGE_CHANNELS, organization)
    if network not in registry.networks():
        raise ValidationError(
            _("Unknown network “%(network)s”; choose one of: %(networks)s.")
            % {"network": network, "networks": ", ".join(registry.networks())}
        )
    if transport not in Transport.values:
        raise ValidationError(_("Unknown transport “%(t)s”.") % {"t": transport})
    handle = handle.strip()
    if not handle:
        raise ValidationError(_("The channel needs a handle."))
    _check_owners(organization, owner, backup_owner)
    if Channel.objects.filter(organization=organization, network=network, handle=handle).exists():
        raise ValidationError(_("This organization already has %(handle)s on %(network)s.")
                              % {"handle": handle, "network": network})
    channel = Channel.objects.create(
        organization=organization, network=network, transport=transport, handle=handle,
        remote_id=remote_id, display_name=display_name.strip() or handle, region=region,
        business_unit=business_unit, language=language, owner=owner, backup_owner=backup_owner,
    )
    audit.record(organization, actor, "channel.create", channel, after=_snapshot(channel))
    if credentials:
        _store_credentials(channel, credentials, actor)
    return channel


@transaction.atomic
def update_channel(channel: Channel, actor: Actor, **changes: Any) -> Channel:
    """Change a channel's descriptive fields, owners or status."""
    authorize(actor, Action.MANAGE_CHANNELS, channel)
    allowed = {"display_name", "region", "business_unit", "language", "status", "owner",
               "backup_owner"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(f)s.")
                              % {"f": ", ".join(sorted(unknown))})
    before = _snapshot(channel)
    for field, value in changes.items():
        setattr(channel, field, value)
    if channel.status not in ChannelStatus.values:
        raise ValidationError(_("Unknown status “%(s)s”.") % {"s": channel.status})
    if {"owner", "backup_owner"} & set(changes):
        # Only a change of people is checked: archiving the channel of someone
        # who has left must stay possible.
        _check_owners(channel.organization, channel.owner, channel.backup_owner)
    after = _snapshot(channel)
    if after == before:
        return channel
    channel.save()
    action = "channel.update"
    if after["status"] != before["status"] and after["status"] == ChannelStatus.ARCHIVED:
        action = "channel.archive"
    audit.record(channel.organization, actor, action, channel, before=before, after=after)
    return channel


def archive_channel(channel: Channel, actor: Actor) -> Channel:
    """Archive a channel: it stays in the history but is no longer synchronised."""
    return update_channel(channel, actor, status=ChannelStatus.ARCHIVED)


def token_expiry(secrets: dict[str, str]) -> datetime | None:
    """Return when the access token in `secrets` expires, from its `expires_at` key."""
    value = secrets.get("expires_at", "")
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def _store_credentials(channel: Channel, secrets: dict[str, str], actor: Actor,
                       *, refreshed: bool = False) -> None:
    ciphertext = vault.encrypt(secrets)
    now = timezone.now()
    values: dict[str, Any] = {"ciphertext": ciphertext, "expires_at": token_expiry(secrets)}
    if refreshed:
        # A refreshed token is the same grant: the secret's age and rotation state stay.
        values["refreshed_at"] = now
        credential, created = Credential.objects.update_or_create(
            channel=channel, defaults=values, create_defaults={**values, "set_at": now})
    else:
        credential, created = Credential.objects.update_or_create(
            channel=channel,
            defaults={**values, "rotated_at": now, "needs_rotation": False,
                      "rotation_reason": "", "flagged_at": None, "refreshed_at": None},
            create_defaults={**values, "rotated_at": now, "set_at": now},
        )
    if credential.set_at is None:
        Credential.objects.filter(pk=credential.pk).update(set_at=now)
    # The audit trail names which secrets changed, never their values.
    audit.record(
        channel.organization, actor,
        "channel.credentials_refreshed" if refreshed else "channel.credentials", channel,
        after={"fields": sorted(secrets), "new": created},
    )


@transaction.atomic
def set_credentials(channel: Channel, secrets: dict[str, str], actor: Actor) -> None:
    """Store (replace) a channel's credentials, encrypted; this clears a rotation flag."""
    authorize(actor, Action.MANAGE_CREDENTIALS, channel)
    secrets = {key: value for key, value in secrets.items() if key.strip() and value}
    if not secrets:
        raise ValidationError(_("No credential given."))
    _store_credentials(channel, secrets, actor)


def flag_for_rotation(credentials: list[Credential], reason: str) -> list[Credential]:
    """Mark credentials as to be rotated, inside the caller's audited transaction.

    A credential already flagged keeps its first reason and date: the oldest
    reason is the one that says how long the secret has been exposed.
    """
    now = timezone.now()
    flagged = []
    for credential in credentials:
        if credential.needs_rotation:
            continue
        credential.needs_rotation = True
        credential.rotation_reason = reason[:300]
        credential.flagged_at = now
        credential.save(update_fields=["needs_rotation", "rotation_reason", "flagged_at"])
        flagged.append(credential)
    return flagged


def credentials_of(channel: Channel) -> dict[str, str]:
    """Return a channel's decrypted credentials, for a connector only."""
    credential = Credential.objects.filter(channel=channel).first()
    return vault.decrypt(credential.ciphertext) if credential else {}


def reencrypt_all_credentials(actor: Actor) -> int:
    """Re-encrypt every credential with the newest key; return how many."""
    count = 0
    for org in Organization.objects.all():
        with transaction.atomic():
            credentials = list(
                Credential.objects.select_for_update().filter(channel__organization=org)
            )
            for credential in credentials:
                credential.ciphertext = vault.rotate(credential.ciphertext)
                credential.save(update_fields=["ciphertext", "updated_at"])
            if credentials:
                audit.record(org, actor, "credentials.reencrypt", org,
                             after={"count": len(credentials)})
            count += len(credentials)
    for store in vault.secret_stores():
        count += store.reencrypt(actor)
    return count


@transaction.atomic
def record_sync(channel: Channel, *, followers: int | None, error: str = "",
                status: str | None = None) -> None:
    """Store what a synchronisation learnt; a status change is audited."""
    fields = {"last_synced_at": timezone.now(), "last_error": error[:500]}
    if followers is not None:
        fields["followers"] = followers
    if status and status != channel.status:
        before = _snapshot(channel)
        channel.status = status
        fields["status"] = status
        audit.record(channel.organization, Actor.system("sync"), "channel.status", channel,
                     before=before, after=_snapshot(channel))
        if status == ChannelStatus.NEEDS_REAUTH:
            channel_id = channel.pk
            transaction.on_commit(lambda: notify_reconnect_needed(channel_id))
    Channel.objects.filter(pk=channel.pk).update(**fields)
    for key, value in fields.items():
        setattr(channel, key, value)


ACTIVITY_RESOLUTION = timedelta(minutes=1)


def record_activity(channel_id: int, *, published: bool = False, ingested: bool = False) -> None:
    """Note that a channel just published or read messages (health; at most once a minute)."""
    now = timezone.now()
    stale = now - ACTIVITY_RESOLUTION
    rows = Channel.objects.filter(pk=channel_id)
    if published:
        rows.filter(Q(last_published_at__isnull=True) | Q(last_published_at__lt=stale)).update(
            last_published_at=now)
    if ingested:
        rows.filter(Q(last_ingested_at__isnull=True) | Q(last_ingested_at__lt=stale)).update(
            last_ingested_at=now)
