"""Seed the demo organization's crisis data."""

from __future__ import annotations

from socialops.core.models import Member, Organization


def seed_crisis_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Fill the demo organization with crisis data (called once, after posts and inbox)."""
