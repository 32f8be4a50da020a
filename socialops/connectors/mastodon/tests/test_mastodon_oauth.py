"""Connecting a Mastodon account: app registration and the code flow, against mastodon-mock."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from socialops.connectors.base import ChannelAuth
from socialops.connectors.http import HttpClient
from socialops.connectors.mastodon.connector import MastodonConnector
from socialops.connectors.mastodon.oauth import (
    authorize_url,
    exchange_code,
    new_pkce,
    register_app,
)
from socialops.connectors.mastodon.testing import MockAccount, MockInstance

REDIRECT = "https://socialops.example/channels/connect/mastodon/callback"


def test_register_authorize_and_exchange(instance: MockInstance, http: HttpClient,
                                         account: Callable[[str], MockAccount]) -> None:
    brand = account("brand")
    app = register_app(http, instance.url, REDIRECT)
    assert app.client_secret not in repr(app)
    pkce = new_pkce()
    url = urlsplit(authorize_url(app, REDIRECT, "st4te", pkce))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{instance.url}/oauth/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == [app.client_id] and query["state"] == ["st4te"]
    assert query["code_challenge_method"] == ["S256"] and query["scope"] == ["read write"]
    assert pkce.verifier not in url.query
    # mastodon-mock's approval page hands back a code naming the approving account.
    credentials = exchange_code(http, app, REDIRECT, f"mockcode_{brand.username}", pkce)
    assert credentials["instance"] == instance.url
    auth = ChannelAuth("", brand.username, credentials)
    assert MastodonConnector(auth, http).verify().remote_id == brand.id


def test_pkce_challenge_is_the_s256_of_the_verifier() -> None:
    import base64
    import hashlib

    pair = new_pkce()
    digest = hashlib.sha256(pair.verifier.encode()).digest()
    assert pair.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(pair.verifier) <= 128 and new_pkce().verifier != pair.verifier
