"""The managers' pages: targets, opening hours, holidays, and the first-response report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client

from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance.models import Channel
from socialops.inbox.models import (
    Conversation,
    Delivery,
    Direction,
    Holiday,
    Message,
    OpeningHours,
    Priority,
    ResponseTarget,
)
from socialops.inbox.services import ingest
from socialops.inbox.services.report import bucket_of

pytestmark = pytest.mark.django_db


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org()


def test_managers_set_targets_hours_and_holidays(
        org: Organization, make_member: Callable[..., Member],
        make_channel: Callable[..., Channel]) -> None:
    channel = make_channel(org)
    client = _client(make_member(org, "manager"))
    page = client.get("/inbox/response-times/").content.decode()
    assert f'name="target-{channel.pk}-3"' in page and "24 hours" in page
    client.post("/inbox/response-times/targets/", {
        "target-all-3": "60", "target-all-2": "", f"target-{channel.pk}-3": "30"})
    found = set(ResponseTarget.objects.values_list("channel_id", "priority", "minutes"))
    assert found == {(None, Priority.URGENT, 60), (channel.pk, Priority.URGENT, 30)}
    client.post("/inbox/response-times/targets/",
                {"target-all-3": "", f"target-{channel.pk}-3": "30"})
    assert ResponseTarget.objects.count() == 1
    bad = client.post("/inbox/response-times/targets/", {"target-all-3": "soon"}, follow=True)
    assert "whole minutes" in bad.content.decode()

    client.post("/inbox/response-times/hours/", {"opens-0": "09:00", "closes-0": "18:00",
                                                 "opens-5": "10:00", "closes-5": "00:00"})
    assert list(OpeningHours.objects.values_list("weekday", "opens", "closes")) == [
        (0, time(9), time(18)), (5, time(10), time(0))]
    client.post("/inbox/response-times/holidays/", {"day": "2026-12-25", "name": "Noël"})
    holiday = Holiday.objects.get()
    assert "Noël" in client.get("/inbox/response-times/").content.decode()
    client.post(f"/inbox/response-times/holidays/{holiday.pk}/delete/")
    assert not Holiday.objects.exists()
    actions = set(AuditEvent.objects.filter(organization=org).values_list("action", flat=True))
    assert {"inbox.target_set", "inbox.target_clear", "inbox.opening_hours_set",
            "inbox.holiday_add", "inbox.holiday_delete"} <= actions


def test_responders_cannot_open_the_managers_pages(
        org: Organization, make_member: Callable[..., Member]) -> None:
    client = _client(make_member(org, "responder"))
    for path in ("/inbox/response-times/", "/inbox/report/", "/inbox/saved-replies/"):
        assert client.get(path).status_code == 403
    assert client.post("/inbox/response-times/targets/", {"target-all-3": "5"}
                       ).status_code == 403
    assert not ResponseTarget.objects.exists()


def test_a_channel_of_another_organization_is_404(
        org: Organization, make_org: Callable[..., Organization],
        make_member: Callable[..., Member], make_channel: Callable[..., Channel]) -> None:
    theirs = make_channel(make_org())
    client = _client(make_member(org, "manager"))
    assert client.post("/inbox/response-times/targets/", {f"target-{theirs.pk}-3": "5"}
                       ).status_code == 404


def test_buckets() -> None:
    hours = [0.5, 1, 3.9, 4, 7, 8, 23.9, 24, 100]
    assert [bucket_of(timedelta(hours=h)) for h in hours] == [0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_the_report_counts_first_responses_per_bucket_person_and_channel(
        org: Organization, make_member: Callable[..., Member],
        make_channel: Callable[..., Channel], make_item: Callable[..., Any]) -> None:
    manager = make_member(org, "manager")
    emma = make_member(org, "responder", email="emma@brand.example")
    channel = make_channel(org, display_name="Arlette FR")
    ingest(channel, [make_item(f"Question {n}", thread_key=f"post:{n}", parent=str(n),
                               post=str(n)) for n in range(4)])
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    delays = [timedelta(minutes=20), timedelta(hours=2), timedelta(hours=30), None]
    for conversation, delay in zip(Conversation.objects.order_by("pk"), delays, strict=True):
        if delay is None:
            continue
        responded = conversation.first_inbound_at + delay
        Conversation.objects.filter(pk=conversation.pk).update(
            first_responded_at=responded, first_response_due_at=start + timedelta(hours=24))
        Message.objects.create(conversation=conversation, channel=channel,
                               direction=Direction.OUT, delivery=Delivery.SENT, sent_by=emma,
                               text="ok", created_at=responded)
    html = _client(manager).get("/inbox/report/", {"start": "2026-03-01",
                                                  "end": "2026-03-03"}).content.decode()
    assert 'id="report-answered">3<' in html
    assert 'id="report-share">67 %<' in html
    assert "emma@brand.example" in html or "Person Responder" in html
    assert "Arlette FR" in html
    empty = _client(manager).get("/inbox/report/", {"start": "2025-01-01",
                                                   "end": "2025-01-31"}).content.decode()
    assert 'id="report-answered">0<' in empty
