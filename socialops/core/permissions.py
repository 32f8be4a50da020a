"""The one place that decides who may do what.

Every view, API endpoint and background action asks `can()` (or `require()`),
never a role name directly. `docs/permissions.md` is generated from ROLE_ACTIONS
by `socialops manage permissions_doc`, and a test fails when it is out of date.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization, Role


class Action(StrEnum):
    """Something a member may be allowed to do."""

    VIEW_ORGANIZATION = "organization.view"
    MANAGE_ORGANIZATION = "organization.manage"
    VIEW_MEMBERS = "member.view"
    MANAGE_MEMBERS = "member.manage"
    MANAGE_TOKENS = "token.manage"
    VIEW_CHANNELS = "channel.view"
    MANAGE_CHANNELS = "channel.manage"
    MANAGE_CREDENTIALS = "channel.credentials"
    VIEW_AUDIT = "audit.view"
    VIEW_GOVERNANCE = "governance.view"
    VIEW_POSTS = "post.view"
    DRAFT_POSTS = "post.draft"
    SCHEDULE_POSTS = "post.schedule"
    APPROVE_POSTS = "post.approve"
    PAUSE_PUBLISHING = "publishing.pause"
    VIEW_INBOX = "inbox.view"
    RESPOND = "inbox.respond"
    ASSIGN_CONVERSATIONS = "inbox.assign"
    MANAGE_INBOX_SETTINGS = "inbox.manage"


ACTION_LABELS: dict[Action, Any] = {
    Action.VIEW_ORGANIZATION: _("See the organization"),
    Action.MANAGE_ORGANIZATION: _("Change the organization's settings"),
    Action.VIEW_MEMBERS: _("See the members and their roles"),
    Action.MANAGE_MEMBERS: _("Add members, change roles, deactivate members"),
    Action.MANAGE_TOKENS: _("Create and revoke API tokens of any member"),
    Action.VIEW_CHANNELS: _("See the channels (never their credentials)"),
    Action.MANAGE_CHANNELS: _("Add and change channels, owners and backups"),
    Action.MANAGE_CREDENTIALS: _("Set or rotate a channel's credentials"),
    Action.VIEW_AUDIT: _("Read the audit trail, export it and verify its chain"),
    Action.VIEW_GOVERNANCE: _("See channels at risk and the state of their credentials"),
    Action.VIEW_POSTS: _("See posts, their variants and the calendar"),
    Action.DRAFT_POSTS: _("Write and edit drafts"),
    Action.SCHEDULE_POSTS: _("Schedule, publish and cancel approved posts"),
    Action.APPROVE_POSTS: _("Approve or reject drafts"),
    Action.PAUSE_PUBLISHING: _("Pause and resume publishing"),
    Action.VIEW_INBOX: _("Read the community inbox"),
    Action.RESPOND: _("Answer conversations"),
    Action.ASSIGN_CONVERSATIONS: _("Assign conversations to others"),
    Action.MANAGE_INBOX_SETTINGS: _("Manage saved replies, rules and response-time targets"),
}

_EVERYONE = {Action.VIEW_ORGANIZATION, Action.VIEW_MEMBERS, Action.VIEW_CHANNELS}

_EVERYONE = _EVERYONE | {Action.VIEW_POSTS}
_RUN_SOCIAL = {
    Action.VIEW_AUDIT, Action.VIEW_GOVERNANCE, Action.DRAFT_POSTS, Action.SCHEDULE_POSTS,
    Action.APPROVE_POSTS,
    Action.PAUSE_PUBLISHING, Action.VIEW_INBOX, Action.RESPOND, Action.ASSIGN_CONVERSATIONS,
    Action.MANAGE_INBOX_SETTINGS,
}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.ADMIN: frozenset(Action),
    Role.MANAGER: frozenset(_EVERYONE | _RUN_SOCIAL),
    Role.PUBLISHER: frozenset(_EVERYONE | {Action.DRAFT_POSTS, Action.SCHEDULE_POSTS,
                                           Action.VIEW_INBOX, Action.RESPOND}),
    Role.RESPONDER: frozenset(_EVERYONE | {Action.VIEW_INBOX, Action.RESPOND}),
    Role.CONTRIBUTOR: frozenset(_EVERYONE | {Action.DRAFT_POSTS}),
    Role.APPROVER: frozenset(_EVERYONE | {Action.APPROVE_POSTS, Action.VIEW_INBOX}),
    Role.ANALYST: frozenset(_EVERYONE | {Action.VIEW_AUDIT, Action.VIEW_GOVERNANCE,
                                         Action.VIEW_INBOX}),
}


def organization_of(obj: object) -> Organization | None:
    """Return the organization an object belongs to, following `organization`."""
    if isinstance(obj, Organization):
        return obj
    org_id = getattr(obj, "organization_id", None)
    if org_id is not None:
        return Organization(pk=org_id)
    return None


def can(member: Member | None, action: Action, obj: object | None = None) -> bool:
    """Return whether an active member may perform ``action`` (on ``obj`` if given)."""
    if member is None or not member.is_active or not member.user.is_active:
        return False
    if obj is not None:
        owner = organization_of(obj)
        if owner is None or owner.pk != member.organization_id:
            return False
    return action in ROLE_ACTIONS[Role(member.role)]


def require(member: Member | None, action: Action, obj: object | None = None) -> None:
    """Raise PermissionDenied unless ``can(member, action, obj)``."""
    if not can(member, action, obj):
        raise PermissionDenied(str(_("You are not allowed to do this.")))


def acting_member(organization: Organization, actor: Actor) -> Member | None:
    """Return the actor's active membership of an organization, or None."""
    if actor.user is None:
        return None
    return (
        Member.objects.select_related("user", "organization")
        .filter(organization_id=organization.pk, user_id=actor.user.pk, is_active=True)
        .first()
    )


def authorize(actor: Actor, action: Action, obj: object) -> Member | None:
    """Raise PermissionDenied unless the actor may perform ``action`` on ``obj``.

    Return the acting member, or None for socialops itself (a job, the command
    line): whoever runs those already has the server in hand.
    """
    if actor.is_system:
        return None
    organization = organization_of(obj)
    member = acting_member(organization, actor) if organization is not None else None
    require(member, action, obj)
    return member


def permissions_table() -> str:
    """Return the role-by-action table as Markdown (the body of docs/permissions.md)."""
    with translation.override("en"):
        return _table()


def _table() -> str:
    roles = list(Role)
    lines = [
        "# Permissions",
        "",
        "Generated from `socialops/core/permissions.py` by "
        "`socialops manage permissions_doc`; do not edit by hand.",
        "",
        "Every page, API endpoint and job checks these through `can(member, action, obj)`.",
        "An object of another organization is never visible: pages and the API answer 404.",
        "",
        "| action | what it allows | " + " | ".join(r.value for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for action in Action:
        marks = " | ".join("yes" if action in ROLE_ACTIONS[r] else "—" for r in roles)
        lines.append(f"| `{action.value}` | {ACTION_LABELS[action]} | {marks} |")
    return "\n".join(lines) + "\n"
