"""Urgent messages are escalated once: a notice in the app and an e-mail to the owners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import UrgentNotice
from socialops.inbox.services import acknowledge, ingest, open_notices, poll_channel
from socialops.inbox.tasks import email_urgent_notices
from socialops.inbox.tests.conftest import sandbox_channel_for
from socialops.inbox.tests.sandbox_people import as_account, dm

pytestmark = pytest.mark.django_db
LEGAL = "Mon avocat va vous adresser une mise en demeure <script>alert(1)</script>"


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def people(make_org: Callable[..., Organization], make_member: Callable[..., Member],
           make_channel: Callable[..., Channel]) -> dict[str, Any]:
    org = make_org()
    owner = make_member(org, "responder", email="owner@brand.example")
    backup = make_member(org, "publisher", email="backup@brand.example")
    channel = make_channel(org, owner=owner, backup_owner=backup)
    return {"org": org, "channel": channel, "owner": owner, "backup": backup,
            "manager": make_member(org, "manager", email="lead@brand.example"),
            "other": make_member(org, "responder", email="other@brand.example")}


def test_an_urgent_message_notifies_once(people: dict[str, Any], make_item: Any,
                                         mailoutbox: list[Any],
                                         django_capture_on_commit_callbacks: Any) -> None:
    channel = people["channel"]
    items = [make_item("Hello, lovely shop"), make_item(LEGAL, kind="dm", thread_key="dm:a",
                                                        parent=None, post=None)]
    with django_capture_on_commit_callbacks(execute=True):
        ingest(channel, items)
    with django_capture_on_commit_callbacks(execute=True):
        ingest(channel, items)
    notice = UrgentNotice.objects.get()
    assert notice.reasons == ["legal"] and notice.emailed_at is not None
    # Besides the owners' notice, the person on call is paged once (tests/test_paging.py).
    notices = [m for m in mailoutbox if not m.subject.startswith("Paged:")]
    assert len(notices) == 1 and len(mailoutbox) == 2
    mail = notices[0]
    assert sorted(mail.to) == ["backup@brand.example", "owner@brand.example"]
    assert channel.display_name in mail.subject and "mise en demeure" in mail.body
    assert f"/inbox/{notice.conversation_id}/" in mail.body
    # The e-mail job delivered twice sends nothing more.
    assert email_urgent_notices.delay([notice.pk]).get() == 0
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action="inbox.urgent_escalate").count() == 1


def test_the_notice_shows_to_owners_and_managers_only(people: dict[str, Any],
                                                      make_item: Any) -> None:
    ingest(people["channel"], [make_item(LEGAL)])
    for who in ("owner", "backup", "manager"):
        html = _client(people[who]).get("/inbox/notices/").content.decode()
        assert 'class="urgent-notice' in html, who
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        assert ">legal threat</span>" in html, who
    fr = _client(people["manager"])
    fr.cookies["socialops_language"] = "fr"
    assert ">menace juridique</span>" in fr.get("/inbox/notices/").content.decode()
    assert 'class="urgent-notice' not in _client(people["other"]).get(
        "/inbox/notices/").content.decode()
    assert not open_notices(people["other"]).exists()


def test_acknowledging_hides_the_notice_and_is_audited(people: dict[str, Any],
                                                       make_item: Any) -> None:
    ingest(people["channel"], [make_item(LEGAL)])
    notice = UrgentNotice.objects.get()
    client = _client(people["owner"])
    page = client.post(f"/inbox/notices/{notice.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and 'class="urgent-notice' not in page.content.decode()
    notice.refresh_from_db()
    assert notice.acknowledged_by == people["owner"] and notice.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="inbox.urgent_acknowledge").count() == 1
    assert not open_notices(people["manager"]).exists()
    # Acknowledged once: a second click finds nothing.
    assert client.post(f"/inbox/notices/{notice.pk}/acknowledge/").status_code == 404


def test_a_member_who_is_not_told_cannot_acknowledge(people: dict[str, Any],
                                                     make_item: Any) -> None:
    ingest(people["channel"], [make_item(LEGAL)])
    notice = UrgentNotice.objects.get()
    assert _client(people["other"]).post(
        f"/inbox/notices/{notice.pk}/acknowledge/").status_code == 404
    with pytest.raises(Http404):
        acknowledge(people["other"], notice.pk, Actor.system("test"))


def test_escalated_in_the_same_poll_as_the_message(
        sandbox: Any, settings: Any, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel], fan: Any, mailoutbox: list[Any],
        django_capture_on_commit_callbacks: Any) -> None:
    settings.SOCIALOPS_SANDBOX_URL = sandbox.url
    channel, brand = sandbox_channel_for(sandbox, make_org(), make_channel)
    dm(as_account(sandbox, fan), brand.handle,
       "Votre radiateur a pris feu chez moi, mon fils est à l'hôpital !")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = poll_channel(channel.pk)
    assert outcome.ingested == 1
    notice = UrgentNotice.objects.get()
    # One e-mail to the channel's owners, one page to the person on call.
    assert "safety" in notice.reasons and len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        poll_channel(channel.pk)
    assert UrgentNotice.objects.count() == 1 and len(mailoutbox) == 2


def test_every_page_shows_how_many_urgent_messages_wait(people: dict[str, Any],
                                                        make_item: Any) -> None:
    manager = _client(people["manager"])
    assert 'id="urgent-badge"' in manager.get("/channels/").content.decode()
    assert manager.get("/inbox/urgent-badge/").content == b""
    ingest(people["channel"], [make_item(LEGAL), make_item(LEGAL + " encore", kind="dm",
                                                           thread_key="dm:b", parent=None,
                                                           post=None)])
    badge = manager.get("/inbox/urgent-badge/").content.decode()
    assert 'title="2 urgent"' in badge and ">! 2<" in badge and "queue=urgent" in badge
    assert _client(people["other"]).get("/inbox/urgent-badge/").content == b""
    acknowledge(people["manager"], UrgentNotice.objects.first().pk, Actor.system("t"))
    assert ">! 1<" in manager.get("/inbox/urgent-badge/").content.decode()
