"""One-action offboarding: revoke, reassign, flag, report; all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from socialops.cli import main
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.core.services import authenticate_token, create_token
from socialops.governance.models import Channel, Credential
from socialops.governance.offboarding import (
    offboard,
    offboarding_handlers,
    register_offboarding_handler,
    unregister_offboarding_handler,
)
from socialops.governance.services import set_credentials

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
MakeMember = Callable[..., Member]


class Team:
    """An organization with the people an offboarding involves."""

    def __init__(self, org: Organization, make_member: MakeMember) -> None:
        self.org = org
        self.owner = make_member(org, Role.OWNER, email="owner@acme.test")
        self.admin = make_member(org, Role.ADMIN, email="admin@acme.test")
        self.leaver = make_member(org, Role.PUBLISHER, email="leaver@acme.test")
        self.successor = make_member(org, Role.MANAGER, email="successor@acme.test")
        self.other = make_member(org, Role.RESPONDER, email="other@acme.test")


@pytest.fixture
def team(make_org: Callable[..., Organization], make_member: MakeMember) -> Team:
    return Team(make_org("Acme"), make_member)


def channel(make_channel: Callable[..., Channel], team: Team, owner: Member, backup: Member,
            handle: str, secret: str | None = "s3cret") -> Channel:  # noqa: S107 - a test value
    made = make_channel(team.org, handle=handle, owner=owner, backup_owner=backup)
    if secret:
        set_credentials(made, {"token": secret}, Actor.system("test"))
    return made


def test_offboarding_revokes_reassigns_flags_and_reports(
    team: Team, make_channel: Callable[..., Channel]
) -> None:
    owned = channel(make_channel, team, team.leaver, team.other, "owned")
    backed = channel(make_channel, team, team.other, team.leaver, "backed")
    untouched = channel(make_channel, team, team.admin, team.other, "untouched")
    issued = create_token(team.leaver, Actor.system("test"))
    report = offboard(team.leaver, Actor.for_user(team.admin.user), successor=team.successor)

    team.leaver.refresh_from_db()
    assert not team.leaver.is_active
    assert authenticate_token(issued.raw) is None
    assert team.leaver.api_tokens.get().revoked_at is not None
    owned.refresh_from_db()
    backed.refresh_from_db()
    assert (owned.owner, owned.backup_owner) == (team.successor, team.other)
    assert (backed.owner, backed.backup_owner) == (team.other, team.successor)
    flagged = {c.channel_id: c for c in Credential.objects.filter(needs_rotation=True)}
    assert set(flagged) == {owned.pk, backed.pk}
    assert "Person Publisher" in flagged[owned.pk].rotation_reason
    assert untouched.pk not in flagged

    assert report.event_id is not None
    event = AuditEvent.objects.get(pk=report.event_id)
    assert event.action == "member.offboard" and event.actor_label == "admin@acme.test"
    after = event.after or {}
    assert after["tokens_revoked"] == [issued.token.prefix + "…"]
    assert [m["channel_id"] for m in after["owner_moves"]] == [owned.pk]
    assert [m["channel_id"] for m in after["backup_moves"]] == [backed.pk]
    assert {f["channel_id"] for f in after["flagged"]} == {owned.pk, backed.pk}
    assert after["successor"] == "successor@acme.test"
    assert event.before == {"email": "leaver@acme.test", "role": "publisher", "is_active": True}


def test_an_admin_leaving_flags_every_credential_they_could_manage(
    team: Team, make_channel: Callable[..., Channel]
) -> None:
    elsewhere = channel(make_channel, team, team.other, team.successor, "elsewhere")
    without_secret = channel(make_channel, team, team.other, team.successor, "nosecret",
                             secret=None)
    report = offboard(team.admin, Actor.for_user(team.owner.user), successor=team.successor)
    assert [f["channel_id"] for f in report.flagged] == [elsewhere.pk]
    reason = Credential.objects.get(channel=elsewhere).rotation_reason
    assert "could manage every channel" in reason
    assert not Credential.objects.filter(channel=without_secret).exists()


def test_the_successor_holding_the_other_role_gets_a_stand_in(
    team: Team, make_channel: Callable[..., Channel]
) -> None:
    owned = channel(make_channel, team, team.leaver, team.successor, "a")
    backed = channel(make_channel, team, team.successor, team.leaver, "b")
    offboard(team.leaver, Actor.system("test"), successor=team.successor)
    owned.refresh_from_db()
    backed.refresh_from_db()
    # The stand-in is the first active manager, then administrator, then owner.
    assert (owned.owner, owned.backup_owner) == (team.successor, team.admin)
    assert (backed.owner, backed.backup_owner) == (team.successor, team.admin)


def test_without_a_stand_in_nothing_changes_and_the_channels_are_named(
    make_org: Callable[..., Organization], make_member: MakeMember,
    make_channel: Callable[..., Channel],
) -> None:
    org = make_org()  # nobody else manages: no stand-in can take the backup role
    leaver = make_member(org, Role.PUBLISHER)
    successor = make_member(org, Role.RESPONDER)
    clash = make_channel(org, handle="clash", display_name="Clash", owner=leaver,
                         backup_owner=successor)
    token = create_token(leaver, Actor.system("test"))
    with pytest.raises(ValidationError, match=r"Clash \(instagram:clash\)"):
        offboard(leaver, Actor.system("test"), successor=successor)
    leaver.refresh_from_db()
    clash.refresh_from_db()
    assert leaver.is_active and clash.owner == leaver
    assert authenticate_token(token.raw) is not None
    assert not AuditEvent.objects.filter(action="member.offboard").exists()


def test_permissions_and_owner_rules(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        offboard(team.other, Actor.for_user(team.successor.user), successor=team.admin)
    with pytest.raises(PermissionDenied):  # a manager cannot offboard an owner
        offboard(team.owner, Actor.for_user(team.successor.user), successor=team.admin)
    with pytest.raises(PermissionDenied):  # nor can an admin
        offboard(team.owner, Actor.for_user(team.admin.user), successor=team.successor)
    with pytest.raises(ValidationError, match="last owner"):
        offboard(team.owner, Actor.system("test"), successor=team.admin)
    with pytest.raises(ValidationError, match="yourself"):
        offboard(team.admin, Actor.for_user(team.admin.user), successor=team.successor)
    with pytest.raises(ValidationError, match="someone other"):
        offboard(team.other, Actor.system("test"), successor=team.other)


def test_a_successor_from_another_organization_is_refused(
    team: Team, make_org: Callable[..., Organization], make_member: MakeMember
) -> None:
    stranger = make_member(make_org(), Role.MANAGER)
    with pytest.raises(ValidationError, match="active member"):
        offboard(team.other, Actor.system("test"), successor=stranger)


@pytest.fixture
def recorded() -> Iterator[list[tuple[str, str]]]:
    calls: list[tuple[str, str]] = []

    def handler(member: Member, successor: Member, actor: Actor) -> list[str]:
        calls.append((member.user.email, successor.user.email))
        return [f"3 drafts moved to {successor.user.email}"]

    register_offboarding_handler("test.drafts", handler)
    yield calls
    unregister_offboarding_handler("test.drafts")


def test_registered_handlers_run_and_report(team: Team, recorded: list[Any]) -> None:
    assert "test.drafts" in offboarding_handlers()
    report = offboard(team.other, Actor.system("test"), successor=team.successor)
    assert recorded == [("other@acme.test", "successor@acme.test")]
    assert report.handlers["test.drafts"] == ["3 drafts moved to successor@acme.test"]


def test_a_failing_handler_rolls_everything_back(team: Team) -> None:
    def broken(member: Member, successor: Member, actor: Actor) -> list[str]:
        raise ValidationError("drafts cannot move")

    register_offboarding_handler("test.broken", broken)
    try:
        with pytest.raises(ValidationError, match="drafts cannot move"):
            offboard(team.other, Actor.system("test"), successor=team.successor)
    finally:
        unregister_offboarding_handler("test.broken")
    team.other.refresh_from_db()
    assert team.other.is_active


def test_the_page_offboards_and_the_open_session_is_signed_out(
    team: Team, make_channel: Callable[..., Channel]
) -> None:
    owned = channel(make_channel, team, team.leaver, team.other, "page")
    leaver_browser = Client()
    leaver_browser.post(reverse("web:login"),
                        {"username": "leaver@acme.test", "password": PASSWORD})
    assert leaver_browser.get(reverse("web:channels")).status_code == 200

    admin = Client()
    admin.force_login(team.admin.user)
    page = admin.get(reverse("web:offboard", args=[team.leaver.pk])).content.decode()
    assert "instagram" in page.lower() and owned.display_name in page
    response = admin.post(reverse("web:offboard", args=[team.leaver.pk]),
                          {"successor": team.successor.pk})
    assert response.status_code == 302
    report = admin.get(response["Location"]).content.decode()
    assert "Offboarding report" in report and "1 credential to rotate" in report
    assert owned.display_name in report and "successor@acme.test" in report

    signed_out = leaver_browser.get(reverse("web:channels"))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("web:login"))
    detail = admin.get(reverse("web:channel", args=[owned.pk])).content.decode()
    assert "Needs rotation" in detail and "owner or backup owner of this channel" in detail
    listing = admin.get(reverse("web:channels")).content.decode()
    assert "Needs rotation" in listing


def test_the_page_refuses_managers_and_shows_errors(
    team: Team, make_channel: Callable[..., Channel]
) -> None:
    manager = Client()
    manager.force_login(team.successor.user)
    assert manager.get(reverse("web:offboard", args=[team.other.pk])).status_code == 403
    admin = Client()
    admin.force_login(team.admin.user)
    assert admin.get(reverse("web:offboard", args=[team.owner.pk])).status_code == 403
    channel(make_channel, team, team.other, team.leaver, "x")
    response = admin.post(reverse("web:offboard", args=[team.leaver.pk]), {"successor": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_the_report_is_readable_by_auditors_only_in_the_organization(
    team: Team, make_org: Callable[..., Organization], make_member: MakeMember
) -> None:
    report = offboard(team.other, Actor.system("test"), successor=team.successor)
    url = reverse("web:offboarding_report", args=[report.event_id])
    analyst = Client()
    analyst.force_login(make_member(team.org, Role.ANALYST).user)
    assert analyst.get(url).status_code == 200
    contributor = Client()
    contributor.force_login(make_member(team.org, Role.CONTRIBUTOR).user)
    assert contributor.get(url).status_code == 403
    outsider = Client()
    outsider.force_login(make_member(make_org(), Role.OWNER).user)
    assert outsider.get(url).status_code == 404


def test_the_command_line_offboards(
    team: Team, make_channel: Callable[..., Channel], capsys: pytest.CaptureFixture[str]
) -> None:
    owned = channel(make_channel, team, team.leaver, team.other, "cli")
    status = main(["member", "remove", team.org.slug, "leaver@acme.test",
                   "--reassign-to", "successor@acme.test"])
    out = capsys.readouterr().out
    assert status == 0
    assert "leaver@acme.test offboarded" in out
    assert f"rotate the credentials of {owned.display_name}" in out
    owned.refresh_from_db()
    assert owned.owner == team.successor
    assert main(["member", "remove", team.org.slug, "nobody@acme.test",
                 "--reassign-to", "successor@acme.test"]) == 2
