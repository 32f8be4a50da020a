"""The calendar: month, week and list; filters; drag to reschedule; the private iCal feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance.models import Channel
from socialops.publishing import feeds, pausing, planning, services
from socialops.publishing.models import CalendarFeed, Post, Variant, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team, approved_post

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def channels(team: Team, make_channel: Callable[..., Channel]) -> list[Channel]:
    return [make_channel(team.org, network=n, owner=team.manager, backup_owner=team.publisher,
                         display_name=f"Arlette {n}") for n in ("x", "linkedin")]


def _scheduled(team: Team, channels: list[Channel], when: datetime,
               text: str = "Soldes d'été <b>-30%</b>") -> Post:
    post = approved_post(team, channels, text=text)
    services.schedule(team.manager, ACTOR, post, when)
    return post


def _in_days(days: int, hour: int = 10, minute: int = 30) -> datetime:
    local = timezone.localtime(timezone.now(), PARIS).date() + timedelta(days=days)
    return datetime(local.year, local.month, local.day, hour, minute, tzinfo=PARIS)


def test_spans_follow_the_locale_week() -> None:
    monday_first = planning.span_for("month", date(2026, 3, 15), first_weekday=1)
    assert monday_first.start == date(2026, 2, 23) and monday_first.start.weekday() == 0
    assert monday_first.end == date(2026, 4, 6) and len(monday_first.days) % 7 == 0
    sunday_first = planning.span_for("month", date(2026, 3, 15), first_weekday=0)
    assert sunday_first.start == date(2026, 3, 1) and sunday_first.start.weekday() == 6
    week = planning.span_for("week", date(2026, 3, 19), first_weekday=1)
    assert (week.start, week.end) == (date(2026, 3, 16), date(2026, 3, 23))


def test_month_week_and_list_show_entries_with_network_and_filters(
    client: Client, team: Team, channels: list[Channel],
) -> None:
    when = _in_days(3)
    _scheduled(team, channels, when)
    client.force_login(team.approver.user)
    for view in planning.VIEWS:
        html = client.get(reverse("publishing:calendar"),
                          {"view": view, "date": when.date().isoformat()}).content.decode()
        assert html.count('data-variant="') == 2, view
        assert "Soldes d&#x27;été &lt;b&gt;-30%&lt;/b&gt;" in html and "<b>-30%" not in html
        assert ">LinkedIn<" in html and "10:30" in html
        assert 'draggable="true"' not in html  # an approver cannot move publications
    filtered = client.get(reverse("publishing:calendar"), {
        "date": when.date().isoformat(), "channel": str(channels[1].pk)}).content.decode()
    assert filtered.count('data-variant="') == 1
    none = client.get(reverse("publishing:calendar"), {
        "date": when.date().isoformat(), "status": "published"}).content.decode()
    assert 'data-variant="' not in none
    partial = client.get(reverse("publishing:calendar"), {"date": when.date().isoformat()},
                         HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calendar-body").content.decode()
    assert partial.lstrip().startswith('<div id="calendar-body"')


def test_the_pause_banner_shows_on_the_calendar(client: Client, team: Team,
                                                channels: list[Channel]) -> None:
    pausing.pause_publishing(team.manager, ACTOR, reason="Crise en cours")
    client.force_login(team.contributor.user)
    html = client.get(reverse("publishing:calendar")).content.decode()
    assert "Publishing is paused for the whole organization: Crise en cours" in html


def test_drag_to_another_day_keeps_the_time_and_is_audited(
    client: Client, team: Team, channels: list[Channel],
) -> None:
    post = _scheduled(team, channels[:1], _in_days(2, 9, 15))
    variant = post.variants.get()
    client.force_login(team.publisher.user)
    target = _in_days(5).date()
    response = client.post(reverse("publishing:calendar_move"), {
        "variant": variant.pk, "day": target.isoformat(), "view": "month",
        "date": target.isoformat()}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Moved to" in response.content.decode()
    variant.refresh_from_db()
    local = timezone.localtime(variant.scheduled_at, PARIS)
    assert (local.date(), local.hour, local.minute) == (target, 9, 15)
    assert variant.next_attempt_at == variant.scheduled_at
    assert AuditEvent.objects.filter(action="post.schedule").count() == 2


def test_moves_that_are_refused(client: Client, team: Team, channels: list[Channel],
                                make_org: Callable[..., Organization],
                                make_member: Callable[..., Member]) -> None:
    post = _scheduled(team, channels[:1], _in_days(2))
    variant = post.variants.get()
    url = reverse("publishing:calendar_move")
    client.force_login(team.publisher.user)
    past = _in_days(-3).date().isoformat()
    html = client.post(url, {"variant": variant.pk, "day": past},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Choose a time in the future." in html
    client.force_login(team.contributor.user)
    assert client.post(url, {"variant": variant.pk, "day": past}).status_code == 403
    client.force_login(make_member(make_org(), "owner").user)
    assert client.post(url, {"variant": variant.pk, "day": past}).status_code == 404
    draft = services.create_post(team.manager, ACTOR, text="Brouillon",
                                 targets=[(channels[0].pk, "feed")]).variants.get()
    client.force_login(team.manager.user)
    html = client.post(url, {"variant": draft.pk, "day": _in_days(4).date().isoformat()},
                       HTTP_HX_REQUEST="true").content.decode()
    assert "Only a scheduled publication can be moved" in html
    variant.refresh_from_db()
    assert timezone.localtime(variant.scheduled_at, PARIS).date() == _in_days(2).date()


def test_ical_feed_is_secret_revocable_and_needs_no_session(
    client: Client, team: Team, channels: list[Channel],
) -> None:
    _scheduled(team, channels, _in_days(1), text="Nouvelle collection\nautomne")
    draft = services.create_post(team.manager, ACTOR, text="Pas encore prêt",
                                 targets=[(channels[0].pk, "feed")])
    client.force_login(team.contributor.user)
    page = client.post(reverse("publishing:calendar_feed_manage"), {"action": "create"},
                       HTTP_HX_REQUEST="true").content.decode()
    url = page.split('id="calendar-feed-url" readonly value="')[1].split('"')[0]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == feeds.token_hash(token) and token not in feed.token_hash
    client.logout()
    response = client.get(reverse("publishing:calendar_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries[0] == "LinkedIn · Arlette linkedin: Nouvelle collection automne"
    assert all("Pas encore" not in str(e["DESCRIPTION"]) for e in events)
    assert f"/publishing/posts/{draft.pk - 1}/" in str(events[0]["URL"])
    # Regenerating stops the old address; revoking stops the new one.
    client.force_login(team.contributor.user)
    again = client.post(reverse("publishing:calendar_feed_manage"), {"action": "create"})
    new_token = again.content.decode().split(
        'id="calendar-feed-url" readonly value="')[1].split('"')[0].rsplit("/", 1)[1][:-4]
    client.logout()
    assert client.get(reverse("publishing:calendar_feed", args=[token])).status_code == 404
    assert client.get(reverse("publishing:calendar_feed", args=[new_token])).status_code == 200
    feeds.revoke_feed(team.contributor, ACTOR)
    assert client.get(reverse("publishing:calendar_feed", args=[new_token])).status_code == 404
    assert client.get(reverse("publishing:calendar_feed", args=["unknown"])).status_code == 404
    assert AuditEvent.objects.filter(action__startswith="calendar_feed.").count() == 3


def test_a_deactivated_members_feed_stops(team: Team, channels: list[Channel]) -> None:
    token = feeds.create_feed(team.approver, ACTOR)
    assert feeds.member_for_token(token) == team.approver
    Member.objects.filter(pk=team.approver.pk).update(is_active=False)
    assert feeds.member_for_token(token) is None


def test_published_variants_sit_on_their_publication_day(team: Team,
                                                         channels: list[Channel]) -> None:
    post = _scheduled(team, channels[:1], _in_days(3))
    published = _in_days(-2, 18, 0)
    Variant.objects.filter(post=post).update(status=VariantStatus.PUBLISHED,
                                             published_at=published)
    span = planning.span_for("list", _in_days(-5).date(), 1)
    days = planning.by_day(planning.calendar_variants(team.manager, span, PARIS), PARIS)
    assert list(days) == [published.date()]
