"""The one place that decides who may do what.

Every view, API endpoint and background action asks `can()` (or `require()`),
never a role name directly. `docs/permissions.md` is generated from ROLE_ACTIONS
by `socialops manage permissions_doc`, and a test fails when it is out of date.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from socialops.core import channel_access
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
    MANAGE_APPROVALS = "post.approval_policy"
    MANAGE_CAMPAIGNS = "campaign.manage"
    PAUSE_PUBLISHING = "publishing.pause"
    VIEW_INBOX = "inbox.view"
    RESPOND = "inbox.respond"
    ASSIGN_CONVERSATIONS = "inbox.assign"
    MANAGE_INBOX_SETTINGS = "inbox.manage"
    VIEW_LISTENING = "listening.view"
    MANAGE_LISTENING = "listening.manage"
    VIEW_INCIDENTS = "incident.view"
    MANAGE_INCIDENTS = "incident.manage"
    VIEW_ANALYTICS = "analytics.view"
    MANAGE_REPORTS = "analytics.reports"
    VIEW_TEAM = "team.view"
    MANAGE_SHIFTS = "team.shifts"
    VIEW_STAFFING = "team.staffing"
    SUBMIT_REQUESTS = "request.submit"
    TRIAGE_REQUESTS = "request.triage"
    MANAGE_GUIDELINES = "request.guidelines"
    VIEW_REQUEST_STATS = "request.statistics"
    APPROVE_REPLIES = "inbox.approve_reply"


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
    Action.MANAGE_APPROVALS: _("Set the approval steps of the organization and its channels"),
    Action.MANAGE_CAMPAIGNS: _("Create and change campaigns, their targets and budgets"),
    Action.PAUSE_PUBLISHING: _("Pause and resume publishing"),
    Action.VIEW_INBOX: _("Read the community inbox"),
    Action.RESPOND: _("Answer conversations"),
    Action.ASSIGN_CONVERSATIONS: _("Assign conversations to others"),
    Action.MANAGE_INBOX_SETTINGS: _("Manage saved replies, rules and response-time targets"),
    Action.VIEW_LISTENING: _("See listening queries, mentions and alerts"),
    Action.MANAGE_LISTENING: _("Create listening queries and alert webhooks"),
    Action.VIEW_INCIDENTS: _("See incidents, playbooks and post-incident reports"),
    Action.MANAGE_INCIDENTS: _("Open and run incidents, crisis mode and holding statements"),
    Action.VIEW_ANALYTICS: _("See dashboards, metrics and reports"),
    Action.MANAGE_REPORTS: _("Create, change and send scheduled reports"),
    Action.VIEW_TEAM: _("See who is on call, the coverage map and one's own pages and workload"),
    Action.MANAGE_SHIFTS: _("Manage rotations, overrides, time off and escalation delays"),
    Action.VIEW_STAFFING: _("See the staffing case and the role report"),
    Action.SUBMIT_REQUESTS: _("Ask the team for content or a new channel; follow one's requests"),
    Action.TRIAGE_REQUESTS: _("See every request; accept, question or decline them"),
    Action.MANAGE_GUIDELINES: _("Write and change the guidelines library"),
    Action.VIEW_REQUEST_STATS: _("See the decline log and the request statistics"),
    Action.APPROVE_REPLIES: _("Approve or reject inbox replies that need approval"),
}

_EVERYONE = {Action.VIEW_ORGANIZATION, Action.VIEW_MEMBERS, Action.VIEW_CHANNELS}

_EVERYONE = _EVERYONE | {Action.VIEW_POSTS}
_RUN_SOCIAL = {
    Action.VIEW_AUDIT, Action.VIEW_GOVERNANCE, Action.DRAFT_POSTS, Action.SCHEDULE_POSTS,
    Action.APPROVE_POSTS, Action.MANAGE_APPROVALS, Action.MANAGE_CAMPAIGNS,
    Action.PAUSE_PUBLISHING, Action.VIEW_INBOX, Action.RESPOND, Action.ASSIGN_CONVERSATIONS,
    Action.MANAGE_INBOX_SETTINGS,
}

# Listening and crisis response (issue #6): everyone who works the inbox sees them.
_WATCH = {Action.VIEW_LISTENING, Action.VIEW_INCIDENTS}
_RUN_SOCIAL = _RUN_SOCIAL | _WATCH | {Action.MANAGE_LISTENING, Action.MANAGE_INCIDENTS}

# Analytics (issue #7): leadership, approvers and the team read dashboards; analysts and
# managers build the reports.
_EVERYONE_BUT_CONTRIBUTORS = {Action.VIEW_ANALYTICS}
_WATCH = _WATCH | _EVERYONE_BUT_CONTRIBUTORS
_RUN_SOCIAL = _RUN_SOCIAL | _WATCH | {Action.MANAGE_REPORTS}

# The team's health (issue #8): everyone sees who is on call; managers run the shifts
# and, with analysts, the staffing case. Workload is shown to the person and their
# manager only (checked in socialops.team.workload, not by role).
_EVERYONE = _EVERYONE | {Action.VIEW_TEAM}
_RUN_SOCIAL = _RUN_SOCIAL | {Action.MANAGE_SHIFTS, Action.VIEW_STAFFING}

# Stakeholder requests (issue #5): anyone may ask and follows their own requests; the
# team triages and keeps the guidelines; leadership (and analysts) read the statistics.
_EVERYONE = _EVERYONE | {Action.SUBMIT_REQUESTS}
_RUN_SOCIAL = _RUN_SOCIAL | {Action.TRIAGE_REQUESTS, Action.MANAGE_GUIDELINES,
                             Action.VIEW_REQUEST_STATS}

# Reply approval (issue #4): where the organization requires it, managers and approvers
# (legal, brand) let a reply go out.
_RUN_SOCIAL = _RUN_SOCIAL | {Action.APPROVE_REPLIES}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.ADMIN: frozenset(Action),
    Role.MANAGER: frozenset(_EVERYONE | _RUN_SOCIAL),
    Role.PUBLISHER: frozenset(_EVERYONE | _WATCH | {Action.DRAFT_POSTS, Action.SCHEDULE_POSTS,
                                                    Action.VIEW_INBOX, Action.RESPOND}),
    Role.RESPONDER: frozenset(_EVERYONE | _WATCH | {Action.VIEW_INBOX, Action.RESPOND}),
    Role.CONTRIBUTOR: frozenset(_EVERYONE | {Action.DRAFT_POSTS}),
    Role.APPROVER: frozenset(_EVERYONE | _WATCH | {Action.APPROVE_POSTS, Action.VIEW_INBOX,
                                                   Action.APPROVE_REPLIES}),
    Role.ANALYST: frozenset(_EVERYONE | _WATCH | {Action.VIEW_AUDIT, Action.VIEW_GOVERNANCE,
                                                  Action.VIEW_INBOX, Action.MANAGE_REPORTS,
                                                  Action.VIEW_STAFFING,
                                                  Action.VIEW_REQUEST_STATS}),
}


# What a channel grant can widen or narrow on one channel (the others are organization-wide).
CHANNEL_ACTIONS: tuple[Action, ...] = (
    Action.VIEW_INBOX, Action.RESPOND, Action.ASSIGN_CONVERSATIONS,
    Action.DRAFT_POSTS, Action.SCHEDULE_POSTS, Action.APPROVE_POSTS, Action.APPROVE_REPLIES,
    Action.MANAGE_CHANNELS, Action.MANAGE_CREDENTIALS,
    Action.VIEW_ANALYTICS,
)


def organization_of(obj: object) -> Organization | None:
    """Return the organization an object belongs to, following `organization`."""
    if isinstance(obj, Organization):
        return obj
    org_id = getattr(obj, "organization_id", None)
    if org_id is not None:
        return Organization(pk=org_id)
    return None


def can(member: Member | None, action: Action, obj: object | None = None, *,
        channel: object | None = None) -> bool:
    """Return whether an active member may perform ``action`` (on ``obj`` if given).

    On one channel (``channel``, or the channel ``obj`` belongs to: a conversation,
    a variant), the member's channel grants widen or narrow their role; see
    socialops.core.channel_access.
    """
    if member is None or not member.is_active or not member.user.is_active:
        return False
    if obj is not None:
        owner = organization_of(obj)
        if owner is None or owner.pk != member.organization_id:
            return False
    allowed = action in ROLE_ACTIONS[Role(member.role)]
    if action not in CHANNEL_ACTIONS or not member.has_channel_grants:
        return allowed
    return channel_access.decide(member, action, allowed, channel_access.channel_id_of(
        channel if channel is not None else obj))


def require(member: Member | None, action: Action, obj: object | None = None, *,
            channel: object | None = None) -> None:
    """Raise PermissionDenied unless ``can(member, action, obj, channel=channel)``."""
    if not can(member, action, obj, channel=channel):
        raise PermissionDenied(str(_("You are not allowed to do this.")))


def channels_for(member: Member | None, action: Action) -> QuerySet[Any]:
    """Return the member's organization's channels on which they may perform ``action``."""
    channel_model = apps.get_model("governance", "Channel")
    if member is None or not can(member, action):
        return channel_model.objects.none()
    channels = channel_model.objects.filter(organization_id=member.organization_id)
    if action not in CHANNEL_ACTIONS or not member.has_channel_grants:
        return channels
    allowed = action in ROLE_ACTIONS[Role(member.role)]
    ids = channel_access.channel_ids(member, action, allowed)
    return channels if ids is None else channels.filter(pk__in=ids)


def channel_scope(member: Member, action: Action, field: str = "channel") -> Q:
    """Return a filter keeping the rows whose ``field`` is a channel allowed for ``action``.

    Empty (no filter, no cost) for a member without channel grants whose role allows it.
    """
    allowed = action in ROLE_ACTIONS[Role(member.role)]
    if action not in CHANNEL_ACTIONS or not member.has_channel_grants:
        return Q() if allowed else Q(pk__in=[])
    ids = channel_access.channel_ids(member, action, allowed)
    return Q() if ids is None else Q(**{f"{field}__in": ids})


def acting_member(organization: Organization, actor: Actor) -> Member | None:
    """Return the actor's active membership of an organization, or None."""
    if actor.user is None:
        return None
    return (
        Member.objects.select_related("user", "organization")
        .filter(organization_id=organization.pk, user_id=actor.user.pk, is_active=True)
        .first()
    )


def authorize(actor: Actor, action: Action, obj: object, *,
              channel: object | None = None) -> Member | None:
    """Raise PermissionDenied unless the actor may perform ``action`` on ``obj``.

    Return the acting member, or None for socialops itself (a job, the command
    line): whoever runs those already has the server in hand.
    """
    if actor.is_system:
        return None
    organization = organization_of(obj)
    member = acting_member(organization, actor) if organization is not None else None
    require(member, action, obj, channel=channel)
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
    lines += [
        "",
        "## Per-channel grants",
        "",
        "A channel grant changes one member's role on one channel, for these actions only: "
        + ", ".join(f"`{a.value}`" for a in CHANNEL_ACTIONS) + ".",
        "An *allow* grant widens the role on that channel; an *only* grant narrows the "
        "action to the channels that carry such a grant. See docs/governance.md.",
    ]
    return "\n".join(lines) + "\n"
