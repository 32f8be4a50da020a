"""Sandbox: a local social network (HTTP server, audience simulator) and its connector."""
