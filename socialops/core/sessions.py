"""End a person's sessions on their next request (sign out everywhere, offboarding).

Each session records when it signed in; a person's
SessionFence holds the time before which their sessions are no longer valid.
Comparing the two on every request signs out old sessions without having to
find them in the session store (which may be a cache or signed cookies).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Member, SessionFence

SESSION_STARTED_KEY = "socialops_session_started"
# Set once this session proved its second factor (socialops.core.twofactor).
SESSION_VERIFIED_KEY = "socialops_2fa_verified"
# The organization whose identity provider signed this session in (socialops.sso).
SSO_ORGANIZATION_KEY = "socialops_sso_organization"


def fence_sessions(user: Any, now: datetime | None = None) -> datetime:
    """Make every session of ``user`` that exists now invalid; return the fence time."""
    moment = now or timezone.now()
    SessionFence.objects.update_or_create(user=user, defaults={"not_before": moment})
    return moment


@transaction.atomic
def sign_out_everywhere(member: Member, actor: Actor) -> datetime:
    """Sign the member's person out of every browser, this one included."""
    moment = fence_sessions(member.user)
    audit.record(member.organization, actor, "session.revoke_all", member,
                 after={"not_before": moment.isoformat()})
    return moment


def stamp_session(request: HttpRequest) -> None:
    """Record when this session signed in (call right after a successful sign-in)."""
    request.session[SESSION_STARTED_KEY] = timezone.now().timestamp()
    # A new sign-in proves its second factor again, whatever this session did before.
    request.session.pop(SESSION_VERIFIED_KEY, None)
    request.session.pop(SSO_ORGANIZATION_KEY, None)
    from socialops.core.browser_sessions import record_browser

    record_browser(request)


def _fence_of(user: Any) -> datetime | None:
    # The authentication backend loads the fence with the user (no extra query).
    try:
        fence: SessionFence = user.session_fence
    except SessionFence.DoesNotExist:
        return None
    return fence.not_before


def enforce_session_fence(request: HttpRequest) -> bool:
    """Sign the request out if its session began before the person's fence.

    Return True when the request was signed out. A session without a start
    time (signed in by other means) counts as older than any fence.
    """
    user = request.user
    if not user.is_authenticated:
        return False
    not_before = _fence_of(user)
    if not_before is None:
        return False
    started = request.session.get(SESSION_STARTED_KEY)
    if started is None or float(started) <= not_before.timestamp():
        logout(request)
        return True
    return False
