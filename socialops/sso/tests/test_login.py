"""Single sign-on against a real OpenID Connect provider: the code flow and who gets in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.core.services import set_member_active
from socialops.sso.login import SESSION_PENDING_KEY
from socialops.sso.models import SsoConfiguration
from socialops.sso.testing import OidcProvider, sign_in_at_provider
from socialops.sso.tests.conftest import CLIENT_SECRET, follow_provider, sign_in_by_email

pytestmark = pytest.mark.django_db(transaction=False)


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_discovery_and_authorization_request_use_pkce_state_and_nonce(
        client: Client, sso: SsoConfiguration, provider: OidcProvider) -> None:
    start = client.post("/sso/", {"email": "alice@acme.test"})

    assert start.status_code == 200
    url = urlsplit(start.context["url"])
    assert f"{url.scheme}://{url.netloc}" == provider.issuer
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "socialops-tests"
    assert query["redirect_uri"] == "http://testserver/sso/callback/"
    assert query["scope"] == "openid email profile"
    assert query["code_challenge_method"] == "S256"
    assert query["login_hint"] == "alice@acme.test"
    pending = client.session[SESSION_PENDING_KEY][query["state"]]
    assert pending["nonce"] == query["nonce"]
    assert pending["verifier"] not in start.context["url"]
    assert b'id="sso-continue"' in start.content


def test_unknown_verified_person_joins_with_the_default_role(
        client: Client, sso: SsoConfiguration, acme: Organization) -> None:
    response = sign_in_by_email(client, "alice@acme.test", "alice")

    assert response.status_code == 302
    assert response["Location"] == "/"
    member = Member.objects.select_related("user").get(
        organization=acme, user__email="alice@acme.test")
    assert member.role == "contributor"
    assert member.user.get_full_name() == "Alice Martin"
    assert not member.user.has_usable_password()
    assert _signed_in(client)
    events = AuditEvent.objects.filter(organization=acme, target_type="core.member",
                                       target_id=str(member.pk))
    actions = list(events.values_list("action", "actor_label"))
    assert actions == [("member.join_sso", "alice@acme.test via single sign-on"),
                       ("member.sign_in_sso", "alice@acme.test via single sign-on")]


def test_known_member_signs_in_without_a_new_membership(
        client: Client, sso: SsoConfiguration, acme: Organization,
        make_member: Callable[..., Member]) -> None:
    dan = make_member(acme, "publisher", email="dan@acme.test")

    response = sign_in_by_email(client, "dan@acme.test", "dan")

    assert response.status_code == 302
    assert Member.objects.filter(user=dan.user).count() == 1
    dan.refresh_from_db()
    assert dan.role == "publisher"
    assert int(client.session["_auth_user_id"]) == dan.user_id
    assert not AuditEvent.objects.filter(organization=acme, action="member.join_sso").exists()


def test_address_outside_the_allowed_domains_is_refused(
        client: Client, sso: SsoConfiguration, acme: Organization) -> None:
    # The person comes through the organization's link, and the provider vouches for an
    # address of another domain.
    start = client.get(f"/sso/org/{acme.slug}/")
    response = follow_provider(client, start, "eve")

    assert response.status_code == 403
    assert "eve@elsewhere.test is not an address of Acme" in response.content.decode()
    assert not get_user_model().objects.filter(email="eve@elsewhere.test").exists()
    assert not _signed_in(client)


def test_e_mail_form_refuses_a_domain_without_single_sign_on(
        client: Client, sso: SsoConfiguration) -> None:
    response = client.post("/sso/", {"email": "eve@elsewhere.test"})

    assert response.status_code == 400
    assert b"No organization signs in with single sign-on for this address" in response.content
    assert b'value="eve@elsewhere.test"' in response.content


def test_unverified_address_is_refused(client: Client, sso: SsoConfiguration) -> None:
    response = sign_in_by_email(client, "bob@acme.test", "bob")

    assert response.status_code == 403
    assert b"has not verified your e-mail address" in response.content
    assert not get_user_model().objects.filter(email="bob@acme.test").exists()
    assert not _signed_in(client)


def test_callback_with_a_state_this_browser_did_not_start_is_refused(
        client: Client, sso: SsoConfiguration) -> None:
    start = client.post("/sso/", {"email": "alice@acme.test"})
    callback = urlsplit(sign_in_at_provider(start.context["url"], "alice"))
    query = parse_qs(callback.query)

    other_browser = Client()
    response = other_browser.get("/sso/callback/", {"code": query["code"][0],
                                                     "state": query["state"][0]})
    forged = client.get("/sso/callback/", {"code": query["code"][0], "state": "forged"})

    assert response.status_code == 400
    assert forged.status_code == 400
    assert b"expired or was started in another browser" in forged.content
    assert not Member.objects.filter(user__email="alice@acme.test").exists()


def test_id_token_with_another_nonce_is_refused(
        client: Client, sso: SsoConfiguration, caplog: pytest.LogCaptureFixture) -> None:
    start = client.post("/sso/", {"email": "alice@acme.test"})
    callback = urlsplit(sign_in_at_provider(start.context["url"], "alice"))
    # The session expects another nonce than the one the provider put in the ID token.
    session = client.session
    state = parse_qs(callback.query)["state"][0]
    session[SESSION_PENDING_KEY][state]["nonce"] = "not-the-nonce-sent"
    session.save()

    with caplog.at_level(logging.WARNING):
        response = client.get(f"{callback.path}?{callback.query}")

    assert response.status_code == 400
    assert b"could not be verified" in response.content
    assert "InvalidClaimError" in caplog.text and "nonce" in caplog.text
    assert not Member.objects.filter(user__email="alice@acme.test").exists()


def test_offboarded_member_is_refused(
        client: Client, sso: SsoConfiguration, acme: Organization, actor: Actor,
        make_member: Callable[..., Member]) -> None:
    carol = make_member(acme, "responder", email="carol@acme.test")
    set_member_active(carol, False, actor)

    response = sign_in_by_email(client, "carol@acme.test", "carol")

    assert response.status_code == 403
    assert b"Your membership of Acme has ended" in response.content
    carol.refresh_from_db()
    assert not carol.is_active
    assert not _signed_in(client)


def test_joining_one_organization_gives_nothing_in_another(
        client: Client, sso: SsoConfiguration, acme: Organization,
        make_org: Callable[..., Organization], make_member: Callable[..., Member]) -> None:
    other = make_org("Other brand")
    make_member(other, "owner", email="someone@other.example")

    sign_in_by_email(client, "alice@acme.test", "alice")

    assert list(Member.objects.filter(user__email="alice@acme.test")
                .values_list("organization__name", flat=True)) == ["Acme"]
    assert not AuditEvent.objects.filter(organization=other, action__contains="sso").exists()


def test_client_secret_never_appears_in_pages_logs_or_audit(
        client: Client, sso: SsoConfiguration, acme: Organization, acme_admin: Member,
        caplog: pytest.LogCaptureFixture) -> None:
    pages: list[Any] = []
    with caplog.at_level(logging.DEBUG):
        start = client.post("/sso/", {"email": "alice@acme.test"})
        pages += [client.get("/login/"), start, follow_provider(client, start, "alice")]
        admin = Client()
        admin.force_login(acme_admin.user)
        pages += [admin.get("/sso/configuration/"), admin.get("/organization/security/")]
        pages.append(admin.post("/sso/configuration/", {"issuer": "not a url",
                                                        "client_id": "x",
                                                        "client_secret": "typed-again"}))

    assert pages[3].status_code == 200
    for page in pages:
        assert CLIENT_SECRET not in page.content.decode() + str(page.headers)
    assert CLIENT_SECRET not in caplog.text
    for before, after in AuditEvent.objects.values_list("before", "after"):
        assert CLIENT_SECRET not in f"{before}{after}"
    assert CLIENT_SECRET not in SsoConfiguration.objects.get(pk=sso.pk).secret_ciphertext


def test_loopback_provider_is_refused_unless_allowed(
        client: Client, sso: SsoConfiguration, settings: Any) -> None:
    settings.SOCIALOPS_OIDC_ALLOW_PRIVATE = False

    response = client.post("/sso/", {"email": "alice@acme.test"})

    assert response.status_code == 502
    assert b"The identity provider cannot be reached" in response.content


def test_disabled_configuration_starts_nothing(client: Client, sso: SsoConfiguration,
                                               acme: Organization) -> None:
    SsoConfiguration.objects.filter(pk=sso.pk).update(enabled=False)

    assert client.get(f"/sso/org/{acme.slug}/").status_code == 404
    assert client.post("/sso/", {"email": "alice@acme.test"}).status_code == 400
