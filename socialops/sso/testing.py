"""Start the reference OpenID Connect provider (panva's oidc-provider) for tests.

`./run test` installs Node 22 and oidc-provider into a cache directory and exports
SOCIALOPS_NODE22 and SOCIALOPS_OIDC_PROVIDER_DIR; this module starts the provider from
`oidc_provider.mjs` on a free loopback port with the clients and accounts given, and
drives its development login and consent forms the way a person would.
"""

from __future__ import annotations

import collections
import json
import os
import re
import secrets
import subprocess
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from socialops.core.local_servers import NotReadyError, free_port, start_ready

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
READY_TIMEOUT = 30.0
_FORM = re.compile(r"<form[^>]*action=\"([^\"]+)\"[^>]*>(.*?)</form>", re.S)
_HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"")


class ProviderUnavailableError(RuntimeError):
    """The provider cannot be started here (not installed, or it failed)."""


@dataclass
class OidcProvider:
    """A running provider: its issuer URL and process."""

    issuer: str
    process: subprocess.Popen[str]
    output: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))

    def stop(self) -> None:
        """Stop the provider process."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def installed() -> tuple[Path, Path] | None:
    """Return (node binary, oidc-provider directory) when both are installed, else None."""
    node = os.environ.get("SOCIALOPS_NODE22", "")
    directory = os.environ.get("SOCIALOPS_OIDC_PROVIDER_DIR", "")
    if not node or not directory:
        return None
    node_path, dir_path = Path(node), Path(directory)
    if not node_path.is_file() or not (dir_path / "node_modules" / "oidc-provider").is_dir():
        return None
    return node_path, dir_path



def start_provider(clients: list[dict[str, Any]],
                   accounts: dict[str, dict[str, Any]]) -> OidcProvider:
    """Start the provider; raise ProviderUnavailableError with its output if it fails."""
    found = installed()
    if found is None:
        raise ProviderUnavailableError(
            "Node 22 and oidc-provider are not installed: run ./run test, which installs them "
            "and sets SOCIALOPS_NODE22 and SOCIALOPS_OIDC_PROVIDER_DIR")
    node, directory = found
    env = {
        **os.environ,
        "SOCIALOPS_OIDC_PROVIDER_DIR": str(directory),
        "SOCIALOPS_OIDC_PORT": str(free_port()),
        "SOCIALOPS_OIDC_CLIENTS": json.dumps(clients),
        "SOCIALOPS_OIDC_ACCOUNTS": json.dumps(accounts),
        "SOCIALOPS_OIDC_COOKIE_KEY": secrets.token_urlsafe(24),
    }
    try:
        server = start_ready([str(node), str(PROVIDER_SCRIPT)], env=env, cwd=directory,
                             timeout=READY_TIMEOUT)
    except NotReadyError as exc:
        raise ProviderUnavailableError(f"provider did not start:\n{exc}") from exc
    return OidcProvider(issuer=server.ready["issuer"], process=server.process,
                        output=server.output)


def _submit(browser: httpx.Client, page: httpx.Response, fields: dict[str, str],
            ) -> httpx.Response:
    match = _FORM.search(page.text)
    if match is None:
        raise AssertionError(f"no form on the provider's page:\n{page.text[:2000]}")
    action, body = unescape(match.group(1)), match.group(2)
    data = {name: unescape(value) for name, value in _HIDDEN.findall(body)}
    data.update(fields)
    return browser.post(str(page.url.join(action)), data=data)


def sign_in_at_provider(authorization_url: str, login: str) -> str:
    """Log in as ``login`` on the provider's forms, consent, return the callback URL reached.

    Follows the provider's own redirects and stops at the first URL outside the provider
    (socialops' callback), which it does not open.
    """
    issuer_origin = httpx.URL(authorization_url).copy_with(path="/", query=None)
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        response = browser.get(authorization_url)
        for _step in range(12):
            if response.is_redirect:
                target = response.url.join(response.headers["Location"])
                if (target.host, target.port) != (issuer_origin.host, issuer_origin.port):
                    return str(target)
                response = browser.get(target)
            elif 'name="login"' in response.text:
                response = _submit(browser, response, {"login": login, "password": "any"})
            elif "consent" in response.text.lower() or "authorize" in response.text.lower():
                response = _submit(browser, response, {})
            else:
                raise AssertionError(f"unexpected provider page:\n{response.text[:2000]}")
    raise AssertionError("the provider never sent the browser back")
