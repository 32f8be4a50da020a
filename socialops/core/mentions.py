"""Find the members an internal text @mentions (comments on posts, notes on conversations).

A member is mentioned by the part of their e-mail address before the @
(`@sophie.durand`), which is unique enough inside one organization and never changes
with a display name.
"""

from __future__ import annotations

import re

from socialops.core.models import Member

MENTION = re.compile(r"(?<![\w@])@([\w][\w.\-]{0,62}[\w])")


def mentioned(member: Member, body: str) -> list[Member]:
    """Return the active members of `member`'s organization that the text @mentions."""
    names = {m.lower() for m in MENTION.findall(body)}
    if not names:
        return []
    people = Member.objects.filter(organization_id=member.organization_id, is_active=True)
    return [p for p in people.select_related("user")
            if p.user.email.split("@")[0].lower() in names]
