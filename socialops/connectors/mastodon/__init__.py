"""Mastodon: capabilities as data and the connector (the REST API through HttpClient)."""
