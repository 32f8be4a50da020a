"""The single sign-on page, its audit trail, and what "required" does to passwords and 2FA."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization
from socialops.governance import vault
from socialops.sso.models import SsoConfiguration
from socialops.sso.testing import OidcProvider
from socialops.sso.tests.conftest import CLIENT_SECRET, sign_in_by_email

PASSWORD = "correct-horse-battery"

FORM = {
    "issuer": "https://login.acme.example", "client_id": "socialops",
    "client_secret": "typed-secret-123", "allowed_domains": "Acme.test\n@acme.example, acme.test",
    "default_role": "responder", "enabled": "1", "required": "1",
}


def _client_for(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_administrator_saves_the_configuration_encrypted_and_audited(
        acme: Organization, acme_admin: Member) -> None:
    client = _client_for(acme_admin)

    response = client.post("/sso/configuration/", FORM)

    assert response.status_code == 302
    config = SsoConfiguration.objects.get(organization=acme)
    assert config.domains == ["acme.test", "acme.example"]
    assert (config.default_role, config.required, config.enabled) == ("responder", True, True)
    assert vault.decrypt(config.secret_ciphertext) == {"client_secret": "typed-secret-123"}
    event = AuditEvent.objects.get(organization=acme, action="sso.configure")
    assert event.actor_label == acme_admin.user.email
    assert event.before is None
    assert event.after == {"enabled": True, "issuer": "https://login.acme.example",
                           "client_id": "socialops", "secret_set": True,
                           "allowed_domains": ["acme.test", "acme.example"],
                           "default_role": "responder", "required": True,
                           "secret_changed": True}
    page = client.get("/sso/configuration/").content.decode()
    assert "typed-secret-123" not in page
    assert "A secret is stored, encrypted. Leave empty to keep it." in page


def test_empty_secret_keeps_the_stored_one(acme: Organization, acme_admin: Member) -> None:
    client = _client_for(acme_admin)
    client.post("/sso/configuration/", FORM)

    client.post("/sso/configuration/", {**FORM, "client_secret": "", "required": ""})

    config = SsoConfiguration.objects.get(organization=acme)
    assert vault.decrypt(config.secret_ciphertext) == {"client_secret": "typed-secret-123"}
    assert not config.required
    last = AuditEvent.objects.filter(action="sso.configure").order_by("-seq").first()
    assert last is not None and last.after["secret_changed"] is False
    assert last.before["required"] is True


def test_bad_input_is_explained_and_kept(acme: Organization, acme_admin: Member) -> None:
    client = _client_for(acme_admin)

    response = client.post("/sso/configuration/", {
        **FORM, "issuer": "login.acme", "allowed_domains": "acme.test\nnot a domain!",
        "default_role": "owner",
    })

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the issuer URL of your identity provider" in page
    assert "These are not domains: not, a, domain!." in page
    assert "New members cannot receive this role by single sign-on." in page
    assert 'value="login.acme"' in page
    assert 'value="socialops"' in page
    assert "typed-secret-123" not in page
    assert "type it again" in page
    assert not SsoConfiguration.objects.exists()


@pytest.mark.parametrize("role", ["manager", "publisher", "contributor", "analyst"])
def test_only_owners_and_administrators_open_the_page(
        acme: Organization, make_member: Callable[..., Member], role: str) -> None:
    client = _client_for(make_member(acme, role))

    assert client.get("/sso/configuration/").status_code == 403
    assert client.post("/sso/configuration/", FORM).status_code == 403
    assert not SsoConfiguration.objects.exists()


def test_administrator_of_another_organization_sees_and_changes_only_their_own(
        sso: SsoConfiguration, acme: Organization, make_org: Callable[..., Organization],
        make_member: Callable[..., Member], provider: OidcProvider) -> None:
    other_admin = make_member(make_org("Other brand"), "admin")
    client = _client_for(other_admin)

    page = client.get("/sso/configuration/").content.decode()
    client.post("/sso/configuration/", {**FORM, "issuer": "https://idp.other.example"})

    assert provider.issuer not in page and "socialops-tests" not in page
    sso.refresh_from_db()
    assert sso.issuer == provider.issuer
    assert vault.decrypt(sso.secret_ciphertext) == {"client_secret": CLIENT_SECRET}
    assert SsoConfiguration.objects.get(organization=other_admin.organization).issuer == (
        "https://idp.other.example")


def test_security_page_links_to_single_sign_on(acme_admin: Member) -> None:
    page = _client_for(acme_admin).get("/organization/security/").content.decode()

    assert "Off: members sign in with their password." in page
    assert 'href="/sso/configuration/"' in page


def _require_sso(config: SsoConfiguration) -> None:
    SsoConfiguration.objects.filter(pk=config.pk).update(required=True)


def test_required_sso_refuses_passwords_except_for_owners(
        client: Client, sso: SsoConfiguration, acme: Organization,
        make_member: Callable[..., Member]) -> None:
    responder = make_member(acme, "responder", email="resp@acme.test")
    owner = make_member(acme, "owner", email="olga@acme.test")
    _require_sso(sso)

    refused = client.post("/login/", {"username": responder.user.email, "password": PASSWORD})
    owner_in = Client().post("/login/", {"username": owner.user.email, "password": PASSWORD})

    assert refused.status_code == 200
    assert b"Your organization requires single sign-on" in refused.content
    assert "_auth_user_id" not in client.session
    assert owner_in.status_code == 302


def test_password_sign_in_is_unchanged_when_sso_is_optional(
        client: Client, sso: SsoConfiguration, acme: Organization,
        make_member: Callable[..., Member]) -> None:
    responder = make_member(acme, "responder", email="resp@acme.test")

    response = client.post("/login/", {"username": responder.user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert b'id="sso-start"' in Client().get("/login/").content


def test_sign_in_by_the_provider_satisfies_required_two_factor(
        client: Client, sso: SsoConfiguration, acme: Organization, actor: Actor,
        make_member: Callable[..., Member]) -> None:
    from socialops.core.twofactor import set_two_factor_required

    set_two_factor_required(acme, True, actor)
    password_member = make_member(acme, "responder", email="resp@acme.test")
    password_client = Client()
    password_client.post("/login/", {"username": password_member.user.email,
                                     "password": PASSWORD})

    sign_in_by_email(client, "alice@acme.test", "alice")

    assert client.get("/").status_code == 200
    assert password_client.get("/")["Location"].startswith("/account/two-factor/")
