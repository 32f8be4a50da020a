"""Members management: services (owner rules, audit) and the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Role, Team
from socialops.core.services import (
    add_member,
    change_role,
    create_team,
    set_member_active,
    set_team_membership,
)

pytestmark = pytest.mark.django_db

MakeMember = Callable[..., Member]


def as_actor(member: Member) -> Actor:
    return Actor.for_user(member.user)


def test_an_admin_cannot_demote_deactivate_or_create_an_owner(
    make_org: Callable[..., Organization], make_member: MakeMember
) -> None:
    org = make_org()
    owner, admin = make_member(org, Role.OWNER), make_member(org, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        change_role(owner, Role.ADMIN, as_actor(admin))
    with pytest.raises(PermissionDenied):
        set_member_active(owner, False, as_actor(admin))
    with pytest.raises(PermissionDenied):
        change_role(admin, Role.OWNER, as_actor(admin))
    with pytest.raises(PermissionDenied):
        add_member(org, "new@x.test", Role.OWNER, as_actor(admin))
    owner.refresh_from_db()
    assert owner.role == Role.OWNER and owner.is_active


def test_the_last_owner_cannot_be_demoted_or_deactivated(
    make_org: Callable[..., Organization], make_member: MakeMember, actor: Actor
) -> None:
    org = make_org()
    owner = make_member(org, Role.OWNER)
    with pytest.raises(ValidationError, match="last owner"):
        change_role(owner, Role.ADMIN, actor)
    with pytest.raises(ValidationError, match="last owner"):
        set_member_active(owner, False, actor)
    second = make_member(org, Role.OWNER)
    change_role(owner, Role.ADMIN, as_actor(second))  # an owner may, once another remains
    assert Member.objects.get(pk=owner.pk).role == Role.ADMIN
    with pytest.raises(ValidationError, match="yourself"):
        set_member_active(second, False, as_actor(second))


def test_roles_and_activation_are_audited_with_before_and_after(
    make_org: Callable[..., Organization], make_member: MakeMember
) -> None:
    org = make_org()
    admin, person = make_member(org, Role.ADMIN), make_member(org, Role.RESPONDER)
    change_role(person, Role.PUBLISHER, as_actor(admin))
    set_member_active(person, False, as_actor(admin))
    set_member_active(person, True, as_actor(admin))
    events = list(AuditEvent.objects.filter(organization=org, target_id=str(person.pk))
                  .order_by("seq").values_list("action", "before", "after", "actor_label"))
    assert [e[0] for e in events] == ["member.add", "member.role", "member.deactivate",
                                      "member.activate"]
    assert events[1][1]["role"] == "responder" and events[1][2]["role"] == "publisher"
    assert events[2][2]["is_active"] is False
    assert events[1][3] == admin.user.email


def test_a_manager_cannot_manage_members(
    make_org: Callable[..., Organization], make_member: MakeMember
) -> None:
    org = make_org()
    manager, person = make_member(org, Role.MANAGER), make_member(org, Role.RESPONDER)
    with pytest.raises(PermissionDenied):
        change_role(person, Role.ANALYST, as_actor(manager))
    with pytest.raises(PermissionDenied):
        add_member(org, "x@y.test", Role.ANALYST, as_actor(manager))
    with pytest.raises(PermissionDenied):
        create_team(org, "Night", as_actor(manager), [])


def test_an_admin_of_another_organization_cannot_touch_members(
    make_org: Callable[..., Organization], make_member: MakeMember
) -> None:
    org, other = make_org(), make_org()
    person, stranger = make_member(org, Role.RESPONDER), make_member(other, Role.OWNER)
    with pytest.raises(PermissionDenied):
        change_role(person, Role.ANALYST, as_actor(stranger))


def test_team_membership_is_audited_and_stays_in_the_organization(
    make_org: Callable[..., Organization], make_member: MakeMember, actor: Actor
) -> None:
    org, other = make_org(), make_org()
    team = create_team(org, "Community FR", actor, [])
    person = make_member(org, Role.RESPONDER)
    set_team_membership(team, person, True, actor)
    set_team_membership(team, person, True, actor)  # no change, no event
    set_team_membership(team, person, False, actor)
    actions = list(AuditEvent.objects.filter(organization=org, target_type="core.team")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["team.create", "team.add", "team.remove"]
    with pytest.raises(ValidationError):
        set_team_membership(team, make_member(other), True, actor)
    with pytest.raises(ValidationError, match="already a team"):
        create_team(org, "community fr", actor, [])


# --- pages ---------------------------------------------------------------------------


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Acme")


@pytest.fixture
def admin(org: Organization, make_member: MakeMember) -> Member:
    make_member(org, Role.OWNER, email="owner@acme.test")
    return make_member(org, Role.ADMIN, email="admin@acme.test")


def signed_in(client: Client, member: Member) -> Client:
    client.force_login(member.user)
    return client


def test_admin_adds_a_member_and_the_link_sets_the_password(
    client: Client, org: Organization, admin: Member
) -> None:
    signed_in(client, admin)
    response = client.post(reverse("web:member_add"), {
        "email": "New.Person@Acme.test", "full_name": "Nina <b>Roux</b>", "role": "responder",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nina &lt;b&gt;Roux&lt;/b&gt;" in html and "<b>Roux" not in html
    member = Member.objects.get(organization=org, user__email="new.person@acme.test")
    assert member.role == Role.RESPONDER and not member.user.has_usable_password()
    link = html.split('id="set-password-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert "/welcome/" in link
    event = AuditEvent.objects.filter(organization=org, action="member.add").last()
    assert event is not None and event.actor_label == "admin@acme.test"
    assert link.split("/welcome/")[1].split("/")[1] not in str(event.after)

    stranger = Client()
    page = stranger.get(link, follow=True)
    assert page.status_code == 200 and "Choose your password" in page.content.decode()
    done = stranger.post(page.redirect_chain[-1][0], {
        "new_password1": "quiet-lake-morning-7", "new_password2": "quiet-lake-morning-7",
    })
    assert done.status_code == 302
    assert Client().login(username="new.person@acme.test", password="quiet-lake-morning-7")
    again = Client().get(link, follow=True).content.decode()
    assert "already been used or has expired" in again


def test_adding_an_existing_person_shows_no_link(
    client: Client, org: Organization, admin: Member, make_org: Callable[..., Organization],
    make_member: MakeMember,
) -> None:
    make_member(make_org(), Role.ANALYST, email="known@else.test")
    signed_in(client, admin)
    html = client.post(reverse("web:member_add"), {
        "email": "known@else.test", "role": "analyst"}).content.decode()
    assert "set-password-link" not in html and "usual password" in html
    duplicate = client.post(reverse("web:member_add"), {
        "email": "known@else.test", "role": "analyst"}).content.decode()
    assert "already a member" in duplicate


def test_admin_changes_role_and_deactivates_from_the_member_page(
    client: Client, org: Organization, admin: Member, make_member: MakeMember
) -> None:
    person = make_member(org, Role.RESPONDER)
    signed_in(client, admin)
    page = client.get(reverse("web:member", args=[person.pk])).content.decode()
    assert "Change the role" in page and 'value="owner"' not in page
    client.post(reverse("web:member_role", args=[person.pk]), {"role": "publisher"})
    client.post(reverse("web:member_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert person.role == Role.PUBLISHER and not person.is_active
    client.post(reverse("web:member_active", args=[person.pk]), {"active": "1"})
    person.refresh_from_db()
    assert person.is_active


def test_admin_sees_owner_locked_and_gets_403_changing_them(
    client: Client, org: Organization, admin: Member
) -> None:
    owner = Member.objects.get(organization=org, role=Role.OWNER)
    signed_in(client, admin)
    page = client.get(reverse("web:member", args=[owner.pk])).content.decode()
    assert "Only an owner can change" in page and "Change the role" not in page
    response = client.post(reverse("web:member_role", args=[owner.pk]), {"role": "analyst"})
    assert response.status_code == 403
    assert client.post(reverse("web:member_active", args=[owner.pk]),
                       {"active": "0"}).status_code == 403
    owner.refresh_from_db()
    assert owner.role == Role.OWNER and owner.is_active


def test_owner_cannot_demote_themselves_when_last(client: Client, org: Organization,
                                                   admin: Member) -> None:
    owner = Member.objects.get(organization=org, role=Role.OWNER)
    signed_in(client, owner)
    response = client.post(reverse("web:member_role", args=[owner.pk]), {"role": "admin"},
                           follow=True)
    assert "last owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CONTRIBUTOR, Role.ANALYST])
def test_only_member_managers_reach_the_management_pages(
    client: Client, org: Organization, admin: Member, make_member: MakeMember, role: str
) -> None:
    signed_in(client, make_member(org, role))
    assert client.get(reverse("web:member_add")).status_code == 403
    assert client.get(reverse("web:member", args=[admin.pk])).status_code == 403
    assert client.post(reverse("web:member_role", args=[admin.pk]),
                       {"role": "analyst"}).status_code == 403
    listing = client.get(reverse("web:members")).content.decode()
    assert "Add a member" not in listing


def test_other_organization_members_and_teams_are_404(
    client: Client, org: Organization, admin: Member, make_org: Callable[..., Organization],
    make_member: MakeMember, actor: Actor,
) -> None:
    other = make_org()
    outsider = make_member(other, Role.RESPONDER)
    team = create_team(other, "Theirs", actor, [outsider])
    signed_in(client, admin)
    assert client.get(reverse("web:member", args=[outsider.pk])).status_code == 404
    assert client.post(reverse("web:member_active", args=[outsider.pk]),
                       {"active": "0"}).status_code == 404
    assert client.get(reverse("web:offboard", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("web:team", args=[team.pk])).status_code == 404
    mine = create_team(org, "Mine", actor, [])
    response = client.post(reverse("web:team_membership", args=[mine.pk]),
                           {"member": outsider.pk})
    assert response.status_code == 302
    assert not mine.members.exists()
    assert client.post(reverse("web:team_membership", args=[mine.pk]),
                       {"remove": outsider.pk}).status_code == 404


def test_admin_creates_a_team_and_adds_and_removes_members(
    client: Client, org: Organization, admin: Member, make_member: MakeMember
) -> None:
    person = make_member(org, Role.RESPONDER)
    signed_in(client, admin)
    response = client.post(reverse("web:teams"), {"name": "Night shift"})
    team = Team.objects.get(organization=org, name="Night shift")
    assert response["Location"] == reverse("web:team", args=[team.pk])
    client.post(reverse("web:team_membership", args=[team.pk]), {"member": person.pk})
    assert list(team.members.all()) == [person]
    page = client.get(reverse("web:team", args=[team.pk])).content.decode()
    assert person.user.email in page
    client.post(reverse("web:team_membership", args=[team.pk]), {"remove": person.pk})
    assert not team.members.exists()


def test_a_contributor_sees_teams_but_cannot_change_them(
    client: Client, org: Organization, make_member: MakeMember, actor: Actor
) -> None:
    team = create_team(org, "Brand", actor, [])
    signed_in(client, make_member(org, Role.CONTRIBUTOR))
    assert "Create a team" not in client.get(reverse("web:teams")).content.decode()
    assert client.post(reverse("web:teams"), {"name": "Mine"}).status_code == 403
    assert client.post(reverse("web:team_membership", args=[team.pk]),
                       {"member": 1}).status_code == 403
