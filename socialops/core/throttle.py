"""Slow down password guessing: N failed sign-ins per e-mail and IP lock them for a while."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import LoginFailure, Member

# Wrong two-factor codes are counted under "otp:<e-mail>", apart from wrong passwords.
OTP_PREFIX = "otp:"


def _limits() -> tuple[int, timedelta]:
    failures = int(getattr(settings, "SOCIALOPS_LOGIN_MAX_FAILURES", 5))
    minutes = int(getattr(settings, "SOCIALOPS_LOGIN_LOCK_MINUTES", 15))
    return failures, timedelta(minutes=minutes)


def _recent(email: str, ip: str | None) -> list[LoginFailure]:
    _max, window = _limits()
    return list(
        LoginFailure.objects.filter(
            email=email.strip().lower(), ip=ip, created_at__gte=timezone.now() - window
        ).order_by("-created_at")
    )


def minutes_locked(email: str, ip: str | None) -> int:
    """Return how many minutes this e-mail and IP must wait (0 when they may try)."""
    limit, window = _limits()
    recent = _recent(email, ip)
    if len(recent) < limit:
        return 0
    # The lock lifts when the oldest failure that counts leaves the window.
    unlock = recent[limit - 1].created_at + window
    return max(1, math.ceil((unlock - timezone.now()).total_seconds() / 60))


@transaction.atomic
def record_failure(email: str, ip: str | None) -> bool:
    """Count a failed sign-in; return True when it locks the e-mail and IP (audited)."""
    email = email.strip().lower()[:254]
    LoginFailure.objects.create(email=email, ip=ip, created_at=timezone.now())
    limit, _window = _limits()
    if len(_recent(email, ip)) != limit:
        return False
    actor = Actor(user=None, label="anonymous", ip=ip)
    members = Member.objects.filter(
        user__email__iexact=email.removeprefix(OTP_PREFIX)
    ).select_related("organization")
    for member in members:
        audit.record(member.organization, actor, "login.locked", member,
                     after={"email": email, "failures": limit})
    return True


def clear_failures(email: str, ip: str | None) -> None:
    """Forget the failures of an e-mail and IP after a successful sign-in."""
    LoginFailure.objects.filter(email=email.strip().lower(), ip=ip).delete()
