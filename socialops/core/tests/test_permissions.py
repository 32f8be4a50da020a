"""The role table, organization isolation, and the generated permissions document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from socialops.core.models import Member, Organization, Role
from socialops.core.permissions import ROLE_ACTIONS, Action, can, permissions_table, require

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_its_own_organization_only(
    role: Role, make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    org, other = make_org(), make_org()
    member = make_member(org, role.value)
    assert can(member, Action.VIEW_CHANNELS, org)
    assert not can(member, Action.VIEW_CHANNELS, other)
    assert not can(member, Action.VIEW_MEMBERS, other)


def test_only_owners_and_admins_manage_members_and_credentials(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    org = make_org()
    allowed = {r for r in Role if can(make_member(org, r.value), Action.MANAGE_CREDENTIALS, org)}
    assert allowed == {Role.OWNER, Role.ADMIN}
    contributor = make_member(org, "contributor")
    with pytest.raises(PermissionDenied):
        require(contributor, Action.MANAGE_MEMBERS, org)


def test_inactive_member_can_do_nothing(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    org = make_org()
    owner = make_member(org, "owner")
    owner.is_active = False
    assert not any(can(owner, action, org) for action in Action)
    assert not can(None, Action.VIEW_ORGANIZATION, org)


def test_every_role_has_a_row() -> None:
    assert set(ROLE_ACTIONS) == set(Role)


def test_permissions_doc_is_generated_from_the_code() -> None:
    assert DOC.read_text(encoding="utf-8") == permissions_table(), (
        "docs/permissions.md is out of date: run `socialops manage permissions_doc`"
    )
