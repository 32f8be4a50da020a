"""The pages render for a member and show only their organization's data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from socialops.core.models import Role
from socialops.core.services import add_member
from socialops.governance.models import ChannelStatus
from socialops.governance.services import record_sync
from socialops.web.tests.conftest import ACTOR, PASSWORD, World, make_channel

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_language_switch(client: Client) -> None:
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="fr"' in html


def test_login_with_the_right_password_goes_home(client: Client, world: World) -> None:
    response = client.post(
        reverse("web:login"), {"username": "alice@acme.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_login_with_a_wrong_password_shows_the_error(client: Client, world: World) -> None:
    response = client.post(
        reverse("web:login"), {"username": "alice@acme.test", "password": "not-the-password"}
    )
    assert response.status_code == 200
    assert "Your e-mail address or password is incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(alice_client: Client) -> None:
    response = alice_client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in alice_client.session


@pytest.mark.parametrize("name", ["web:home", "web:home_live", "web:channels", "web:members"])
def test_anonymous_users_are_sent_to_login(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_home_shows_the_organization_at_a_glance(alice_client: Client, world: World) -> None:
    make_channel(world.acme, world.alice, world.bob, "acme.broken",
                 display_name="Broken one")  # never synchronised: needs attention
    record_sync(world.acme_channel, followers=1234)
    response = alice_client.get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Acme" in html
    assert "Instagram" in html  # the network's readable label
    assert 'hx-trigger="every 10s"' in html
    assert "Broken one" in html
    assert "1,234 followers" in html
    assert "Administrator" in html and "Community responder" in html
    assert "other.secret" not in html and "Other Corp" not in html


def test_live_panel_is_a_fragment(alice_client: Client, world: World) -> None:
    record_sync(world.acme_channel, followers=77)
    response = alice_client.get(reverse("web:home_live"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "77 followers" in html
    assert "synchronised" in html and "ago" in html


def test_a_user_without_organization_gets_a_friendly_page(client: Client, world: World) -> None:
    from django.contrib.auth import get_user_model

    lonely = get_user_model().objects.create_user("lonely", "lonely@x.test", PASSWORD)
    client.force_login(lonely)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "ask an administrator" in response.content.decode().lower()
    assert client.get(reverse("web:channels")).status_code == 403


def test_channels_page_lists_only_the_organization_channels(
    alice_client: Client, world: World
) -> None:
    response = alice_client.get(reverse("web:channels"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "acme.fr" in html and "Alice Martin" in html and "Bob Durand" in html
    assert "Retail" in html and "Instagram" in html
    assert "other.secret" not in html


def test_channel_detail_and_other_organization_404(alice_client: Client, world: World) -> None:
    ok = alice_client.get(reverse("web:channel", args=[world.acme_channel.pk]))
    assert ok.status_code == 200
    assert "acme.fr" in ok.content.decode()
    missing = alice_client.get(reverse("web:channel", args=[world.other_channel.pk]))
    assert missing.status_code == 404
    assert "This page does not exist" in missing.content.decode()


def test_credentials_are_never_rendered(alice_client: Client, world: World) -> None:
    secret = "sk-very-secret-value"
    channel = make_channel(world.acme, world.alice, world.bob, "acme.creds")
    from socialops.governance.services import set_credentials

    set_credentials(channel, {"access_token": secret}, ACTOR)
    for url in (reverse("web:channels"), reverse("web:channel", args=[channel.pk]),
                reverse("web:home")):
        assert secret not in alice_client.get(url).content.decode()


def test_htmx_filter_returns_the_filtered_partial(alice_client: Client, world: World) -> None:
    archived = make_channel(world.acme, world.alice, world.bob, "acme.old")
    from socialops.governance.services import update_channel

    update_channel(archived, ACTOR, status=ChannelStatus.ARCHIVED)
    response = alice_client.get(
        reverse("web:channels"), {"status": "archived"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="channel-table"' in html
    assert "acme.old" in html and "acme.fr" not in html

    full = alice_client.get(reverse("web:channels"), {"status": "active"}).content.decode()
    assert "<html" in full and "acme.fr" in full and "acme.old" not in full
    assert 'hx-push-url="true"' in full
    assert '<option value="active" selected>' in full


def test_members_page_lists_members_and_roles(alice_client: Client, world: World) -> None:
    response = alice_client.get(reverse("web:members"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "alice@acme.test" in html and "bob@acme.test" in html
    assert "oscar@other.test" not in html
    assert "What the roles mean" in html


def test_navbar_shows_only_existing_modules(alice_client: Client) -> None:
    html = alice_client.get(reverse("web:home")).content.decode()
    for path in ("/channels/", "/members/", reverse("inbox:conversations"),
                 reverse("publishing:posts"), reverse("publishing:calendar")):
        assert f'href="{path}"' in html
    # Publishing and administration pages share drop-downs, so the bar fits a laptop.
    assert 'id="menu-publishing"' in html and 'id="menu-administration"' in html


def test_the_current_page_marks_its_drop_down_active(world: World) -> None:
    from socialops.web.context import menu_for

    publishing = next(e for e in menu_for(world.alice, "calendar")
                      if e.get("key") == "publishing")
    assert publishing["active"]
    assert [c["active"] for c in publishing["children"]].count(True) == 1


def test_channels_page_query_count(
    alice_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    for i in range(10):
        make_channel(world.acme, world.alice, world.bob, f"acme.bulk{i}")
    # session, user, membership, networks, channels, memberships for the switcher
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = alice_client.get(reverse("web:channels"))
    assert response.content.decode().count('data-label="Handle">acme.bulk') == 10


def test_members_page_query_count(
    alice_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    for i in range(10):
        add_member(world.acme, f"extra{i}@acme.test", Role.PUBLISHER, ACTOR)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        response = alice_client.get(reverse("web:members"))
    assert response.content.decode().count("@acme.test") >= 12


def test_home_query_count_does_not_grow_with_channels(
    alice_client: Client, world: World, django_assert_max_num_queries: object
) -> None:
    for i in range(10):
        make_channel(world.acme, world.alice, world.bob, f"acme.bulk{i}")
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        response = alice_client.get(reverse("web:home"))
    assert response.status_code == 200
