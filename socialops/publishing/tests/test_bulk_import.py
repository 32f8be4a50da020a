"""Bulk import from a CSV: Hootsuite's rows, named columns, every error before any write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.core.models import AuditEvent
from socialops.governance.models import Channel
from socialops.publishing import bulk_import, services
from socialops.publishing.models import Post, VariantStatus
from socialops.publishing.tests.conftest import ACTOR, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels(team: Team, make_channel: Callable[..., Channel]) -> list[Channel]:
    return [make_channel(team.org, network=n, owner=team.manager, backup_owner=team.publisher)
            for n in ("x", "bluesky")]


def _local(team: Team, days: int, hour: int = 9, minute: int = 30) -> datetime:
    zone = ZoneInfo(team.org.time_zone)
    day = timezone.localtime(timezone.now(), zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _dmy(when: datetime) -> str:
    return when.strftime("%d/%m/%Y %H:%M")


def _plan(team: Team, channels: list[Channel], text: str,
          date_format: str = "dmy") -> bulk_import.ImportPlan:
    return bulk_import.plan_import(team.contributor, text.encode("utf-8"),
                                   date_format=date_format, channel_ids=[c.pk for c in channels])


def test_hootsuite_rows_without_header_become_planned_drafts(
    team: Team, channels: list[Channel],
) -> None:
    first, second = _local(team, 3), _local(team, 4, 17, 45)
    csv_text = (f'{_dmy(first)},"Nouvelle collection, en boutique",https://arlette.example/automne\n'
                f"{_dmy(second)},Soldes d'hiver\n")
    plan = _plan(team, channels, csv_text)
    assert plan.ok, plan.errors + [e for r in plan.rows for e in r.errors]
    posts, submitted = bulk_import.run_import(team.contributor, ACTOR, plan, submit=False)
    assert submitted == 0 and len(posts) == 2
    post = Post.objects.get(pk=posts[0].pk)
    assert post.text == "Nouvelle collection, en boutique"
    assert post.link == "https://arlette.example/automne"
    variants = list(post.variants.all())
    assert {v.channel_id for v in variants} == {c.pk for c in channels}
    assert all(v.status == VariantStatus.DRAFT and v.scheduled_at == first for v in variants)
    assert Post.objects.get(pk=posts[1].pk).variants.get(channel=channels[0]).scheduled_at == second
    assert AuditEvent.objects.filter(action="post.import").count() == 1


def test_month_first_dates_are_read_with_the_chosen_format(
    team: Team, channels: list[Channel],
) -> None:
    when = _local(team, 40, 8, 5)
    plan = _plan(team, channels, f"{when.strftime('%m/%d/%Y %H:%M')},Hello\n", "mdy")
    assert plan.ok and plan.rows[0].when == when


def test_header_with_extra_columns_semicolons_and_windows_encoding(
    team: Team, channels: list[Channel],
) -> None:
    when = _local(team, 2)
    text = ("Network;Date;Message;Image URL;Labels\n"
            f"bluesky;{_dmy(when)};Été à Paris;https://img.example/a.jpg;soldes, été\n")
    plan = bulk_import.plan_import(team.contributor, text.encode("cp1252"), date_format="dmy",
                                   channel_ids=[c.pk for c in channels])
    assert plan.ok
    row = plan.rows[0]
    assert row.text == "Été à Paris" and row.labels == ["soldes", "été"]
    assert [c.network for c in row.channels] == ["bluesky"]
    assert plan.ignored_columns == ["Image URL"]


def test_every_bad_row_is_reported_and_nothing_is_created(
    team: Team, channels: list[Channel],
) -> None:
    good = _dmy(_local(team, 2))
    past = _dmy(_local(team, -2))
    csv_text = (f"{good},Fine\n"
                f"{past},Too late\n"
                "31/02/2026 10:00,Not a day\n"
                f"{good},\n"
                f"{good},With a bad link,javascript:alert(1)\n")
    plan = _plan(team, channels, csv_text)
    assert not plan.ok and plan.error_count == 4
    by_line = {row.line: row.errors for row in plan.rows}
    assert by_line[1] == []
    assert "past" in by_line[2][0]
    assert "31/02/2026 10:00" in by_line[3][0]
    assert by_line[4] == ["The message is empty."]
    assert "web address" in by_line[5][0]
    with pytest.raises(ValidationError):
        bulk_import.run_import(team.contributor, ACTOR, plan, submit=False)
    assert not Post.objects.exists()


def test_too_many_rows_and_no_channel_are_file_errors(team: Team, channels: list[Channel]) -> None:
    line = f"{_dmy(_local(team, 2))},Hi\n"
    plan = _plan(team, channels, line * (bulk_import.MAX_ROWS + 1))
    assert any("at most 350" in e for e in plan.errors)
    plan = bulk_import.plan_import(team.contributor, line.encode(), date_format="dmy",
                                   channel_ids=[])
    assert plan.errors == ["Choose at least one channel."]


def test_network_limits_are_warnings_and_keep_the_post_out_of_review(
    team: Team, channels: list[Channel],
) -> None:
    when = _dmy(_local(team, 2))
    plan = _plan(team, channels, f"{when},Short\n{when},{'x' * 400}\n")
    assert plan.ok
    assert plan.rows[0].warnings == [] and plan.rows[1].warnings
    posts, submitted = bulk_import.run_import(team.contributor, ACTOR, plan, submit=True)
    assert submitted == 1
    statuses = [set(p.variants.values_list("status", flat=True)) for p in posts]
    assert statuses == [{VariantStatus.IN_REVIEW}, {VariantStatus.DRAFT}]


def test_approval_schedules_an_imported_post_at_its_planned_time(
    team: Team, channels: list[Channel],
) -> None:
    when = _local(team, 5)
    plan = _plan(team, channels[:1], f"{_dmy(when)},Bientôt\n")
    (post,), _submitted = bulk_import.run_import(team.contributor, ACTOR, plan, submit=True)
    services.approve(team.approver, ACTOR, post)
    variant = post.variants.get()
    assert variant.status == VariantStatus.SCHEDULED
    assert variant.scheduled_at == when and variant.next_attempt_at == when


def test_the_page_previews_then_imports(client: Client, team: Team,
                                        channels: list[Channel]) -> None:
    client.force_login(team.contributor.user)
    url = reverse("publishing:import")
    assert client.get(url).status_code == 200
    csv_text = f"{_dmy(_local(team, 3))},<script>alert(1)</script> Bonjour\n"
    from django.core.files.uploadedfile import SimpleUploadedFile
    preview = client.post(url, {
        "file": SimpleUploadedFile("plan.csv", csv_text.encode(), "text/csv"),
        "date_format": "dmy", "channel": [c.pk for c in channels], "step": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bonjour" in body
    assert not Post.objects.exists()
    done = client.post(url, {"content": csv_text, "date_format": "dmy",
                             "channel": [c.pk for c in channels], "step": "confirm"})
    assert done.status_code == 302 and done["Location"] == reverse("publishing:posts")
    assert Post.objects.get().text == "<script>alert(1)</script> Bonjour"


def test_an_analyst_cannot_import(client: Client, team: Team, make_member: Callable[..., object],
                                  channels: list[Channel]) -> None:
    analyst = make_member(team.org, "analyst")
    client.force_login(analyst.user)  # type: ignore[attr-defined]
    assert client.get(reverse("publishing:import")).status_code == 403


def test_a_channel_column_names_the_channels_by_handle(team: Team,
                                                      channels: list[Channel]) -> None:
    when = _dmy(_local(team, 2))
    text = (f"date,message,channel\n"
            f"{when},Pour X,@{channels[0].handle}\n"
            f"{when},Pour les deux,\"{channels[0].handle}, {channels[1].handle}\"\n"
            f"{when},Inconnu,@nobody-here\n")
    plan = bulk_import.plan_import(team.contributor, text.encode(), date_format="dmy",
                                   channel_ids=[])
    assert plan.errors == []
    assert [len(r.channels) for r in plan.rows] == [1, 2, 0]
    assert plan.rows[2].errors == ["No channel has the handle “@nobody-here”."]
