"""Readable names of networks, as their connectors declare them."""

from __future__ import annotations

from functools import cache

from socialops.connectors import registry
from socialops.connectors.errors import UnknownNetworkError


@cache
def network_label(network: str) -> str:
    """Return the network's display name (e.g. 'LinkedIn'), or the code when unknown."""
    try:
        return registry.capabilities_for(network).display_name
    # A network whose connector package is still being written has no capabilities
    # module yet; the page must still render.
    except (UnknownNetworkError, ImportError, AttributeError):
        return network.replace("_", " ").title()
