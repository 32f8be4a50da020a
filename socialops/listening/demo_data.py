"""Seed the demo organization's listening data."""

from __future__ import annotations

from socialops.core.models import Member, Organization


def seed_listening_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Fill the demo organization with listening data (called once, after posts and inbox)."""
