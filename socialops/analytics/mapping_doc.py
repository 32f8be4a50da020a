"""Render each network's metric mapping (connector capability data) as Markdown tables.

docs/metrics.md embeds the output; a test fails when the two disagree.
"""

from __future__ import annotations

from socialops.connectors import registry
from socialops.connectors.capabilities import ACCOUNT_METRICS, POST_METRICS


def mapping_tables() -> str:
    """Return the per-day and per-post mapping tables, one column per network."""
    networks = [n for n in registry.networks() if n != registry.SANDBOX] + [registry.SANDBOX]
    lines: list[str] = []
    for kind, names, title in (("account", ACCOUNT_METRICS, "Channel per day"),
                               ("post", POST_METRICS, "Per post")):
        headers = [registry.capabilities_for(n).display_name for n in networks]
        lines += [f"#### {title}", "", "| our metric | " + " | ".join(headers) + " |",
                  "|---|" + "---|" * len(networks)]
        for metric in names:
            cells = []
            for network in networks:
                source = getattr(registry.capabilities_for(network).metrics, kind).get(metric)
                cells.append(f"`{source}`" if source else "—")
            lines.append(f"| {metric} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
