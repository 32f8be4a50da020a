"""Hand a departing member's open conversations to their successor (offboarding)."""

from __future__ import annotations

from django.utils.translation import ngettext

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.inbox.models import Conversation, Status


def reassign_conversations(member: Member, successor: Member, actor: Actor) -> list[str]:
    """Assign the leaver's open and snoozed conversations to the successor."""
    count = Conversation.objects.filter(
        organization_id=member.organization_id, assignee=member
    ).exclude(status=Status.CLOSED).update(assignee=successor)
    if not count:
        return []
    return [ngettext("%(count)d open conversation now assigned to %(email)s",
                     "%(count)d open conversations now assigned to %(email)s", count)
            % {"count": count, "email": successor.user.email}]
