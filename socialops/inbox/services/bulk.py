"""Apply one action to many conversations at once (assign, tag, close, reopen).

Each conversation goes through the same service, permission check and audit event as
a single change; one that cannot take the action is skipped and reported, the others
are done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.inbox.models import Conversation
from socialops.inbox.services.conversations import (
    assign,
    clean_tag,
    close,
    conversations_for,
    reopen,
    set_tag,
)

MAX_BULK = 200
ACTIONS = ("assign_me", "assign", "unassign", "tag", "untag", "close", "reopen")


@dataclass
class BulkResult:
    """How many conversations took the action, and why the others did not."""

    done: int = 0
    skipped: list[str] = field(default_factory=list)


def _assignee(member: Member, value: str) -> Member:
    person = (Member.objects.filter(organization_id=member.organization_id, is_active=True,
                                    pk=int(value)).select_related("user").first()
              if value.isdigit() else None)
    if person is None:
        raise Http404
    return person


def _operation(member: Member, action: str, value: str
               ) -> Callable[[Conversation, Actor], object]:
    if action == "assign_me":
        return lambda c, a: assign(c, member, member, a)
    if action == "assign":
        person = _assignee(member, value)
        return lambda c, a: assign(c, person, member, a)
    if action == "unassign":
        return lambda c, a: assign(c, None, member, a)
    if action in ("tag", "untag"):
        tag = clean_tag(value)
        return lambda c, a: set_tag(c, tag, member, a, present=action == "tag")
    if action == "close":
        return lambda c, a: close(c, member, a)
    if action == "reopen":
        return lambda c, a: reopen(c, member, a)
    raise ValidationError(_("Choose an action."))


def apply(member: Member, ids: Iterable[int], action: str, value: str, actor: Actor
          ) -> BulkResult:
    """Apply `action` to the member's conversations among `ids`."""
    wanted = sorted(set(ids))
    if not wanted:
        raise ValidationError(_("Select at least one conversation."))
    if len(wanted) > MAX_BULK:
        raise ValidationError(_("Select at most %(n)d conversations at once.") % {"n": MAX_BULK})
    operation = _operation(member, action, value)
    rows = list(conversations_for(member).filter(pk__in=wanted).select_related("channel"))
    result = BulkResult()
    # Ids of other organizations (or channels the member cannot see) are simply not found.
    result.skipped.extend(_("#%(id)d: not found") % {"id": pk}
                          for pk in sorted(set(wanted) - {c.pk for c in rows}))
    for conversation in rows:
        try:
            operation(conversation, actor)
        except PermissionDenied:
            result.skipped.append(_("#%(id)d: not allowed") % {"id": conversation.pk})
        except ValidationError as exc:
            result.skipped.append(f"#{conversation.pk}: {' '.join(exc.messages)}")
        else:
            result.done += 1
    return result
