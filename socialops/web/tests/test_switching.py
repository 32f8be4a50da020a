"""Switching organization and language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from socialops.core.access import SESSION_ORG_KEY
from socialops.core.models import Role
from socialops.core.services import add_member
from socialops.web.tests.conftest import ACTOR, World

pytestmark = pytest.mark.django_db


def test_switch_refuses_an_organization_of_which_the_user_is_not_a_member(
    alice_client: Client, world: World
) -> None:
    response = alice_client.post(
        reverse("web:switch_organization"), {"organization": world.other.pk, "next": "/"}
    )
    assert response.status_code == 404
    assert SESSION_ORG_KEY not in alice_client.session
    assert "other.secret" not in alice_client.get(reverse("web:channels")).content.decode()


def test_switch_to_an_organization_of_which_the_user_is_a_member(
    alice_client: Client, world: World
) -> None:
    add_member(world.other, "alice@acme.test", Role.ANALYST, ACTOR)
    response = alice_client.post(
        reverse("web:switch_organization"),
        {"organization": world.other.pk, "next": reverse("web:channels")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:channels")
    assert alice_client.session[SESSION_ORG_KEY] == world.other.pk
    html = alice_client.get(reverse("web:channels")).content.decode()
    assert "other.secret" in html and "acme.fr" not in html


def test_switch_ignores_an_outside_next(alice_client: Client, world: World) -> None:
    response = alice_client.post(
        reverse("web:switch_organization"),
        {"organization": world.acme.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_switch_rejects_garbage_and_get(alice_client: Client, world: World) -> None:
    url = reverse("web:switch_organization")
    assert alice_client.post(url, {"organization": "abc"}).status_code == 404
    assert alice_client.get(url).status_code == 405


def test_language_switch_renders_french(alice_client: Client, world: World) -> None:
    response = alice_client.post(
        reverse("set_language"), {"language": "fr", "next": reverse("web:channels")}
    )
    assert response.status_code == 302
    html = alice_client.get(reverse("web:channels")).content.decode()
    assert '<html lang="fr">' in html
    assert "Comptes sociaux" in html
    assert "Suppléant" in html
    assert "Se déconnecter" in html
    assert "Tous les réseaux" in html


def test_login_page_in_french_before_signing_in(client: Client) -> None:
    client.post(reverse("set_language"), {"language": "fr", "next": reverse("web:login")})
    html = client.get(reverse("web:login")).content.decode()
    assert "Se connecter" in html
    assert "Mot de passe" in html
