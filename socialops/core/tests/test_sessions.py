"""Sessions end on their next request once fenced (sign out everywhere, offboarding)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.core.sessions import fence_sessions, sign_out_everywhere

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def sign_in(member: Member) -> Client:
    client = Client()
    response = client.post(reverse("web:login"),
                           {"username": member.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200
    return client


def test_a_fence_signs_out_existing_sessions_on_their_next_request(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    member = make_member(make_org(), Role.RESPONDER)
    laptop, phone = sign_in(member), sign_in(member)
    fence_sessions(member.user)
    response = laptop.get(reverse("web:channels"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert "_auth_user_id" not in laptop.session
    assert phone.get(reverse("web:home")).status_code == 302
    # Signing in again afterwards works.
    fresh = sign_in(member)
    assert fresh.get(reverse("web:channels")).status_code == 200


def test_a_fence_also_stops_api_calls_made_with_the_session(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    member = make_member(make_org(), Role.RESPONDER)
    client = sign_in(member)
    assert client.get("/api/v1/organization").status_code == 200
    fence_sessions(member.user)
    assert client.get("/api/v1/organization").status_code == 401


def test_sign_out_everywhere_is_audited_and_includes_this_browser(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    member = make_member(make_org(), Role.RESPONDER)
    client = sign_in(member)
    response = client.post(reverse("web:sign_out_everywhere"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302
    event = AuditEvent.objects.filter(action="session.revoke_all").get()
    assert event.actor_label == member.user.email
    sign_out_everywhere(member, Actor.system("test"))  # callable from jobs as well


def test_a_session_without_sign_in_time_counts_as_old(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    member = make_member(make_org(), Role.RESPONDER)
    client = Client()
    client.force_login(member.user)  # no sign-in time recorded
    assert client.get(reverse("web:home")).status_code == 200
    fence_sessions(member.user)
    assert client.get(reverse("web:home")).status_code == 302


def test_repeated_failures_lock_the_email_and_ip_with_a_clear_message(
    make_org: Callable[..., Organization], make_member: Callable[..., Member], settings: object
) -> None:
    settings.SOCIALOPS_LOGIN_MAX_FAILURES = 3  # type: ignore[attr-defined]
    settings.SOCIALOPS_LOGIN_LOCK_MINUTES = 10  # type: ignore[attr-defined]
    member = make_member(make_org(), Role.RESPONDER)
    client = Client()
    wrong = {"username": member.user.email, "password": "not-it"}
    assert client.post(reverse("web:login"), wrong).status_code == 200
    assert client.post(reverse("web:login"), wrong).status_code == 200
    third = client.post(reverse("web:login"), wrong)
    assert third.status_code == 429
    assert "Try again in 10 minutes" in third.content.decode()
    right = client.post(reverse("web:login"),
                        {"username": member.user.email, "password": PASSWORD})
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login.locked", target_id=str(member.pk)).count() == 1
    # Another address from the same IP, or the same address from elsewhere, is not locked.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("web:login"),
                      {"username": member.user.email, "password": PASSWORD}).status_code == 302


def test_a_success_clears_the_failures(
    make_org: Callable[..., Organization], make_member: Callable[..., Member], settings: object
) -> None:
    settings.SOCIALOPS_LOGIN_MAX_FAILURES = 2  # type: ignore[attr-defined]
    member = make_member(make_org(), Role.RESPONDER)
    client = Client()
    client.post(reverse("web:login"), {"username": member.user.email, "password": "nope"})
    sign_in(member)
    assert client.post(reverse("web:login"), {"username": member.user.email,
                                              "password": "nope"}).status_code == 200


def test_a_person_lists_their_browsers_and_signs_one_out(
    make_org: Callable[..., Organization], make_member: Callable[..., Member]
) -> None:
    org = make_org()
    member = make_member(org, Role.RESPONDER)
    laptop = sign_in(member)
    phone = Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) <b>Safari</b>")
    phone.post(reverse("web:login"), {"username": member.user.email, "password": PASSWORD})
    page = laptop.get(reverse("web:browser_sessions")).content.decode()
    assert page.count('name="browser"') == 1  # the other browser; this one is marked
    assert "this browser" in page and "&lt;b&gt;Safari&lt;/b&gt;" in page
    phone_row = member.user.browser_sessions.get(user_agent__contains="iPhone")
    # Someone else cannot end it.
    stranger = sign_in(make_member(org, Role.MANAGER))
    assert stranger.post(reverse("web:browser_session_end"),
                         {"browser": phone_row.pk}).status_code == 404
    assert phone.get(reverse("web:home")).status_code == 200
    laptop.post(reverse("web:browser_session_end"), {"browser": phone_row.pk})
    response = phone.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert laptop.get(reverse("web:home")).status_code == 200
    assert AuditEvent.objects.filter(action="session.end").count() == 1
    assert 'name="browser"' not in laptop.get(reverse("web:browser_sessions")).content.decode()
