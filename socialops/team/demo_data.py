"""Seed the demo organization's team data."""

from __future__ import annotations

from socialops.core.models import Member, Organization


def seed_team_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Fill the demo organization with team data (called once, after posts and inbox)."""
