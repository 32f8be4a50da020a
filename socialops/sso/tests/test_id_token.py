"""ID token checks that the reference provider cannot be made to fail: keys and algorithms.

The provider's JWKS document (RFC 7517) is replayed with respx; the tokens are signed here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import respx
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from socialops.connectors.http import HttpClient
from socialops.sso import oidc

ISSUER = "https://login.acme.example"
METADATA = oidc.ProviderMetadata(
    issuer=ISSUER, authorization_endpoint=f"{ISSUER}/authorize",
    token_endpoint=f"{ISSUER}/token", jwks_uri=f"{ISSUER}/jwks",
    userinfo_endpoint=f"{ISSUER}/userinfo", algorithms=("RS256",),
)
PROVIDER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"}, private=True)


@pytest.fixture
def client() -> Iterator[HttpClient]:
    def public(*_args: Any, **_kwargs: Any) -> list[tuple[Any, ...]]:
        # The provider's name resolves to a public address (no DNS in tests).
        return [(2, 1, 6, "", ("93.184.215.14", 443))]

    with respx.mock(assert_all_called=False) as mock, \
            HttpClient(max_retries=0, resolver=public) as http:
        mock.get(f"{ISSUER}/jwks").respond(
            json={"keys": [PROVIDER_KEY.as_dict(private=False)]})
        yield http


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": "socialops", "sub": "u1", "iat": now, "exp": now + 300,
            "nonce": "n-123", "email": "alice@acme.example", "email_verified": True, **changes}


def _verify(client: HttpClient, token: str) -> dict[str, Any]:
    return oidc.verify_id_token(METADATA, client, token, client_id="socialops", nonce="n-123")


def test_token_signed_by_the_provider_key_is_accepted(client: HttpClient) -> None:
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(), PROVIDER_KEY)

    assert _verify(client, token)["email"] == "alice@acme.example"


@pytest.mark.parametrize(("case", "why"), [
    ("other key", "BadSignatureError"), ("shared secret", "'HS256' is not allowed"),
    ("audience", "Invalid claim: 'aud'"), ("expired", "ExpiredTokenError"),
    ("issuer", "Invalid claim: 'iss'"), ("several audiences without azp", "azp"),
])
def test_forged_or_foreign_tokens_are_refused(client: HttpClient, case: str, why: str) -> None:
    rs256 = {"alg": "RS256", "kid": "k1"}
    token = {
        "other key": lambda: jwt.encode(
            rs256, _claims(), RSAKey.generate_key(2048, parameters={"kid": "k1"})),
        "shared secret": lambda: jwt.encode(
            {"alg": "HS256", "kid": "k1"}, _claims(), OctKey.generate_key(256)),
        "audience": lambda: jwt.encode(rs256, _claims(aud="someone-else"), PROVIDER_KEY),
        "expired": lambda: jwt.encode(
            rs256, _claims(exp=int(time.time()) - 3600), PROVIDER_KEY),
        "issuer": lambda: jwt.encode(rs256, _claims(iss="https://evil.example"), PROVIDER_KEY),
        "several audiences without azp": lambda: jwt.encode(
            rs256, _claims(aud=["socialops", "other-app"]), PROVIDER_KEY),
    }[case]()

    with pytest.raises(oidc.SsoError) as refused:
        _verify(client, token)

    assert "could not be verified" in str(refused.value.message)
    assert why in refused.value.detail
