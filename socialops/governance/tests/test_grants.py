"""Channel grants through the pages and the services that obey them (inbox, publishing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.core.permissions import Action, can, channels_for
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel, ChannelGrant
from socialops.governance.offboarding import offboard
from socialops.inbox.models import Conversation
from socialops.inbox.services import ingest
from socialops.publishing.services import cancel, create_post

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")


def _conversation(channel: Channel, text: str) -> Conversation:
    ingest(channel, [InboundItem(
        remote_id=f"r-{channel.pk}", kind="comment", author_handle="fan", author_name="Fan",
        text=text, created_at=timezone.now(), thread_key=f"t-{channel.pk}")])
    return Conversation.objects.get(channel=channel)


@pytest.fixture
def world(make_org: Callable[..., Organization], make_member: Callable[..., Member],
          make_channel: Callable[..., Channel]) -> dict[str, Any]:
    org = make_org("Maison Grants")
    admin = make_member(org, "admin")
    fr = make_channel(org, network="instagram", handle="maison_fr", language="fr")
    en = make_channel(org, network="instagram", handle="maison_en", language="en")
    return {"org": org, "admin": admin, "fr": fr, "en": en}


def test_an_admin_limits_a_responder_to_the_french_channel_from_the_member_page(
        world: dict[str, Any], make_member: Callable[..., Member]) -> None:
    responder = make_member(world["org"], "responder")
    fr_talk = _conversation(world["fr"], "Bonjour, où est ma commande ?")
    en_talk = _conversation(world["en"], "Hello, where is my order?")
    admin = Client()
    admin.force_login(world["admin"].user)
    page = admin.get(f"/members/{responder.pk}/channel-access/")
    assert page.status_code == 200
    response = admin.post(f"/members/{responder.pk}/channel-access/", {
        "channel": world["fr"].pk, "effect": "only",
        "actions": [Action.VIEW_INBOX.value, Action.RESPOND.value]})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="channel_grant.set")
    assert event.after["effect"] == "only" and event.after["channel_id"] == world["fr"].pk

    person = Client()
    person.force_login(responder.user)
    inbox = person.get("/inbox/").content.decode()
    assert "où est ma commande" in inbox
    assert "where is my order" not in inbox
    assert person.get(f"/inbox/{en_talk.pk}/").status_code == 404
    assert person.get(f"/inbox/{fr_talk.pk}/").status_code == 200


def test_a_contributor_may_publish_on_one_channel_only(
        world: dict[str, Any], make_member: Callable[..., Member]) -> None:
    contributor = make_member(world["org"], "contributor")
    actor = Actor.for_user(contributor.user)
    set_grant(contributor, world["fr"], "allow", [Action.SCHEDULE_POSTS.value],
              Actor.for_user(world["admin"].user))
    contributor.refresh_from_db()
    assert can(contributor, Action.SCHEDULE_POSTS, world["org"])
    assert can(contributor, Action.SCHEDULE_POSTS, channel=world["fr"])
    assert not can(contributor, Action.SCHEDULE_POSTS, channel=world["en"])
    assert list(channels_for(contributor, Action.SCHEDULE_POSTS)) == [world["fr"]]

    on_fr = create_post(contributor, actor, text="Nouveauté", targets=[(world["fr"].pk, "feed")])
    on_en = create_post(contributor, actor, text="New in", targets=[(world["en"].pk, "feed")])
    assert cancel(contributor, actor, on_fr)
    with pytest.raises(PermissionDenied):
        cancel(contributor, actor, on_en)


def test_grant_pages_refuse_who_may_not_manage_members(
        world: dict[str, Any], make_member: Callable[..., Member]) -> None:
    manager = make_member(world["org"], "manager")
    client = Client()
    client.force_login(manager.user)
    assert client.get(f"/channels/{world['fr'].pk}/grants/").status_code == 403
    assert client.post(f"/members/{manager.pk}/channel-access/", {
        "channel": world["fr"].pk, "effect": "allow",
        "actions": [Action.MANAGE_CREDENTIALS.value]}).status_code == 403
    assert not ChannelGrant.objects.exists()


def test_the_channel_page_gives_and_removes_grants(
        world: dict[str, Any], make_member: Callable[..., Member]) -> None:
    publisher = make_member(world["org"], "publisher")
    client = Client()
    client.force_login(world["admin"].user)
    assert b"channel-access-link" in client.get(f"/channels/{world['en'].pk}/").content
    bad = client.post(f"/channels/{world['en'].pk}/grants/", {
        "member": publisher.pk, "effect": "sideways", "actions": ["post.schedule"]})
    assert bad.status_code == 400
    client.post(f"/channels/{world['en'].pk}/grants/", {
        "member": publisher.pk, "effect": "allow", "actions": [Action.MANAGE_CHANNELS.value]})
    grant = ChannelGrant.objects.get()
    publisher.refresh_from_db()
    assert publisher.has_channel_grants
    # The grant opens the edit page of that channel, and of no other.
    person = Client()
    person.force_login(publisher.user)
    assert person.get(f"/channels/{world['en'].pk}/edit/").status_code == 200
    assert person.get(f"/channels/{world['fr'].pk}/edit/").status_code == 403

    client.post(f"/channel-grants/{grant.pk}/remove/", {"back": "channel"})
    publisher.refresh_from_db()
    assert not publisher.has_channel_grants
    assert AuditEvent.objects.filter(action="channel_grant.remove").count() == 1
    assert person.get(f"/channels/{world['en'].pk}/edit/").status_code == 403


def test_offboarding_removes_grants_and_flags_granted_credentials(
        world: dict[str, Any], make_member: Callable[..., Member]) -> None:
    from socialops.governance.services import set_credentials

    set_credentials(world["en"], {"token": "s3cret"}, SYSTEM)
    leaver = make_member(world["org"], "publisher")
    successor = make_member(world["org"], "manager")
    set_grant(leaver, world["en"], "allow", [Action.MANAGE_CREDENTIALS.value], SYSTEM)
    report = offboard(leaver, Actor.for_user(world["admin"].user), successor=successor)
    assert not ChannelGrant.objects.filter(member=leaver).exists()
    assert report.handlers["channel_grants"]
    assert world["en"].pk in {row["channel_id"] for row in report.flagged}


def test_only_an_owner_changes_an_owners_access(
        world: dict[str, Any], make_member: Callable[..., Member]) -> None:
    owner = make_member(world["org"], "owner")
    with pytest.raises(PermissionDenied):
        set_grant(owner, world["fr"], "only", [Action.RESPOND.value],
                  Actor.for_user(world["admin"].user))
    assert not ChannelGrant.objects.exists()
