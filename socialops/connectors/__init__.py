"""Connectors: the typed contract between socialops and each social network.

Nothing in this package imports Django, so connectors and the sandbox network run
in any process (web, worker, benchmark, the sandbox server itself).
"""
