"""socialops' OAuth clients on servers it registers itself on (Mastodon instances)."""

from __future__ import annotations

from django.db import transaction

from socialops.connectors.http import HttpClient
from socialops.connectors.oauth import ClientRegistration, OAuthClient, server_url
from socialops.core import audit
from socialops.core.actors import Actor
from socialops.core.models import Organization
from socialops.governance import vault
from socialops.governance.models import OAuthApplication


def client_on(flow: ClientRegistration, network: str, server: str, redirect_uri: str,
              http: HttpClient) -> OAuthClient:
    """Return socialops' client on `server`, registering it there the first time."""
    server = server_url(server)
    known = OAuthApplication.objects.filter(network=network, server=server,
                                            redirect_uri=redirect_uri).first()
    if known is not None:
        return _client(known)
    client = flow.register(http, server, redirect_uri)
    stored, _created = OAuthApplication.objects.get_or_create(
        network=network, server=client.extra.get("instance", server), redirect_uri=redirect_uri,
        defaults={"client_id": client.client_id,
                  "ciphertext": vault.encrypt({"client_secret": client.client_secret})})
    return _client(stored)


def stored_client(network: str, server: str, redirect_uri: str) -> OAuthClient | None:
    """Return the client registered earlier on `server`, if any."""
    server = server_url(server)
    known = OAuthApplication.objects.filter(network=network, server=server,
                                            redirect_uri=redirect_uri).first()
    return _client(known) if known is not None else None


def _client(app: OAuthApplication) -> OAuthClient:
    return OAuthClient(app.client_id, vault.decrypt(app.ciphertext)["client_secret"],
                       {"instance": app.server})


def ciphertexts() -> list[str]:
    """Return every stored client secret's ciphertext (for key rotation)."""
    return list(OAuthApplication.objects.values_list("ciphertext", flat=True))


def reencrypt(actor: Actor) -> int:
    """Re-encrypt every stored client secret with the newest key."""
    with transaction.atomic():
        apps = list(OAuthApplication.objects.select_for_update())
        for app in apps:
            app.ciphertext = vault.rotate(app.ciphertext)
            app.save(update_fields=["ciphertext"])
    if apps:
        # Not an organization's secret: recorded on each organization that uses one would
        # be noise; the key rotation's own events say when it ran.
        first = Organization.objects.order_by("pk").first()
        if first is not None:
            audit.record(first, actor, "oauth_applications.reencrypt", first,
                         after={"count": len(apps)})
    return len(apps)
