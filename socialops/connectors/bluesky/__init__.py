"""Bluesky: capabilities as data and the AT Protocol connector."""
