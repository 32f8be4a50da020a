"""Settings of the Celery workers started by `socialops bench publish`.

The production settings, with the dispatcher's timings shortened so that one run
lasts minutes: the lease must still outlast any network call (read timeout 5 s,
sandbox hang 8 s), and the bench process applies the same values to its dispatcher.
"""

from __future__ import annotations

from socialops.settings import *  # noqa: F403 - the bench runs the production settings

# Also read by `socialops.publishing.bench`, which applies them to its own dispatcher.
BENCH_PUBLISH_SETTINGS: dict[str, float] = {
    "SOCIALOPS_PUBLISH_LEASE_SECONDS": 30.0,
    "SOCIALOPS_PUBLISH_READ_TIMEOUT": 5.0,
    "SOCIALOPS_PUBLISH_RETRY_SECONDS": 2.0,
    "SOCIALOPS_PUBLISH_RECONCILE_SECONDS": 2.0,
}
SOCIALOPS_PUBLISH_LEASE_SECONDS = BENCH_PUBLISH_SETTINGS["SOCIALOPS_PUBLISH_LEASE_SECONDS"]
SOCIALOPS_PUBLISH_READ_TIMEOUT = BENCH_PUBLISH_SETTINGS["SOCIALOPS_PUBLISH_READ_TIMEOUT"]
SOCIALOPS_PUBLISH_RETRY_SECONDS = BENCH_PUBLISH_SETTINGS["SOCIALOPS_PUBLISH_RETRY_SECONDS"]
SOCIALOPS_PUBLISH_RECONCILE_SECONDS = BENCH_PUBLISH_SETTINGS[
    "SOCIALOPS_PUBLISH_RECONCILE_SECONDS"]
