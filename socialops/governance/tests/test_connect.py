"""Connect-a-channel through OAuth, token refresh, and API-version retirement warnings.

The networks are replayed with respx from their documented answers (X, LinkedIn); our
pages, session, vault and audit trail run for real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import respx
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialops.connectors.http import HttpClient
from socialops.connectors.x.tests.payloads import ME
from socialops.core.models import AuditEvent, Member, Organization, Role
from socialops.governance import connect_views, tokens
from socialops.governance.api_versions import retirements
from socialops.governance.models import Channel, ChannelStatus, Credential, OAuthApplication
from socialops.governance.services import credentials_of, set_credentials
from socialops.governance.tasks import refresh_expiring_tokens

pytestmark = pytest.mark.django_db
X_TOKEN = "https://api.x.com/2/oauth2/token"
LI_TOKEN = "https://www.linkedin.com/oauth/v2/accessToken"
TOKENS = {"token_type": "bearer", "expires_in": 7200, "access_token": "bWRjR0V2T",
          "scope": "tweet.read tweet.write users.read offline.access",
          "refresh_token": "Q0hGREtqN"}


def _public_dns(host: str, port: int, **_kwargs: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("104.244.42.1", port))]


def _http() -> HttpClient:
    return HttpClient(resolver=_public_dns, backoff_base=0.0, sleep=lambda _s: None)


@pytest.fixture(autouse=True)
def oauth_apps(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.SOCIALOPS_OAUTH_CLIENTS = {
        "x": {"client_id": "x-client", "client_secret": "x-secret"},
        "linkedin": {"client_id": "li-client", "client_secret": "li-secret"},
    }
    settings.SOCIALOPS_BASE_URL = "https://social.example"
    monkeypatch.setattr(connect_views, "make_http", _http)


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org("Acme")


@pytest.fixture
def admin(org: Organization, make_member: Callable[..., Member]) -> Member:
    return make_member(org, Role.ADMIN)


def _client(member: Member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def _start(client: Client, channel: Channel) -> dict[str, list[str]]:
    response = client.post(reverse("web:channel_connect", args=[channel.pk]))
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)


def test_an_admin_connects_an_x_account_end_to_end(
    org: Organization, admin: Member, make_channel: Callable[..., Channel]
) -> None:
    channel = make_channel(org, "x", handle="pending-x")
    Channel.objects.filter(pk=channel.pk).update(status=ChannelStatus.DISCONNECTED)
    client = _client(admin)
    page = client.get(reverse("web:channel_connect", args=[channel.pk])).content.decode()
    assert "https://social.example/channels/connect/callback/" in page
    query = _start(client, channel)
    assert query["redirect_uri"] == ["https://social.example/channels/connect/callback/"]
    assert query["client_id"] == ["x-client"] and query["code_challenge_method"] == ["S256"]
    with respx.mock(assert_all_called=True) as api:
        token = api.post(X_TOKEN).respond(200, json=TOKENS)
        api.get("https://api.x.com/2/users/me").respond(200, json={"data": ME})
        answer = client.get(reverse("web:connect_callback"),
                            {"state": query["state"][0], "code": "c0de"})
    sent = parse_qs(token.calls.last.request.content.decode())
    assert sent["code"] == ["c0de"] and len(sent["code_verifier"][0]) >= 43
    assert answer["Location"] == reverse("web:channel_connect_pick", args=[channel.pk])
    picker = client.get(answer["Location"]).content.decode()
    assert "Maison Arlette" in picker and "bWRjR0V2T" not in picker
    done = client.post(answer["Location"], {"account": ME["id"]})
    assert done["Location"] == reverse("web:channel", args=[channel.pk])
    channel.refresh_from_db()
    assert (channel.remote_id, channel.handle, channel.status, channel.followers) == (
        ME["id"], "maisonarlette", ChannelStatus.ACTIVE, 5139)
    stored = credentials_of(channel)
    assert (stored["access_token"], stored["refresh_token"]) == ("bWRjR0V2T", "Q0hGREtqN")
    credential = Credential.objects.get(channel=channel)
    assert credential.expires_at is not None
    assert timedelta(hours=1) < credential.expires_at - timezone.now() <= timedelta(hours=2)
    event = AuditEvent.objects.get(action="channel.connected")
    assert "bWRjR0V2T" not in str(event.after) and event.after["account"] == "maisonarlette"
    # The state is single-use: replaying the answer changes nothing.
    replay = client.get(reverse("web:connect_callback"),
                        {"state": query["state"][0], "code": "c0de"})
    assert replay["Location"] == reverse("web:channels")


def test_a_forged_state_or_a_refusal_stores_nothing(
    org: Organization, admin: Member, make_channel: Callable[..., Channel]
) -> None:
    channel = make_channel(org, "x")
    client = _client(admin)
    query = _start(client, channel)
    with respx.mock(assert_all_called=False) as api:
        token = api.post(X_TOKEN).respond(200, json=TOKENS)
        forged = client.get(reverse("web:connect_callback"), {"state": "forged", "code": "c"})
        assert not token.called
    assert forged["Location"] == reverse("web:channels")
    query = _start(client, channel)
    refused = client.get(reverse("web:connect_callback"), {
        "state": query["state"][0], "error": "access_denied",
        "error_description": "<b>User cancelled</b>"}, follow=True).content.decode()
    assert "&lt;b&gt;User cancelled&lt;/b&gt;" in refused
    assert not Credential.objects.filter(channel=channel).exists()


def test_the_linkedin_picker_lists_pages_and_keeps_a_channel_on_its_account(
    org: Organization, admin: Member, make_channel: Callable[..., Channel]
) -> None:
    channel = make_channel(org, "linkedin", handle="acme", remote_id="urn:li:organization:1")
    client = _client(admin)
    query = _start(client, channel)
    assert "code_challenge" not in query
    with respx.mock(base_url="https://api.linkedin.com") as api:
        api.post(LI_TOKEN).respond(200, json={"access_token": "AQV-1", "expires_in": 5184000})
        api.get("/rest/organizationAcls").respond(200, json={"elements": [
            {"organization": "urn:li:organization:1", "role": "ADMINISTRATOR"},
            {"organization": "urn:li:organization:2", "role": "ADMINISTRATOR"}]})
        for number, name in ((1, "Acme"), (2, "Acme Careers")):
            api.get(f"/rest/organizations/{number}").respond(200, json={
                "id": number, "localizedName": name, "vanityName": name.lower().replace(" ", "-")})
            api.get(f"/rest/networkSizes/urn%3Ali%3Aorganization%3A{number}").respond(
                200, json={"firstDegreeSize": 100 * number})
        answer = client.get(reverse("web:connect_callback"),
                            {"state": query["state"][0], "code": "c"})
    picker = client.get(answer["Location"]).content.decode()
    assert "Acme Careers" in picker and "acme-careers" in picker
    wrong = client.post(answer["Location"], {"account": "urn:li:organization:2"})
    assert "reconnect it with that account" in wrong.content.decode()
    assert not Credential.objects.filter(channel=channel).exists()
    client.post(answer["Location"], {"account": "urn:li:organization:1"})
    assert credentials_of(channel) == {
        "access_token": "AQV-1", "organization": "urn:li:organization:1",
        "expires_at": credentials_of(channel)["expires_at"]}


def test_a_member_without_credential_rights_cannot_connect(
    org: Organization, make_member: Callable[..., Member], make_channel: Callable[..., Channel],
    make_org: Callable[..., Organization],
) -> None:
    channel = make_channel(org, "x")
    publisher = _client(make_member(org, Role.PUBLISHER))
    assert publisher.post(reverse("web:channel_connect", args=[channel.pk])).status_code == 403
    stranger = _client(make_member(make_org("Other"), Role.OWNER))
    assert stranger.get(reverse("web:channel_connect", args=[channel.pk])).status_code == 404


def test_a_sandbox_channel_or_an_unregistered_network_explains_why(
    org: Organization, admin: Member, make_channel: Callable[..., Channel], settings: Any
) -> None:
    client = _client(admin)
    sandbox = make_channel(org, "x", transport="sandbox")
    page = client.get(reverse("web:channel_connect", args=[sandbox.pk])).content.decode()
    assert "sandbox network" in page and 'id="connect-start"' not in page
    settings.SOCIALOPS_OAUTH_CLIENTS = {}
    channel = make_channel(org, "x")
    page = client.get(reverse("web:channel_connect", args=[channel.pk])).content.decode()
    assert "SOCIALOPS_OAUTH_X_CLIENT_ID" in page
    assert client.post(reverse("web:channel_connect", args=[channel.pk])).status_code == 200


@pytest.fixture
def expiring(org: Organization, make_channel: Callable[..., Channel], actor: Any) -> Channel:
    channel = make_channel(org, "x", remote_id=ME["id"], handle="maisonarlette")
    soon = (timezone.now() + timedelta(minutes=20)).isoformat()
    set_credentials(channel, {"access_token": "old", "refresh_token": "r1",
                              "expires_at": soon}, actor)
    # Issued 100 minutes ago: an X token (2 hours) past half its life is due.
    issued = timezone.now() - timedelta(minutes=100)
    Credential.objects.filter(channel=channel).update(set_at=issued, rotated_at=issued)
    return channel


@pytest.fixture
def x_api() -> Iterator[respx.MockRouter]:
    with respx.mock() as api:
        yield api


def test_the_refresh_job_renews_a_token_before_it_expires(
    expiring: Channel, x_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = x_api.post(X_TOKEN).respond(200, json={**TOKENS, "access_token": "new",
                                                    "refresh_token": "r2"})
    monkeypatch.setattr(tokens, "HttpClient", _http)
    assert tokens.due_channels() == [expiring.pk]
    assert tokens.refresh_channel(expiring.pk).outcome == tokens.REFRESHED
    assert parse_qs(route.calls.last.request.content.decode())["refresh_token"] == ["r1"]
    stored = credentials_of(expiring)
    assert (stored["access_token"], stored["refresh_token"]) == ("new", "r2")
    credential = Credential.objects.get(channel=expiring)
    assert credential.refreshed_at is not None and credential.expires_at is not None
    assert credential.expires_at > timezone.now() + timedelta(hours=1, minutes=30)
    assert AuditEvent.objects.filter(action="channel.credentials_refreshed").count() == 1
    # Fresh now: a second run (another worker) leaves it alone and spends nothing.
    assert tokens.refresh_channel(expiring.pk).outcome == tokens.NOT_DUE
    assert route.call_count == 1 and tokens.due_channels() == []


def test_a_refused_refresh_asks_the_owner_and_backup_to_reconnect(
    expiring: Channel, x_api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any, settings: Any,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    x_api.post(X_TOKEN).respond(400, json={"error": "invalid_request",
                                           "error_description": "Value passed for the token "
                                           "was invalid."})
    monkeypatch.setattr(tokens, "HttpClient", _http)
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_expiring_tokens() == 1
    expiring.refresh_from_db()
    assert expiring.status == ChannelStatus.NEEDS_REAUTH
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [expiring.owner.user.email, expiring.backup_owner.user.email])
    assert reverse("web:channel_connect", args=[expiring.pk]) in mail.outbox[0].body
    assert credentials_of(expiring)["access_token"] == "old"


def test_an_expired_token_without_refresh_needs_reconnecting(
    org: Organization, make_channel: Callable[..., Channel], actor: Any
) -> None:
    channel = make_channel(org, "linkedin", remote_id="urn:li:organization:1")
    past = (timezone.now() - timedelta(minutes=5)).isoformat()
    set_credentials(channel, {"access_token": "AQV", "expires_at": past}, actor)
    assert tokens.refresh_channel(channel.pk).outcome == tokens.RECONNECT
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.NEEDS_REAUTH


def test_administrators_are_warned_before_an_api_version_retires(
    org: Organization, admin: Member, make_channel: Callable[..., Channel], settings: Any
) -> None:
    assert retirements(["linkedin"], today=date(2027, 3, 1)) == []
    soon = retirements(["linkedin", "x"], today=date(2027, 4, 12))
    assert [(r.network, r.version, r.days_left) for r in soon] == [("linkedin", "202605", 49)]
    assert "in 49 days" in str(soon[0])
    assert "retired" in str(retirements(["linkedin"], today=date(2027, 6, 2))[0])
    channel = make_channel(org, "linkedin")
    client = _client(admin)
    settings.SOCIALOPS_API_RETIREMENT_WARNING_DAYS = 5000
    assert "retires API version 202605" in client.get(reverse("web:channels")).content.decode()
    detail = client.get(reverse("web:channel", args=[channel.pk])).content.decode()
    assert 'id="api-retirement"' in detail
    make_channel(org, "instagram", transport="sandbox")
    channel.delete()
    assert "retires API" not in client.get(reverse("web:channels")).content.decode()


def test_a_mastodon_account_is_connected_after_registering_on_its_instance(
    org: Organization, admin: Member, make_channel: Callable[..., Channel]
) -> None:
    from socialops.connectors.mastodon.tests import payloads as masto

    channel = make_channel(org, "mastodon", handle="arlette@mastodon.example")
    client = _client(admin)
    assert 'id="connect-server"' in client.get(
        reverse("web:channel_connect", args=[channel.pk])).content.decode()
    with respx.mock(base_url="https://mastodon.example", assert_all_called=True) as api:
        apps = api.post("/api/v1/apps").respond(200, json={
            "id": "563419", "name": "socialops", "website": None,
            "redirect_uri": "https://social.example/channels/connect/callback/",
            "client_id": "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM",
            "client_secret": "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw"})
        started = client.post(reverse("web:channel_connect", args=[channel.pk]),
                              {"server": "mastodon.example"})
        query = parse_qs(urlsplit(started["Location"]).query)
        assert started["Location"].startswith("https://mastodon.example/oauth/authorize?")
        assert query["client_id"] == ["TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM"]
        token = api.post("/oauth/token").respond(200, json={
            "access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0", "token_type": "Bearer",
            "scope": "read write", "created_at": 1573979017})
        api.get("/api/v1/accounts/verify_credentials").respond(200, json=masto.account())
        answer = client.get(reverse("web:connect_callback"),
                            {"state": query["state"][0], "code": "c0de"})
        client.post(answer["Location"], {"account": masto.account()["id"]})
        # A second account on the same instance reuses the registration.
        other = make_channel(org, "mastodon", handle="other@mastodon.example")
        client.post(reverse("web:channel_connect", args=[other.pk]),
                    {"server": "https://mastodon.example/"})
    assert apps.call_count == 1
    sent = parse_qs(token.calls.last.request.content.decode())
    assert sent["client_secret"] == ["ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw"]
    assert credentials_of(channel) == {
        "access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0",
        "instance": "https://mastodon.example"}
    channel.refresh_from_db()
    assert channel.remote_id == str(masto.account()["id"])
    stored = OAuthApplication.objects.get()
    assert "ZEaFUFmF0umgBX1qKJDjaU99" not in stored.ciphertext


def test_a_private_instance_address_is_refused(
    org: Organization, admin: Member, make_channel: Callable[..., Channel]
) -> None:
    channel = make_channel(org, "mastodon", handle="a@intranet")
    page = _client(admin).post(reverse("web:channel_connect", args=[channel.pk]),
                               {"server": "http://127.0.0.1:3000"}, follow=True)
    assert "refused to register socialops" in page.content.decode()
    assert not OAuthApplication.objects.exists()
