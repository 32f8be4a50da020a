"""Each network's metric mapping is declared once, documented, and counts nothing twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from socialops.analytics.mapping_doc import mapping_tables
from socialops.connectors import registry
from socialops.connectors.capabilities import MetricMapping

DOC = Path(__file__).resolve().parents[3] / "docs" / "metrics.md"


def test_the_documentation_shows_the_mapping_in_force() -> None:
    assert mapping_tables() in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("network", registry.networks())
def test_every_network_declares_followers_and_engagement_parts(network: str) -> None:
    metrics = registry.capabilities_for(network).metrics
    assert "followers" in metrics.account
    assert {"reactions", "comments"} <= set(metrics.post)


@pytest.mark.parametrize("network", registry.networks())
def test_no_network_field_feeds_two_post_metrics(network: str) -> None:
    sources = list(registry.capabilities_for(network).metrics.post.values())
    fields = [part.strip() for source in sources for part in source.split("+")]
    assert len(fields) == len(set(fields)), fields


def test_unknown_metric_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown metric names"):
        MetricMapping(post={"likes": "like_count"})
