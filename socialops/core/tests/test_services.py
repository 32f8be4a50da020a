"""Organizations, members and API tokens through the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from socialops.core.actors import Actor
from socialops.core.models import ApiToken, Member, Organization
from socialops.core.services import (
    add_member,
    authenticate_token,
    change_role,
    create_organization,
    create_token,
    revoke_tokens,
)

pytestmark = pytest.mark.django_db


def test_organization_needs_a_unique_slug(actor: Actor) -> None:
    org = create_organization("Maison Arlette", actor)
    assert org.slug == "maison-arlette"
    with pytest.raises(ValidationError, match="maison-arlette"):
        create_organization("Maison  Arlette", actor)
    with pytest.raises(ValidationError):
        create_organization("   ", actor)


def test_add_member_validates_role_email_and_password(
    make_org: Callable[..., Organization], actor: Actor
) -> None:
    org = make_org()
    with pytest.raises(ValidationError, match="Unknown role"):
        add_member(org, "a@example.com", "superhero", actor, password="long-enough-pw")
    with pytest.raises(ValidationError):
        add_member(org, "not-an-email", "manager", actor, password="long-enough-pw")
    with pytest.raises(ValidationError):
        add_member(org, "b@example.com", "manager", actor, password="123")
    member = add_member(org, " Claire@Example.com ", "manager", actor,
                        password="long-enough-pw", full_name="Claire Martin")
    assert member.user.email == "claire@example.com"
    assert member.user.check_password("long-enough-pw")
    assert member.display_name == "Claire Martin"
    with pytest.raises(ValidationError, match="already a member"):
        add_member(org, "claire@example.com", "analyst", actor, password="long-enough-pw")


def test_one_person_can_belong_to_two_organizations(
    make_org: Callable[..., Organization], actor: Actor
) -> None:
    a, b = make_org(), make_org()
    first = add_member(a, "p@example.com", "manager", actor, password="long-enough-pw")
    second = add_member(b, "p@example.com", "analyst", actor)
    assert first.user_id == second.user_id
    assert first.user.check_password("long-enough-pw")


def test_change_role_is_audited(make_org: Callable[..., Organization],
                                make_member: Callable[..., Member], actor: Actor) -> None:
    org = make_org()
    member = make_member(org, "responder")
    change_role(member, "manager", actor)
    event = org.audit_events.order_by("-seq").first()
    assert event is not None
    assert event.action == "member.role"
    assert event.before["role"] == "responder" and event.after["role"] == "manager"


def test_tokens_are_hashed_scoped_and_revocable(
    make_org: Callable[..., Organization], make_member: Callable[..., Member], actor: Actor
) -> None:
    org = make_org()
    member = make_member(org, "analyst")
    issued = create_token(member, actor, name="reporting script")
    assert issued.raw.startswith("sot_")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.raw not in (stored.token_hash, stored.prefix)
    assert stored.last_used_at is None

    found = authenticate_token(issued.raw)
    assert found is not None and found.member == member
    assert ApiToken.objects.get(pk=stored.pk).last_used_at is not None
    assert authenticate_token(issued.raw + "x") is None
    assert authenticate_token("not-a-token") is None

    assert revoke_tokens(member, actor) == 1
    assert authenticate_token(issued.raw) is None
    assert org.audit_events.filter(action__in=["token.create", "token.revoke"]).count() == 2
    # The raw token is never in the audit trail.
    assert not org.audit_events.filter(after__icontains=issued.raw).exists()


def test_token_of_deactivated_member_is_refused(
    make_org: Callable[..., Organization], make_member: Callable[..., Member], actor: Actor
) -> None:
    member = make_member(make_org(), "publisher")
    issued = create_token(member, actor)
    Member.objects.filter(pk=member.pk).update(is_active=False)
    assert authenticate_token(issued.raw) is None
