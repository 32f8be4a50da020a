"""Map network ids to their capabilities and connector classes, importing them lazily.

Adding a network means adding one entry here and one package; generic code asks the
registry and never tests network names.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from socialops.connectors.errors import ConnectorUnavailableError, UnknownNetworkError

if TYPE_CHECKING:
    from socialops.connectors.base import ChannelAuth, Connector
    from socialops.connectors.capabilities import Capabilities
    from socialops.connectors.http import HttpClient
    from socialops.connectors.oauth import OAuthFlow

SANDBOX = "sandbox"


@dataclass(frozen=True)
class NetworkEntry:
    """Locate one network's capabilities and (when built) its connector class."""

    capabilities: str
    connector: str | None = None
    oauth: str | None = None


def _entry(package: str, connector: str | None = None, oauth: str | None = None) -> NetworkEntry:
    base = f"socialops.connectors.{package}"
    return NetworkEntry(
        capabilities=f"{base}.capabilities:CAPABILITIES",
        connector=f"{base}.{connector}" if connector else None,
        oauth=f"{base}.{oauth}" if oauth else None,
    )


NETWORKS: dict[str, NetworkEntry] = {
    SANDBOX: _entry("sandbox", "connector:SandboxConnector"),
    "bluesky": _entry("bluesky", "connector:BlueskyConnector"),
    "mastodon": _entry("mastodon", "connector:MastodonConnector", "oauth:FLOW"),
    "x": _entry("x", "connector:XConnector", "oauth:FLOW"),
    "facebook": _entry("facebook", "connector:FacebookConnector", "oauth:FLOW"),
    "instagram": _entry("instagram", "connector:InstagramConnector", "oauth:FLOW"),
    "linkedin": _entry("linkedin", "connector:LinkedInConnector", "oauth:FLOW"),
    "tiktok": _entry("tiktok", "connector:TikTokConnector", "oauth:FLOW"),
    "youtube": _entry("youtube", "connector:YouTubeConnector", "oauth:FLOW"),
}


def _import(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def _lookup(network: str) -> NetworkEntry:
    try:
        return NETWORKS[network]
    except KeyError:
        known = ", ".join(sorted(NETWORKS))
        raise UnknownNetworkError(f"Unknown network {network!r} (known: {known})") from None


def networks() -> list[str]:
    """Return the ids of every registered network, sorted."""
    return sorted(NETWORKS)


def capabilities_for(network: str) -> Capabilities:
    """Return the declared capabilities of a network."""
    return cast("Capabilities", _import(_lookup(network).capabilities))


def connector_class(network: str) -> type[Connector]:
    """Return the connector class of a network, or raise if it is not built yet."""
    entry = _lookup(network)
    if entry.connector is None:
        display = capabilities_for(network).display_name
        raise ConnectorUnavailableError(
            f"The {display} connector is not available yet; use the sandbox.",
            code="connector_unavailable",
        )
    return cast("type[Connector]", _import(entry.connector))


def oauth_flow(network: str) -> OAuthFlow | None:
    """Return the network's OAuth flow, or None where it connects otherwise (app password)."""
    entry = _lookup(network)
    return cast("OAuthFlow", _import(entry.oauth)) if entry.oauth else None


def build_connector(
    network: str,
    auth: ChannelAuth,
    http: HttpClient,
    *,
    sandbox_url: str | None = None,
) -> Connector:
    """Build the connector for a channel.

    With `sandbox_url`, return the sandbox connector emulating `network`'s capabilities
    (how the demo runs "Instagram" or "X" channels on the local sandbox).
    """
    capabilities = capabilities_for(network)
    if sandbox_url is not None:
        return connector_class(SANDBOX)(auth, http, base_url=sandbox_url, capabilities=capabilities)
    return connector_class(network)(auth, http)
