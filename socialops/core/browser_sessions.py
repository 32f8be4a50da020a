"""The browsers a person is signed in with: listed on their account, each one can be ended.

A row is written at sign-in (`socialops.core.sessions.stamp_session`) and its last
activity is refreshed at most every `SEEN_RESOLUTION` (the time is kept in the session
itself, so most requests write nothing). Ending one browser deletes its session from the
store; "sign out everywhere" (the session fence) still ends them all at once.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from socialops.core import audit
from socialops.core.actors import Actor, normalise_ip
from socialops.core.models import Member, UserSession

SEEN_KEY = "socialops_seen"
SEEN_RESOLUTION = timedelta(minutes=5)


def _user_id(request: HttpRequest) -> int:
    user_id = request.user.pk
    if user_id is None:
        raise Http404  # only signed-in people have browsers to list
    return int(user_id)


def _store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key)
    return store


def record_browser(request: HttpRequest) -> None:
    """Remember the browser that just signed in (called with the signed-in session)."""
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user_id": _user_id(request), "ip": normalise_ip(request.META.get("REMOTE_ADDR")),
                  "user_agent": request.headers.get("User-Agent", "")[:300],
                  "created_at": now, "last_seen_at": now})
    request.session[SEEN_KEY] = now.timestamp()


def touch_browser(request: HttpRequest) -> None:
    """Refresh the browser's last activity, at most once per SEEN_RESOLUTION."""
    seen = request.session.get(SEEN_KEY) if request.user.is_authenticated else None
    if seen is None:
        return  # not signed in through a sign-in page (tests, API): nothing to list
    now = timezone.now()
    if now.timestamp() - float(seen) < SEEN_RESOLUTION.total_seconds():
        return
    UserSession.objects.filter(session_key=request.session.session_key).update(
        last_seen_at=now)
    request.session[SEEN_KEY] = now.timestamp()


def browsers_of(request: HttpRequest) -> list[tuple[UserSession, bool]]:
    """Return the person's live browsers, newest activity first, marking this one.

    Rows whose session has ended (signed out, expired) are dropped on the way.
    """
    live = []
    for row in UserSession.objects.filter(user_id=_user_id(request)).order_by("-last_seen_at"):
        if row.session_key == request.session.session_key or _store(row.session_key).exists(
                row.session_key):
            live.append((row, row.session_key == request.session.session_key))
        else:
            row.delete()
    return live


@transaction.atomic
def end_browser(request: HttpRequest, member: Member, browser_id: int, actor: Actor) -> None:
    """Sign one of the person's other browsers out now."""
    row = UserSession.objects.filter(user_id=_user_id(request), pk=browser_id).first()
    if row is None or row.session_key == request.session.session_key:
        raise Http404
    _store(row.session_key).delete(row.session_key)
    audit.record(member.organization, actor, "session.end", member,
                 after={"browser": row.user_agent[:80], "ip": row.ip})
    row.delete()
