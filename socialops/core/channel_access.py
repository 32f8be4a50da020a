"""How a member's channel grants change their role on one channel.

A grant (governance.ChannelGrant) names a member, a channel, some actions and an effect:

- **allow** widens: the member may do these actions on this channel even if their
  role does not let them (a contributor who may publish on one channel);
- **only** narrows: for each action listed, the member may do it only on the
  channels where they hold an "only" grant for it (a responder who answers the
  French channels and no others).

socialops.core.permissions asks this module, and only for members flagged
``has_channel_grants``, so that everyone else pays no query. The grants are
read once per member object (one request, one job) and kept on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from socialops.core.models import Member

_CACHE_ATTR = "_socialops_channel_grants"


@dataclass
class MemberGrants:
    """A member's grants, by action: the channel ids allowed, and those it is limited to."""

    allow: dict[str, set[int]] = field(default_factory=dict)
    only: dict[str, set[int]] = field(default_factory=dict)


def grants_of(member: Member) -> MemberGrants:
    """Return the member's grants (read once per member object)."""
    cached: MemberGrants | None = member.__dict__.get(_CACHE_ATTR)
    if cached is not None:
        return cached
    grant_model = apps.get_model("governance", "ChannelGrant")
    grants = MemberGrants()
    rows = grant_model.objects.filter(member_id=member.pk).values_list(
        "channel_id", "effect", "actions")
    for channel_id, effect, actions in rows:
        target = grants.allow if effect == "allow" else grants.only
        for action in actions:
            target.setdefault(str(action), set()).add(int(channel_id))
    member.__dict__[_CACHE_ATTR] = grants
    return grants


def forget(member: Member) -> None:
    """Drop the grants read for this member object (after they changed)."""
    member.__dict__.pop(_CACHE_ATTR, None)


def channel_id_of(obj: Any) -> int | None:
    """Return the channel an object is about: a channel itself, or its ``channel_id``."""
    if obj is None:
        return None
    meta = getattr(obj, "_meta", None)
    if meta is not None and meta.label == "governance.Channel":
        return int(obj.pk)
    channel_id = getattr(obj, "channel_id", None)
    return int(channel_id) if channel_id is not None else None


def decide(member: Member, action: str, role_allows: bool, channel_id: int | None) -> bool:
    """Return whether the member may do ``action`` on the channel (None: on any channel)."""
    grants = grants_of(member)
    allowed_on = grants.allow.get(action, set())
    if channel_id is None:
        # "Anywhere?": the role, or at least one channel that allows it.
        return role_allows or bool(allowed_on)
    if channel_id in allowed_on:
        return True
    if not role_allows:
        return False
    limited_to = grants.only.get(action)
    return limited_to is None or channel_id in limited_to


def channel_ids(member: Member, action: str, role_allows: bool) -> set[int] | None:
    """Return the ids of the channels the member may do ``action`` on (None: all of them).

    Without an "only" grant for the action, a role that allows it covers every
    channel of the organization.
    """
    grants = grants_of(member)
    allowed_on = grants.allow.get(action, set())
    if not role_allows:
        return allowed_on
    limited_to = grants.only.get(action)
    if limited_to is not None:
        return limited_to | allowed_on
    return None
