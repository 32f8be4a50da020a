"""The vault page: every credential's state, who may manage it, which key holds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from socialops.core.models import Member, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, can
from socialops.core.views import allowed_member
from socialops.governance import vault
from socialops.governance.models import Channel, Credential
from socialops.governance.risk import credential_max_age_days, credential_of, governed_channels


@dataclass(frozen=True)
class VaultRow:
    """One channel's credential as the vault page shows it (never the secret)."""

    channel: Channel
    credential: Credential | None
    age_days: int | None
    too_old: bool
    key: str
    # The access token expires within a day (or has) and the refresh job has not renewed it.
    expiring: bool
    managers: list[Member]


def _managers(channel: Channel, candidates: list[Member]) -> list[Member]:
    return [m for m in candidates if can(m, Action.MANAGE_CREDENTIALS, channel=channel)]


def vault_rows(member: Member) -> list[VaultRow]:
    """Return one row per governed channel, oldest and flagged credentials first."""
    channels = list(governed_channels(member))
    max_age = timedelta(days=credential_max_age_days())
    # Only people whose role or grants could manage credentials are worth asking.
    candidates = [
        m for m in Member.objects.filter(organization_id=member.organization_id, is_active=True)
        .select_related("user", "organization")
        if m.has_channel_grants or Action.MANAGE_CREDENTIALS in ROLE_ACTIONS[Role(m.role)]
    ]
    prints = vault.fingerprints()
    rows = []
    now = timezone.now()
    for channel in channels:
        credential = credential_of(channel)
        changed = (credential.rotated_at or credential.set_at) if credential else None
        key = ""
        if credential is not None:
            index = vault.key_index(credential.ciphertext)
            key = prints[index] if index is not None else "?"
        rows.append(VaultRow(
            channel=channel, credential=credential,
            age_days=(now - changed).days if changed else None,
            too_old=bool(changed and now - changed > max_age), key=key,
            managers=_managers(channel, candidates),
            expiring=bool(credential and credential.expires_at
                          and credential.expires_at <= now + timedelta(days=1)),
        ))
    rows.sort(key=lambda r: (r.credential is None,
                             not (r.credential and r.credential.needs_rotation),
                             -(r.age_days or 0)))
    return rows


@login_required
@require_GET
def vault_page(request: HttpRequest) -> HttpResponse:
    """Show the state of every channel's credentials and of the encryption keys."""
    member = allowed_member(request, Action.VIEW_GOVERNANCE)
    rows = vault_rows(member)
    prints = vault.fingerprints()
    return render(request, "governance/vault.html", {
        "rows": rows, "max_age_days": credential_max_age_days(),
        "current_key": prints[0] if prints else "", "key_count": len(prints),
        "from_file": vault.uses_key_file(),
        "on_old_keys": sum(1 for r in rows if r.key and prints and r.key != prints[0]),
        "flagged": sum(1 for r in rows if r.credential and r.credential.needs_rotation),
        "missing": sum(1 for r in rows if r.credential is None),
    })
