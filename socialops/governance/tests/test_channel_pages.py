"""Channel governance pages: create, edit, write-only credentials, archive, at risk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.core.services import set_member_active
from socialops.governance.models import Channel, ChannelStatus, Credential
from socialops.governance.services import (
    create_channel,
    credentials_of,
    flag_for_rotation,
    set_credentials,
)

pytestmark = pytest.mark.django_db
MakeMember = Callable[..., Member]
SECRET = "tok-never-shown-0123456789"


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Acme")


def client_for(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_an_admin_adds_a_channel_with_distinct_owners(
    org: Organization, make_member: MakeMember
) -> None:
    admin = make_member(org, Role.ADMIN)
    owner, backup = make_member(org, Role.MANAGER), make_member(org, Role.PUBLISHER)
    client = client_for(admin)
    form = client.get(reverse("web:channel_create")).content.decode()
    assert 'value="linkedin">LinkedIn' in form
    fields = {"network": "linkedin", "transport": "sandbox", "handle": "acme-corp",
              "display_name": "Acme Corp", "owner": owner.pk, "backup_owner": owner.pk}
    same = client.post(reverse("web:channel_create"), fields).content.decode()
    assert "someone other than the owner" in same
    assert not Channel.objects.exists()
    response = client.post(reverse("web:channel_create"), {**fields, "backup_owner": backup.pk})
    created = Channel.objects.get()
    assert response["Location"] == reverse("web:channel", args=[created.pk])
    assert (created.network, created.transport, created.owner, created.backup_owner) == (
        "linkedin", "sandbox", owner, backup)
    assert AuditEvent.objects.filter(action="channel.create", actor_label=admin.user.email)\
        .exists()
    missing = client.post(reverse("web:channel_create"), {**fields, "handle": "x",
                                                          "backup_owner": ""})
    assert "This field is required" in missing.content.decode()


def test_an_admin_edits_owners_and_archives(
    org: Organization, make_member: MakeMember, make_channel: Callable[..., Channel]
) -> None:
    admin = make_member(org, Role.ADMIN)
    channel = make_channel(org)
    newcomer = make_member(org, Role.MANAGER)
    client = client_for(admin)
    response = client.post(reverse("web:channel_edit", args=[channel.pk]), {
        "display_name": "Renamed", "region": "FR", "business_unit": "", "language": "fr",
        "owner": newcomer.pk, "backup_owner": channel.backup_owner_id,
    })
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.display_name == "Renamed" and channel.owner == newcomer
    client.post(reverse("web:channel_archive", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ARCHIVED
    assert AuditEvent.objects.filter(action="channel.archive").count() == 1
    assert client.get(reverse("web:channel_archive", args=[channel.pk])).status_code == 405


def test_archiving_works_when_the_owner_has_left(
    org: Organization, make_member: MakeMember, make_channel: Callable[..., Channel],
    actor: Actor,
) -> None:
    channel = make_channel(org)
    set_member_active(channel.owner, False, actor)
    client_for(make_member(org, Role.ADMIN)).post(
        reverse("web:channel_archive", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ARCHIVED


def test_credentials_are_write_only_and_rotation_clears_the_flag(
    org: Organization, make_member: MakeMember, make_channel: Callable[..., Channel],
    actor: Actor,
) -> None:
    admin = make_member(org, Role.ADMIN)
    channel = make_channel(org)
    client = client_for(admin)
    first = client.get(reverse("web:channel_credentials", args=[channel.pk])).content.decode()
    assert "Set the credentials" in first and "No credentials set" in first
    client.post(reverse("web:channel_credentials", args=[channel.pk]),
                {"access_token": SECRET, "extra_name": "app-secret", "extra_value": "zz-9"})
    assert credentials_of(channel) == {"access_token": SECRET, "app_secret": "zz-9"}
    credential = Credential.objects.get(channel=channel)
    assert credential.set_at is not None
    flag_for_rotation([credential], "Someone left.")
    for url in (reverse("web:channel_credentials", args=[channel.pk]),
                reverse("web:channel", args=[channel.pk]), reverse("web:channels")):
        html = client.get(url).content.decode()
        assert SECRET not in html and "zz-9" not in html
    page = client.get(reverse("web:channel_credentials", args=[channel.pk])).content.decode()
    assert "Rotate the credentials" in page and "Someone left." in page
    assert 'type="password"' in page and 'value="' + SECRET not in page
    empty = client.post(reverse("web:channel_credentials", args=[channel.pk]), {})
    assert "No credential given" in empty.content.decode()
    client.post(reverse("web:channel_credentials", args=[channel.pk]),
                {"access_token": "tok-new"})
    credential.refresh_from_db()
    assert not credential.needs_rotation and credential.rotation_reason == ""
    assert credentials_of(channel) == {"access_token": "tok-new"}
    events = AuditEvent.objects.filter(action="channel.credentials")
    assert SECRET not in str(list(events.values_list("after", flat=True)))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ANALYST, Role.CONTRIBUTOR])
def test_only_channel_managers_reach_the_write_pages(
    org: Organization, make_member: MakeMember, make_channel: Callable[..., Channel],
    role: str,
) -> None:
    channel = make_channel(org)
    client = client_for(make_member(org, role))
    assert client.get(reverse("web:channel_create")).status_code == 403
    assert client.get(reverse("web:channel_edit", args=[channel.pk])).status_code == 403
    # An analyst reads the audit trail but can never reach credentials.
    assert client.get(reverse("web:channel_credentials", args=[channel.pk])).status_code == 403
    assert client.post(reverse("web:channel_credentials", args=[channel.pk]),
                       {"access_token": "x"}).status_code == 403
    assert client.post(reverse("web:channel_archive", args=[channel.pk])).status_code == 403
    detail = client.get(reverse("web:channel", args=[channel.pk])).content.decode()
    assert "Rotate the credentials" not in detail and "Set the credentials" not in detail


def test_services_refuse_people_without_the_right(
    org: Organization, make_member: MakeMember, make_channel: Callable[..., Channel]
) -> None:
    channel = make_channel(org)
    analyst = Actor.for_user(make_member(org, Role.ANALYST).user)
    with pytest.raises(PermissionDenied):
        set_credentials(channel, {"token": "x"}, analyst)
    with pytest.raises(PermissionDenied):
        create_channel(org, analyst, network="x", handle="h", display_name="h",
                       owner=channel.owner, backup_owner=channel.backup_owner)


def test_other_organization_channels_are_404_on_write_pages(
    org: Organization, make_org: Callable[..., Organization], make_member: MakeMember,
    make_channel: Callable[..., Channel],
) -> None:
    theirs = make_channel(make_org())
    client = client_for(make_member(org, Role.OWNER))
    for name in ("web:channel_edit", "web:channel_credentials"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("web:channel_archive", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("web:channel_credentials", args=[theirs.pk]),
                       {"access_token": "x"}).status_code == 404


def test_channels_at_risk_lists_every_reason(
    org: Organization, make_member: MakeMember, make_channel: Callable[..., Channel],
    actor: Actor, settings: object,
) -> None:
    settings.SOCIALOPS_CREDENTIAL_MAX_AGE_DAYS = 30  # type: ignore[attr-defined]
    fine = make_channel(org, display_name="Fine one", credentials={"token": "a"})
    backup_gone = make_channel(org, display_name="Backup gone")
    set_member_active(backup_gone.backup_owner, False, actor)
    owner_gone = make_channel(org, display_name="Owner gone")
    set_member_active(owner_gone.owner, False, actor)
    old = make_channel(org, display_name="Old secret", credentials={"token": "a"})
    Credential.objects.filter(channel=old).update(
        rotated_at=timezone.now() - timedelta(days=31))
    flagged = make_channel(org, display_name="Flagged", credentials={"token": "a"})
    flag_for_rotation(list(Credential.objects.filter(channel=flagged)), "Hugo <b>left</b>.")
    broken = make_channel(org, display_name="Disconnected")
    Channel.objects.filter(pk=broken.pk).update(status=ChannelStatus.DISCONNECTED)
    archived = make_channel(org, display_name="Archived")
    Channel.objects.filter(pk=archived.pk).update(status=ChannelStatus.ARCHIVED)

    html = client_for(make_member(org, Role.ANALYST)).get(
        reverse("web:channels_risk")).content.decode()
    assert "5 channels at risk" in html and "older than 30 days" in html
    assert "Fine one" not in html and "Archived" not in html
    for text in ("No working backup", "is no longer active", "Credentials older than 30 days",
                 "Credentials need rotation: Hugo &lt;b&gt;left&lt;/b&gt;.",
                 "Status: Disconnected."):
        assert text in html
    assert fine.pk


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.RESPONDER, Role.PUBLISHER,
                                  Role.APPROVER])
def test_a_contributor_sees_no_governance_pages(
    org: Organization, make_member: MakeMember, role: str
) -> None:
    client = client_for(make_member(org, role))
    for name in ("web:channels_risk", "web:audit", "web:member_add", "web:channel_create"):
        assert client.get(reverse(name)).status_code == 403
    home = client.get(reverse("web:home")).content.decode()
    assert 'href="/audit/"' not in home
    channels = client.get(reverse("web:channels")).content.decode()
    assert 'href="/channels/at-risk/"' not in channels and "Add a channel" not in channels


def test_governance_readers_see_the_menu_entries(
    org: Organization, make_member: MakeMember
) -> None:
    client = client_for(make_member(org, Role.MANAGER))
    assert 'href="/audit/"' in client.get(reverse("web:home")).content.decode()
    channels = client.get(reverse("web:channels")).content.decode()
    assert 'href="/channels/at-risk/"' in channels and "Add a channel" not in channels
