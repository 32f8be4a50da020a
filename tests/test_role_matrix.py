"""Every role and every action, through real pages and services, with and without channel grants.

The expected outcome comes from ROLE_ACTIONS (socialops.core.permissions), the one table;
the observed outcome from a probe that does the action for real: a page answers 200 or
refuses (403/404), a service succeeds or raises PermissionDenied. Then, for every action
a grant can change on one channel (CHANNEL_ACTIONS):

- a role without the action, given an "allow" grant on channel A, may do it on A only;
- a role with the action, given an "only" grant on channel A, may no longer do it on B.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from socialops.analytics.scope import visible_channels
from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization, Role
from socialops.core.permissions import CHANNEL_ACTIONS, ROLE_ACTIONS, Action
from socialops.core.services import create_token
from socialops.crisis.services import open_incident
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation, Delivery
from socialops.inbox.services import assign, ingest, reply, reply_approval
from socialops.publishing.campaigns import CampaignInput, save_campaign
from socialops.publishing.models import Post
from socialops.publishing.services import approve, cancel, create_post, submit_for_review

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("matrix")


@dataclass
class World:
    org: Organization
    admin: Member
    answerer: Member
    channels: dict[str, Channel]
    conversations: dict[str, Conversation]
    posts: dict[str, Post]


def _page(member: Member, url: str) -> bool:
    client = Client()
    client.force_login(member.user)
    status = client.get(url).status_code
    assert status in {200, 403, 404}, (url, status)
    return status == 200


def _service(call: Callable[[], Any]) -> bool:
    try:
        call()
    except PermissionDenied:
        return False
    except ValidationError:
        # The service got past its permission check and refused the request itself:
        # only the approval probe meets this, when the step is not the member's.
        return False
    return True


def _me(member: Member) -> Actor:
    return Actor.for_user(member.user)


# One probe per action: (member, world, channel key) -> whether the action went through.
# Organization-wide actions ignore the channel key.
PROBES: dict[Action, Callable[[Member, World, str], bool]] = {
    Action.VIEW_ORGANIZATION: lambda m, w, c: _page(m, "/"),
    Action.MANAGE_ORGANIZATION: lambda m, w, c: _service(lambda: __import__(
        "socialops.core.twofactor", fromlist=["x"]).set_two_factor_required(
        w.org, not w.org.two_factor_required, _me(m))),
    Action.VIEW_MEMBERS: lambda m, w, c: _page(m, "/members/"),
    Action.MANAGE_MEMBERS: lambda m, w, c: _page(m, "/members/add/"),
    Action.MANAGE_TOKENS: lambda m, w, c: _service(lambda: create_token(w.answerer, _me(m))),
    Action.VIEW_CHANNELS: lambda m, w, c: _page(m, "/channels/"),
    Action.MANAGE_CHANNELS: lambda m, w, c: _page(m, f"/channels/{w.channels[c].pk}/edit/"),
    Action.MANAGE_CREDENTIALS: lambda m, w, c: _page(
        m, f"/channels/{w.channels[c].pk}/credentials/"),
    Action.VIEW_AUDIT: lambda m, w, c: _page(m, "/audit/"),
    Action.VIEW_GOVERNANCE: lambda m, w, c: _page(m, "/channels/at-risk/"),
    Action.VIEW_POSTS: lambda m, w, c: _page(m, "/publishing/"),
    Action.DRAFT_POSTS: lambda m, w, c: _service(lambda: create_post(
        m, _me(m), text="Draft", targets=[(w.channels[c].pk, "feed")])),
    Action.SCHEDULE_POSTS: lambda m, w, c: _service(lambda: cancel(m, _me(m), w.posts[c])),
    Action.APPROVE_POSTS: lambda m, w, c: _service(lambda: approve(m, _me(m), w.posts[c])),
    Action.PAUSE_PUBLISHING: lambda m, w, c: _service(lambda: __import__(
        "socialops.publishing.pausing", fromlist=["x"]).pause_publishing(
        m, _me(m), reason="Matrix", channel=None)),
    Action.VIEW_INBOX: lambda m, w, c: _page(m, f"/inbox/{w.conversations[c].pk}/"),
    Action.RESPOND: lambda m, w, c: _service(lambda: assign(w.conversations[c], m, m, _me(m))),
    Action.ASSIGN_CONVERSATIONS: lambda m, w, c: _service(
        lambda: assign(w.conversations[c], w.answerer, m, _me(m))),
    Action.MANAGE_INBOX_SETTINGS: lambda m, w, c: _page(m, "/inbox/saved-replies/new/"),
    Action.MANAGE_APPROVALS: lambda m, w, c: _page(m, "/publishing/approvals/new/"),
    Action.MANAGE_CAMPAIGNS: lambda m, w, c: _service(lambda: save_campaign(m, _me(m), (
        CampaignInput(name=f"Matrix {m.pk}", starts_on=date(2026, 1, 1),
                      ends_on=date(2026, 1, 31))))),
    Action.VIEW_LISTENING: lambda m, w, c: _page(m, "/listening/"),
    Action.MANAGE_LISTENING: lambda m, w, c: _page(m, "/listening/queries/new/"),
    Action.VIEW_INCIDENTS: lambda m, w, c: _page(m, "/crisis/"),
    Action.MANAGE_INCIDENTS: lambda m, w, c: _service(lambda: open_incident(
        m, _me(m), title="Matrix incident")),
    Action.VIEW_ANALYTICS: lambda m, w, c: _sees_analytics_of(m, w.channels[c]),
    Action.MANAGE_REPORTS: lambda m, w, c: _page(m, "/analytics/reports/new/"),
    Action.VIEW_TEAM: lambda m, w, c: _page(m, "/team/"),
    Action.MANAGE_SHIFTS: lambda m, w, c: _page(m, "/team/rotations/new/"),
    Action.VIEW_STAFFING: lambda m, w, c: _page(m, "/team/staffing/"),
    Action.SUBMIT_REQUESTS: lambda m, w, c: _page(m, "/requests/new/"),
    Action.TRIAGE_REQUESTS: lambda m, w, c: _page(m, "/requests/queue/"),
    Action.MANAGE_GUIDELINES: lambda m, w, c: _page(m, "/requests/guidelines/new/"),
    Action.VIEW_REQUEST_STATS: lambda m, w, c: _page(m, "/requests/statistics/"),
    Action.APPROVE_REPLIES: lambda m, w, c: _approves_reply(m, w, c),
}


def _approves_reply(member: Member, world: World, key: str) -> bool:
    """Hold a responder's reply on the channel for approval, then let `member` approve it."""
    conversation = world.conversations[key]
    reply_approval.set_policy(world.admin, urgent=False, channel_ids=[conversation.channel_id],
                              actor=SYSTEM)
    held = reply(conversation, "Matrix reply", world.answerer, SYSTEM)
    assert held.delivery == Delivery.AWAITING_APPROVAL
    return _service(lambda: reply_approval.approve(held, member, _me(member)))


def _sees_analytics_of(member: Member, channel: Channel) -> bool:
    try:
        return visible_channels(member).filter(pk=channel.pk).exists()
    except PermissionDenied:
        return False


@pytest.fixture
def world(make_org: Callable[..., Organization], make_member: Callable[..., Member],
          make_channel: Callable[..., Channel]) -> World:
    org = make_org("Matrix")
    admin = make_member(org, "admin")
    answerer = make_member(org, "responder")
    channels = {key: make_channel(org, network="mastodon", handle=f"matrix_{key}")
                for key in ("a", "b")}
    conversations, posts = {}, {}
    for key, channel in channels.items():
        ingest(channel, [InboundItem(
            remote_id=f"m-{key}", kind="comment", author_handle="fan", author_name="Fan",
            text=f"Question {key}", created_at=timezone.now(), thread_key=f"m-{key}")])
        conversations[key] = Conversation.objects.get(channel=channel)
        posts[key] = create_post(admin, SYSTEM, text=f"Post {key}",
                                 targets=[(channel.pk, "feed")])
        submit_for_review(admin, SYSTEM, posts[key])
    return World(org, admin, answerer, channels, conversations, posts)


def _probe(action: Action) -> Callable[[Member, World, str], bool]:
    probe = PROBES.get(action)
    if probe is None:
        pytest.skip(f"no probe yet for {action.value}: add one to PROBES")
    return probe


CASES = [(role, action) for role in Role for action in Action]


@pytest.mark.parametrize(("role", "action"), CASES, ids=[f"{r.value}-{a.value}" for r, a in CASES])
def test_each_role_may_do_what_the_table_says(role: Role, action: Action, world: World,
                                              make_member: Callable[..., Member]) -> None:
    probe = _probe(action)
    member = make_member(world.org, role.value)
    assert probe(member, world, "a") == (action in ROLE_ACTIONS[role])


WIDEN = [(r, a) for r in Role for a in CHANNEL_ACTIONS if a not in ROLE_ACTIONS[r]]
NARROW = [(r, a) for r in Role for a in CHANNEL_ACTIONS if a in ROLE_ACTIONS[r]]


@pytest.mark.parametrize(("role", "action"), WIDEN, ids=[f"{r.value}-{a.value}" for r, a in WIDEN])
def test_an_allow_grant_widens_the_role_on_its_channel_only(
        role: Role, action: Action, world: World, make_member: Callable[..., Member]) -> None:
    probe = _probe(action)
    member = make_member(world.org, role.value)
    set_grant(member, world.channels["a"], "allow", [action.value], SYSTEM)
    member.refresh_from_db()
    assert probe(member, world, "a")
    member.refresh_from_db()
    assert not probe(member, world, "b")


@pytest.mark.parametrize(("role", "action"), NARROW,
                         ids=[f"{r.value}-{a.value}" for r, a in NARROW])
def test_an_only_grant_narrows_the_role_to_its_channels(
        role: Role, action: Action, world: World, make_member: Callable[..., Member]) -> None:
    probe = _probe(action)
    member = make_member(world.org, role.value)
    set_grant(member, world.channels["a"], "only", [action.value], SYSTEM)
    member.refresh_from_db()
    assert not probe(member, world, "b")
    member.refresh_from_db()
    assert probe(member, world, "a")
