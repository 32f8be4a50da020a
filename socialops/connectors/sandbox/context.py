"""Bundle the state every sandbox handler needs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from socialops.connectors.sandbox.state import Clock, Faults, RateLimiter
from socialops.connectors.sandbox.store import Store

if TYPE_CHECKING:
    from socialops.connectors.sandbox.simulator import AudienceSimulator


@dataclass
class SandboxContext:
    """Hold the store, clock, faults, rate limiter and simulator of one server."""

    store: Store
    admin_key: str
    clock: Clock = field(default_factory=Clock)
    faults: Faults = field(default_factory=Faults)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    simulator: AudienceSimulator | None = None
    # Set on shutdown so handlers that hang on purpose (fault injection) return at once.
    shutdown: threading.Event = field(default_factory=threading.Event)
