"""The channel registry at scale: CSV import, filters, health, single points of failure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.governance.channel_import import check_file
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel, ChannelStatus, Credential
from socialops.governance.risk import channels_at_risk
from socialops.governance.services import record_activity, record_sync, set_credentials

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Arlette")


@pytest.fixture
def people(org: Organization, make_member: Callable[..., Member]) -> dict[str, Member]:
    return {"admin": make_member(org, Role.ADMIN, email="admin@arlette.example"),
            "claire": make_member(org, Role.MANAGER, email="claire@arlette.example"),
            "hugo": make_member(org, Role.PUBLISHER, email="Hugo@arlette.example")}


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _upload(client: Client, text: str, encoding: str = "utf-8", **extra: str) -> Any:
    return client.post(reverse("web:channel_import"), {
        "file": SimpleUploadedFile("channels.csv", text.encode(encoding), "text/csv"), **extra},
        follow=True)


GOOD = ("Réseau;Identifiant;Nom;Responsable;Suppléant;Région;Langue\n"
        "instagram;@arlette_lyon;Arlette Lyon;claire@arlette.example;hugo@arlette.example;FR;fr\n"
        "linkedin;arlette;Maison Arlette;hugo@arlette.example;claire@arlette.example;EU;\n")


def test_a_correct_file_creates_every_channel_with_its_owners(
    org: Organization, people: dict[str, Member]
) -> None:
    client = _client(people["admin"])
    checked = _upload(client, GOOD, "cp1252", check_only="1").content.decode()
    assert "2 channels can be imported" in checked and not Channel.objects.exists()
    done = _upload(client, GOOD, "cp1252")
    assert done.redirect_chain[-1][0] == reverse("web:channels")
    lyon = Channel.objects.get(handle="arlette_lyon")
    assert (lyon.network, lyon.display_name, lyon.owner, lyon.backup_owner, lyon.region,
            lyon.language) == ("instagram", "Arlette Lyon", people["claire"], people["hugo"],
                               "FR", "fr")
    assert AuditEvent.objects.filter(action="channel.create").count() == 2
    assert AuditEvent.objects.get(action="channel.import").after == {"created": 2}
    again = _upload(client, GOOD).content.decode()
    assert "Line 2: instagram channel “arlette_lyon” already exists" in again
    assert Channel.objects.count() == 2


def test_every_bad_row_is_reported_by_line_and_nothing_is_created(
    org: Organization, people: dict[str, Member]
) -> None:
    text = ("network,handle,name,owner,backup,language\n"
            "instagram,ok_one,OK,claire@arlette.example,hugo@arlette.example,fr\n"
            "myspace,old,Old,claire@arlette.example,hugo@arlette.example,\n"
            "x,arlette,X,nobody@arlette.example,hugo@arlette.example,de\n"
            "x,same,Same,hugo@arlette.example,hugo@arlette.example,\n"
            "instagram,OK_ONE,Twice,claire@arlette.example,hugo@arlette.example,\n"
            "tiktok,<script>alert(1)</script>,T,claire@arlette.example,hugo@arlette.example,\n")
    page = _upload(_client(people["admin"]), text).content.decode()
    assert "nothing was imported" in page
    assert "Line 3: unknown network “myspace”" in page
    assert "Line 4: the owner “nobody@arlette.example” is not an active member" in page
    assert "Line 4: language must be one of" in page
    assert "Line 5: the backup must be someone other than the owner" in page
    assert "Line 6: instagram channel “OK_ONE” already exists or appears twice" in page
    assert "<script>alert(1)" not in page
    assert not Channel.objects.exists()
    missing = check_file(people["admin"], b"network,handle\nx,a\n")
    assert missing.errors == [(1, "Missing columns: owner, backup_owner. The first row must "
                                  "name the columns.")]


def test_only_channel_managers_may_import(
    org: Organization, people: dict[str, Member], make_member: Callable[..., Member]
) -> None:
    analyst = _client(make_member(org, Role.ANALYST))
    assert analyst.get(reverse("web:channel_import")).status_code == 403
    assert _upload(analyst, GOOD).status_code == 403 and not Channel.objects.exists()


def test_the_list_filters_by_region_unit_person_and_health(
    org: Organization, people: dict[str, Member], make_channel: Callable[..., Channel],
    actor: Any,
) -> None:
    lyon = make_channel(org, "instagram", handle="lyon", region="FR", business_unit="Retail",
                        owner=people["claire"], backup_owner=people["hugo"])
    quebec = make_channel(org, "x", handle="quebec", region="CA", business_unit="Retail")
    set_credentials(lyon, {"token": "t"}, actor)
    set_credentials(quebec, {"token": "t", "expires_at":
                             (timezone.now() + timedelta(hours=5)).isoformat()}, actor)
    record_activity(lyon.pk, published=True, ingested=True)
    client = _client(people["admin"])

    def names(**query: str) -> list[str]:
        html = client.get(reverse("web:channels"), query).content.decode()
        return [c.handle for c in (lyon, quebec)
                if f'href="{reverse("web:channel", args=[c.pk])}"' in html]

    assert names(region="FR") == ["lyon"]
    assert names(business_unit="Retail") == ["lyon", "quebec"]
    assert names(person=str(people["hugo"].pk)) == ["lyon"]
    assert names(health="attention") == ["quebec"]
    assert names(health="ok") == ["lyon"]
    record_sync(lyon, followers=None, error="HTTP 500", status=ChannelStatus.NEEDS_REAUTH)
    page = client.get(reverse("web:channels"), {"health": "attention"}).content.decode()
    assert "Needs reconnection" in page and "Token expiring" in page
    lyon.refresh_from_db()
    assert lyon.last_published_at is not None and lyon.last_ingested_at is not None


def test_a_channel_only_one_person_may_publish_on_is_at_risk(
    org: Organization, people: dict[str, Member], make_channel: Callable[..., Channel],
    make_member: Callable[..., Member], actor: Any,
) -> None:
    # The manager and the admin may publish only on `shared`: on `channel`, Hugo alone.
    channel = make_channel(org, "x", owner=people["claire"], backup_owner=people["hugo"])
    shared = make_channel(org, "instagram", owner=people["claire"], backup_owner=people["hugo"])
    for person in (people["claire"], people["admin"]):
        set_grant(person, shared, "only", ["post.schedule"], actor)
    risks = {item.channel.pk: [r.code for r in item.risks]
             for item in channels_at_risk(people["admin"])}
    assert "single_publisher" in risks[channel.pk]
    assert "single_publisher" not in risks.get(shared.pk, [])
    Credential.objects.create(channel=shared, ciphertext="x",
                              expires_at=timezone.now() - timedelta(minutes=1))
    risks = {item.channel.pk: [r.code for r in item.risks]
             for item in channels_at_risk(people["admin"])}
    assert "token_expired" in risks[shared.pk]


def test_owners_are_reminded_weekly_of_credentials_to_rotate(
    org: Organization, people: dict[str, Member], make_channel: Callable[..., Channel],
    actor: Any, mailoutbox: list[Any],
) -> None:
    from socialops.governance.reminders import send_rotation_reminders
    from socialops.governance.services import flag_for_rotation

    exposed = make_channel(org, "x", owner=people["claire"], backup_owner=people["hugo"])
    fine = make_channel(org, "instagram", owner=people["claire"], backup_owner=people["hugo"])
    set_credentials(exposed, {"access_token": "a"}, actor)
    set_credentials(fine, {"access_token": "b"}, actor)
    flag_for_rotation([Credential.objects.get(channel=exposed)], "Former employee saw it")
    assert send_rotation_reminders() == 2
    assert sorted(m.to[0].lower() for m in mailoutbox) == ["claire@arlette.example",
                                                           "hugo@arlette.example"]
    body = mailoutbox[0].body
    assert exposed.display_name in body and "Former employee saw it" in body
    assert fine.display_name not in body
    assert reverse("web:channel_credentials", args=[exposed.pk]) in body
    # Once a week only; and rotating clears it.
    assert send_rotation_reminders() == 0
    later = timezone.now() + timedelta(days=8)
    assert send_rotation_reminders(later) == 2
    set_credentials(exposed, {"access_token": "new"}, actor)
    assert send_rotation_reminders(later + timedelta(days=8)) == 0
