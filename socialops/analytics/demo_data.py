"""Seed the demo organization's analytics data."""

from __future__ import annotations

from socialops.core.models import Member, Organization


def seed_analytics_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Fill the demo organization with analytics data (called once, after posts and inbox)."""
