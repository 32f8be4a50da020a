"""Speak OpenID Connect to an identity provider: discovery, code flow with PKCE, ID tokens.

Every request goes through socialops' one HTTP client (address guard, timeouts). The ID
token's signature is checked against the provider's published keys (JWKS) with joserfc,
then its issuer, audience, expiry and nonce.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from socialops.connectors.errors import ConnectorError
from socialops.connectors.http import HttpClient

# Asymmetric algorithms only: a provider cannot make us accept a token signed with a
# shared secret (or none at all) by listing it in its metadata.
SAFE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                   "ES256", "ES384", "ES512", "EdDSA", "Ed25519")
CLOCK_LEEWAY_SECONDS = 60
SCOPES = "openid email profile"


class SsoError(Exception):
    """A sign-in that cannot go on; ``message`` is for the person, ``detail`` for the log."""

    def __init__(self, message: Any, detail: str = "") -> None:
        super().__init__(detail or str(message))
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class ProviderMetadata:
    """What discovery says about a provider (the parts socialops uses)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str
    algorithms: tuple[str, ...]


@dataclass(frozen=True)
class PendingLogin:
    """What a sign-in remembers between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    organization_id: int
    started: float


def http_client() -> HttpClient:
    """Return the HTTP client for identity providers (loopback only when allowed)."""
    return HttpClient(
        allow_private=settings.SOCIALOPS_OIDC_ALLOW_PRIVATE,
        connect_timeout=5.0, read_timeout=10.0, max_retries=1,
    )


def _unreachable(exc: Exception) -> SsoError:
    return SsoError(_("The identity provider cannot be reached. Try again in a moment."),
                    detail=f"{type(exc).__name__}: {exc}")


def _get_json(client: HttpClient, url: str, headers: dict[str, str] | None = None) -> Any:
    try:
        response = client.get(url, headers=headers)
        return response.json()
    except (ConnectorError, ValueError) as exc:
        raise _unreachable(exc) from exc


def discovery_url(issuer: str) -> str:
    """Return where a provider publishes its metadata."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def discover(issuer: str, client: HttpClient) -> ProviderMetadata:
    """Fetch and check the provider's metadata; the issuer must be the one configured."""
    document = _get_json(client, discovery_url(issuer))
    if not isinstance(document, dict):
        raise SsoError(_("The identity provider's configuration is not valid."),
                       detail="discovery document is not an object")
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        # A document for another issuer would let that issuer's tokens in.
        raise SsoError(_("The identity provider's configuration is not valid."),
                       detail=f"issuer mismatch: {document.get('issuer')!r} != {issuer!r}")
    try:
        metadata = ProviderMetadata(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
            algorithms=tuple(
                alg for alg in document.get("id_token_signing_alg_values_supported", ["RS256"])
                if alg in SAFE_ALGORITHMS
            ),
        )
    except KeyError as exc:
        raise SsoError(_("The identity provider's configuration is not valid."),
                       detail=f"discovery document lacks {exc}") from exc
    return metadata


def new_pending(organization_id: int, now: float) -> PendingLogin:
    """Draw a fresh state, nonce and PKCE verifier for one sign-in."""
    return PendingLogin(
        state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64), organization_id=organization_id, started=now,
    )


def code_challenge(verifier: str) -> str:
    """Return the PKCE S256 challenge of a verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(metadata: ProviderMetadata, client_id: str, redirect_uri: str,
                      pending: PendingLogin, login_hint: str = "") -> str:
    """Return the provider URL that starts the authorization code flow."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": pending.state,
        "nonce": pending.nonce,
        "code_challenge": code_challenge(pending.verifier),
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return f"{metadata.authorization_endpoint}{separator}{urlencode(params)}"


def exchange_code(metadata: ProviderMetadata, client: HttpClient, *, client_id: str,
                  client_secret: str, code: str, redirect_uri: str,
                  verifier: str) -> dict[str, Any]:
    """Trade the authorization code for tokens (client_secret_basic)."""
    basic = base64.b64encode(
        f"{_form(client_id)}:{_form(client_secret)}".encode()
    ).decode("ascii")
    body = urlencode({"grant_type": "authorization_code", "code": code,
                      "redirect_uri": redirect_uri, "code_verifier": verifier})
    try:
        # A code is single-use: never resend it blindly.
        response = client.post(
            metadata.token_endpoint, content=body.encode(), retry_safe=False,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": f"Basic {basic}", "Accept": "application/json"},
        )
        tokens = response.json()
    except (ConnectorError, ValueError) as exc:
        raise SsoError(_("The identity provider refused the sign-in. Please start again."),
                       detail=f"token endpoint: {exc}") from exc
    if not isinstance(tokens, dict) or not tokens.get("id_token"):
        raise SsoError(_("The identity provider refused the sign-in. Please start again."),
                       detail="token response without id_token")
    return tokens


def _form(value: str) -> str:
    # RFC 6749 2.3.1: the client id and secret are form-encoded before Basic encoding.
    return urlencode({"": value})[1:]


def verify_id_token(metadata: ProviderMetadata, client: HttpClient, id_token: str, *,
                    client_id: str, nonce: str) -> dict[str, Any]:
    """Check the ID token's signature, issuer, audience, expiry and nonce; return its claims."""
    keys = _get_json(client, metadata.jwks_uri)
    refused = SsoError(_("The identity provider's answer could not be verified. "
                         "Please start again."))
    try:
        key_set = KeySet.import_key_set(keys)
        token = jwt.decode(id_token, key_set, algorithms=list(metadata.algorithms))
        registry = jwt.JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata.issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        refused.detail = f"id_token: {type(exc).__name__}: {exc}"
        raise refused from exc
    claims = dict(token.claims)
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        refused.detail = "id_token: several audiences and azp is not this client"
        raise refused
    return claims


def identity_claims(metadata: ProviderMetadata, client: HttpClient, tokens: dict[str, Any],
                    id_claims: dict[str, Any]) -> dict[str, Any]:
    """Return the person's claims: the ID token's, completed from the UserInfo endpoint.

    Providers that follow the specification strictly put the e-mail in UserInfo, not in
    the ID token, when an access token is issued.
    """
    if id_claims.get("email") or not metadata.userinfo_endpoint:
        return id_claims
    access_token = str(tokens.get("access_token", ""))
    if not access_token:
        return id_claims
    info = _get_json(client, metadata.userinfo_endpoint,
                     headers={"Authorization": f"Bearer {access_token}",
                              "Accept": "application/json"})
    if not isinstance(info, dict) or info.get("sub") != id_claims["sub"]:
        # UserInfo about someone else must not be mixed with this ID token.
        raise SsoError(_("The identity provider's answer could not be verified. "
                         "Please start again."), detail="userinfo sub differs from id_token sub")
    return {**info, **id_claims}
