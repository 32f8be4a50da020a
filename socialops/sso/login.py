"""Run one single sign-on: leave for the provider, come back, sign the member in.

The state, nonce and PKCE verifier stay in the person's session (never in a URL), keyed
by state, for a few minutes: a callback whose state this session did not start is refused.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from socialops.core.access import SESSION_ORG_KEY
from socialops.core.actors import normalise_ip
from socialops.core.models import Member
from socialops.core.sessions import SSO_ORGANIZATION_KEY, stamp_session
from socialops.sso import oidc, services
from socialops.sso.models import SsoConfiguration

logger = logging.getLogger(__name__)

SESSION_PENDING_KEY = "socialops_sso_pending"
PENDING_SECONDS = 600
MAX_PENDING = 5
BACKEND = "socialops.core.backends.SessionFenceBackend"


def redirect_uri(request: HttpRequest) -> str:
    """Return the one callback address to register at every provider."""
    path = reverse("sso:callback")
    if settings.SOCIALOPS_BASE_URL:
        return settings.SOCIALOPS_BASE_URL + path
    return request.build_absolute_uri(path)


def begin(request: HttpRequest, config: SsoConfiguration, login_hint: str = "") -> str:
    """Remember a new sign-in in the session and return the provider URL to open."""
    with oidc.http_client() as client:
        metadata = oidc.discover(config.issuer, client)
    now = time.time()
    pending = oidc.new_pending(config.organization_id, now)
    kept = {
        state: entry for state, entry in request.session.get(SESSION_PENDING_KEY, {}).items()
        if now - float(entry["started"]) < PENDING_SECONDS
    }
    # A person opening many tabs keeps the newest few.
    newest = sorted(kept.items(), key=lambda item: float(item[1]["started"]))[-(MAX_PENDING - 1):]
    request.session[SESSION_PENDING_KEY] = {**dict(newest), pending.state: asdict(pending)}
    return oidc.authorization_url(metadata, config.client_id, redirect_uri(request), pending,
                                  login_hint)


def _take_pending(request: HttpRequest, state: str) -> oidc.PendingLogin:
    entries = dict(request.session.get(SESSION_PENDING_KEY, {}))
    entry = entries.pop(state, None) if state else None
    request.session[SESSION_PENDING_KEY] = entries
    if entry is None or time.time() - float(entry["started"]) >= PENDING_SECONDS:
        raise oidc.SsoError(_("This sign-in link has expired or was started in another "
                              "browser. Please start again."), detail="unknown or old state")
    return oidc.PendingLogin(**entry)


def finish(request: HttpRequest) -> Member:
    """Check the provider's answer, admit the person and sign this session in."""
    params = request.GET
    pending = _take_pending(request, params.get("state", ""))
    if params.get("error"):
        raise oidc.SsoError(_("The identity provider did not sign you in (%(error)s).")
                            % {"error": params.get("error", "")[:80]},
                            detail=f"provider error {params.get('error')!r}")
    config = (SsoConfiguration.objects.select_related("organization")
              .filter(organization_id=pending.organization_id, enabled=True).first())
    code = params.get("code", "")
    if config is None or not code:
        raise oidc.SsoError(_("Single sign-on is not available. Please start again."),
                            detail="configuration gone or no code")
    with oidc.http_client() as client:
        metadata = oidc.discover(config.issuer, client)
        if params.get("iss") and params["iss"] != metadata.issuer:
            # RFC 9207: an answer from another provider (mix-up attack).
            raise oidc.SsoError(_("The identity provider's answer could not be verified. "
                                  "Please start again."), detail="iss parameter mismatch")
        tokens = oidc.exchange_code(
            metadata, client, client_id=config.client_id,
            client_secret=services.client_secret(config), code=code,
            redirect_uri=redirect_uri(request), verifier=pending.verifier,
        )
        id_claims = oidc.verify_id_token(metadata, client, str(tokens["id_token"]),
                                         client_id=config.client_id, nonce=pending.nonce)
        claims = oidc.identity_claims(metadata, client, tokens, id_claims)
    member = services.admit(config, claims, normalise_ip(request.META.get("REMOTE_ADDR")))
    login(request, member.user, backend=BACKEND)
    stamp_session(request)
    request.session[SESSION_ORG_KEY] = member.organization_id
    request.session[SSO_ORGANIZATION_KEY] = member.organization_id
    return member
