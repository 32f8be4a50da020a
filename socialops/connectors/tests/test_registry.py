"""Test the network registry and that every network declares usable capabilities."""

from __future__ import annotations

import pytest

from socialops.connectors import registry
from socialops.connectors.base import ChannelAuth, Connector
from socialops.connectors.capabilities import PLACEMENT_NAMES, Feature
from socialops.connectors.errors import ConnectorUnavailableError, UnknownNetworkError
from socialops.connectors.http import HttpClient
from socialops.connectors.registry import (
    build_connector,
    capabilities_for,
    connector_class,
    networks,
)
from socialops.connectors.sandbox.connector import SandboxConnector

DESIGN_NETWORKS = {
    "sandbox",
    "bluesky",
    "mastodon",
    "x",
    "facebook",
    "instagram",
    "linkedin",
    "tiktok",
    "youtube",
}
AUTH = ChannelAuth("u1", "acme", {"token": "t"})


def test_every_design_network_is_registered() -> None:
    assert set(networks()) == DESIGN_NETWORKS


@pytest.mark.parametrize("network", sorted(DESIGN_NETWORKS))
def test_each_network_declares_sound_capabilities(network: str) -> None:
    caps = capabilities_for(network)
    assert caps.network == network
    assert caps.placements, "at least one placement"
    assert Feature.PUBLISH in caps.features
    for name, spec in caps.placements.items():
        assert name in PLACEMENT_NAMES
        assert spec.max_text_length >= 0
        if spec.media is not None:
            low, high = spec.media.aspect_ratio
            assert 0 < low <= high
            assert spec.media.max_count >= max(1, spec.media.min_count)
            assert spec.media.formats
    for limit in caps.rate_limits:
        assert limit.limit > 0 and limit.window_seconds > 0


def test_documented_limits() -> None:
    x = capabilities_for("x").placement("feed")
    assert (x.max_text_length, x.text_counting) == (280, "x_weighted")
    bluesky = capabilities_for("bluesky").placement("feed")
    assert (bluesky.max_text_length, bluesky.text_counting) == (300, "graphemes")
    assert capabilities_for("mastodon").placement("feed").max_text_length == 500
    ig = capabilities_for("instagram")
    feed = ig.placement("feed")
    assert (feed.max_text_length, feed.max_hashtags, feed.max_mentions) == (2200, 30, 20)
    assert feed.media is not None and feed.media.max_count == 10
    assert feed.media.preferred_size == (1080, 1350)
    assert feed.media.aspect_ratio == pytest.approx((0.8, 1.91))
    reel = ig.placement("reel").media
    assert reel is not None and reel.preferred_size == (1080, 1920)
    assert capabilities_for("facebook").placement("feed").max_text_length == 63_206
    linkedin = capabilities_for("linkedin").placement("feed")
    assert linkedin.max_text_length == 3000
    assert linkedin.media is not None and linkedin.media.preferred_size == (1200, 627)
    youtube = capabilities_for("youtube").placement("feed")
    assert (youtube.max_title_length, youtube.max_text_length) == (100, 5000)
    assert youtube.thumbnail is not None and youtube.thumbnail.preferred_size == (1280, 720)
    assert capabilities_for("tiktok").placement("short").max_text_length == 2200
    x_limits = {r.name: (r.limit, r.window_seconds) for r in capabilities_for("x").rate_limits}
    assert x_limits["post_create_15min"] == (200, 900)


def test_unbuilt_connectors_point_to_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every design network has its connector now: register one with capabilities only.
    monkeypatch.setitem(registry.NETWORKS, "youtube", registry._entry("youtube"))
    with pytest.raises(ConnectorUnavailableError, match="use the sandbox"):
        connector_class("youtube")
    with pytest.raises(ConnectorUnavailableError):
        build_connector("youtube", AUTH, HttpClient())


def test_unknown_network_is_a_connector_error() -> None:
    with pytest.raises(UnknownNetworkError, match="myspace"):
        capabilities_for("myspace")


def test_sandbox_url_builds_a_sandbox_connector_emulating_the_network() -> None:
    with HttpClient(allow_private=True) as http:
        connector = build_connector("instagram", AUTH, http, sandbox_url="http://127.0.0.1:1")
        assert isinstance(connector, SandboxConnector)
        assert isinstance(connector, Connector)
        assert connector.capabilities is capabilities_for("instagram")
        own = build_connector("sandbox", AUTH, http)
        assert own.capabilities.network == "sandbox"
        assert "t'" not in repr(connector)
