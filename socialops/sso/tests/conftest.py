"""The reference OpenID Connect provider, started once, and an organization using it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.sso import services
from socialops.sso.models import SsoConfiguration
from socialops.sso.testing import OidcProvider, installed, sign_in_at_provider, start_provider

CLIENT_ID = "socialops-tests"
CLIENT_SECRET = "s3cret-9f2c-never-shown"
REDIRECT_URI = "http://testserver/sso/callback/"
# Login names on the provider and the claims it vouches for.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "alice": {"email": "alice@acme.test", "email_verified": True, "name": "Alice Martin"},
    "bob": {"email": "bob@acme.test", "email_verified": False, "name": "Bob Unverified"},
    "eve": {"email": "eve@elsewhere.test", "email_verified": True, "name": "Eve Outsider"},
    "carol": {"email": "carol@acme.test", "email_verified": True, "name": "Carol Leaver"},
    "olga": {"email": "olga@acme.test", "email_verified": True, "name": "Olga Owner"},
    "dan": {"email": "dan@acme.test", "email_verified": True, "name": "Dan Known"},
}


@pytest.fixture(scope="session")
def provider() -> Iterator[OidcProvider]:
    if installed() is None:
        pytest.skip("Node 22 and oidc-provider are not installed (./run test installs them)")
    running = start_provider(
        [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
          "redirect_uris": [REDIRECT_URI]}],
        ACCOUNTS,
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def allow_loopback_idp(settings: Any) -> None:
    settings.SOCIALOPS_OIDC_ALLOW_PRIVATE = True


@pytest.fixture
def acme(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Acme")


@pytest.fixture
def sso(acme: Organization, provider: OidcProvider, allow_loopback_idp: None,
        actor: Actor) -> SsoConfiguration:
    return services.save_configuration(acme, services.ConfigurationInput(
        issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        allowed_domains="acme.test", default_role="contributor", required=False, enabled=True,
    ), actor)


@pytest.fixture
def acme_admin(acme: Organization, make_member: Callable[..., Member]) -> Member:
    return make_member(acme, "admin", email="admin@acme.example")


def follow_provider(client: Client, start: Any, login: str) -> Any:
    """Take the continue page (or redirect) to the provider, log in, open our callback."""
    url = start.context["url"] if start.status_code == 200 else start["Location"]
    callback = urlsplit(sign_in_at_provider(url, login))
    assert callback.path == "/sso/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def sign_in_by_email(client: Client, email: str, login: str) -> Any:
    """Start from the sign-in page's e-mail form and come back from the provider."""
    start = client.post("/sso/", {"email": email})
    assert start.status_code == 200, start.content
    return follow_provider(client, start, login)
