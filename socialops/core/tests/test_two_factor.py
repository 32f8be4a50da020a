"""Two-factor sign-in through the real pages: enrolment, second step, recovery, enforcement."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from socialops.core import twofactor
from socialops.core.actors import Actor
from socialops.core.models import ApiToken, AuditEvent, Member, Organization, RecoveryCode
from socialops.core.services import create_token

PASSWORD = "correct-horse-battery"


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def _sign_in(client: Client, member: Member) -> Any:
    return client.post("/login/", {"username": member.user.email, "password": PASSWORD})


def _enrol(member: Member) -> tuple[TOTPDevice, list[str]]:
    device = twofactor.pending_device(member.user)
    codes = twofactor.confirm_device(member.user, _code(device), Actor.system("test"))
    device.refresh_from_db()
    # The enrolment used the current time step; sign-in tests need the next one.
    device.last_t -= 1
    device.save(update_fields=["last_t"])
    return device, codes


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Maison Test")


@pytest.mark.django_db
def test_without_a_device_the_password_is_enough(client: Client, org: Organization,
                                                  make_member: Callable[..., Member]) -> None:
    member = make_member(org, "responder")
    response = _sign_in(client, member)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_enrolment_page_shows_a_qr_code_and_confirms_with_a_code(
        client: Client, org: Organization, make_member: Callable[..., Member]) -> None:
    member = make_member(org, "manager")
    _sign_in(client, member)
    page = client.get("/account/two-factor/set-up/")
    body = page.content.decode()
    assert "<svg" in body and 'id="two-factor-key"' in body
    device = TOTPDevice.objects.get(user=member.user, confirmed=False)

    wrong = client.post("/account/two-factor/set-up/", {"code": "000000"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=member.user, confirmed=True).exists()

    done = client.post("/account/two-factor/set-up/", {"code": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r"[0-9a-f]{6}-[0-9a-f]{6}", done.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT
    # Only hashes are stored.
    stored = set(RecoveryCode.objects.filter(user=member.user).values_list("code_hash", flat=True))
    assert not stored & set(codes)
    assert AuditEvent.objects.filter(organization=org, action="twofactor.enable").exists()
    # This session proved the factor while enrolling: it keeps working.
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_device_holds_every_page_until_the_code_is_given(
        client: Client, org: Organization, make_member: Callable[..., Member]) -> None:
    member = make_member(org, "manager")
    device, _codes = _enrol(member)
    response = _sign_in(client, member)
    assert response.status_code == 302
    held = client.get("/members/")
    assert held.status_code == 302
    assert held["Location"].startswith("/account/two-factor/verify/")
    # The API refuses the half-signed-in session too.
    assert client.get("/api/v1/channels").status_code == 401

    wrong = client.post("/account/two-factor/verify/", {"code": "123456", "next": "/members/"})
    assert wrong.status_code == 400
    assert b"two-factor-error" in wrong.content
    ok = client.post("/account/two-factor/verify/", {"code": _code(device), "next": "/members/"})
    assert ok.status_code == 302 and ok["Location"] == "/members/"
    assert client.get("/members/").status_code == 200


@pytest.mark.django_db
def test_a_code_works_only_once(org: Organization, make_member: Callable[..., Member]) -> None:
    member = make_member(org, "manager")
    device, _codes = _enrol(member)
    code = _code(device)
    first, second = Client(), Client()
    _sign_in(first, member)
    _sign_in(second, member)
    assert first.post("/account/two-factor/verify/", {"code": code}).status_code == 302
    replay = second.post("/account/two-factor/verify/", {"code": code})
    assert replay.status_code == 400
    assert second.get("/").status_code == 302


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(org: Organization,
                                       make_member: Callable[..., Member]) -> None:
    member = make_member(org, "responder")
    _device, codes = _enrol(member)
    first, second = Client(), Client()
    _sign_in(first, member)
    assert first.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert first.get("/").status_code == 200
    _sign_in(second, member)
    assert second.post("/account/two-factor/verify/", {"code": codes[0]}).status_code == 400
    assert twofactor.unused_recovery_codes(member.user) == twofactor.RECOVERY_CODE_COUNT - 1
    assert AuditEvent.objects.filter(action="twofactor.recovery_code_used").count() == 1


@pytest.mark.django_db
def test_wrong_codes_lock_the_second_step(client: Client, settings: Any, org: Organization,
                                          make_member: Callable[..., Member]) -> None:
    settings.SOCIALOPS_LOGIN_MAX_FAILURES = 3
    member = make_member(org, "manager")
    device, _codes = _enrol(member)
    _sign_in(client, member)
    statuses = [client.post("/account/two-factor/verify/", {"code": "000000"}).status_code
                for _i in range(3)]
    assert statuses == [400, 400, 429]
    # Even the right code waits for the lock to lift.
    locked = client.post("/account/two-factor/verify/", {"code": _code(device)})
    assert locked.status_code == 429
    assert b"two-factor-locked" in locked.content
    assert AuditEvent.objects.filter(organization=org, action="login.locked").exists()


@pytest.mark.django_db
def test_an_organization_can_require_two_factor(client: Client, org: Organization,
                                                make_member: Callable[..., Member]) -> None:
    owner = make_member(org, "owner")
    responder = make_member(org, "responder")
    _sign_in(client, owner)
    twofactor.set_two_factor_required(org, True, Actor.for_user(owner.user))
    assert AuditEvent.objects.filter(action="organization.two_factor_required").exists()

    other = Client()
    _sign_in(other, responder)
    held = other.get("/inbox/")
    assert held.status_code == 302
    assert held["Location"].startswith("/account/two-factor/set-up/")
    page = other.get(held["Location"])
    assert b"two-factor-required" in page.content
    device = TOTPDevice.objects.get(user=responder.user, confirmed=False)
    other.post("/account/two-factor/set-up/", {"code": _code(device)})
    assert other.get("/").status_code == 200


@pytest.mark.django_db
def test_only_owners_and_admins_change_the_requirement(
        client: Client, org: Organization, make_member: Callable[..., Member]) -> None:
    manager = make_member(org, "manager")
    _sign_in(client, manager)
    assert client.get("/organization/security/").status_code == 200
    refused = client.post("/organization/security/", {"two_factor_required": "1"})
    assert refused.status_code == 403
    org.refresh_from_db()
    assert not org.two_factor_required


@pytest.mark.django_db
def test_api_tokens_are_not_held_by_two_factor(org: Organization,
                                               make_member: Callable[..., Member]) -> None:
    member = make_member(org, "manager")
    _enrol(member)
    twofactor.set_two_factor_required(org, True, Actor.system("test"))
    issued = create_token(member, Actor.system("test"), name="script")
    response = Client().get("/api/v1/channels", HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    assert response.status_code == 200
    assert ApiToken.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_device(client: Client, org: Organization,
                                               make_member: Callable[..., Member]) -> None:
    admin = make_member(org, "admin")
    member = make_member(org, "publisher")
    _enrol(member)
    _sign_in(client, admin)
    page = client.get(f"/members/{member.pk}/")
    assert b"member-two-factor" in page.content
    client.post(f"/members/{member.pk}/two-factor/reset/")
    assert not TOTPDevice.objects.filter(user=member.user).exists()
    assert not RecoveryCode.objects.filter(user=member.user).exists()
    assert AuditEvent.objects.filter(action="twofactor.reset").exists()
    # Signed in with the password alone again.
    person = Client()
    _sign_in(person, member)
    assert person.get("/").status_code == 200
