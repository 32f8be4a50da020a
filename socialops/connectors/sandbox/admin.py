"""Serve the sandbox admin API (X-Sandbox-Admin header): accounts, faults, clock, simulator."""

from __future__ import annotations

import hmac
from typing import Any

from socialops.connectors.errors import UnknownNetworkError
from socialops.connectors.registry import capabilities_for
from socialops.connectors.sandbox.context import SandboxContext
from socialops.connectors.sandbox.payloads import account_json
from socialops.connectors.sandbox.state import to_iso
from socialops.connectors.sandbox.webapp import Handler, HttpError, Request, Response, Router


def _number(body: dict[str, Any], name: str, default: float | None = None) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HttpError(400, f"{name} must be a number", code="bad_field")
    return float(value)


class AdminApi:
    """Handle /admin/* requests and the unauthenticated /health probe."""

    def __init__(self, ctx: SandboxContext):
        self.ctx = ctx
        self.store = ctx.store

    def register(self, router: Router) -> None:
        """Add the admin routes and their key check to `router`."""
        router.wrap("/admin/", self.guard)
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/health", self.health),
            ("POST", "/admin/accounts", self.create_account),
            ("GET", "/admin/accounts", self.list_accounts),
            ("GET", "/admin/faults", self.get_faults),
            ("POST", "/admin/faults", self.set_faults),
            ("DELETE", "/admin/faults", self.clear_faults),
            ("POST", "/admin/crisis", self.crisis),
            ("GET", "/admin/stats", self.stats),
            ("GET", "/admin/simulator", self.simulator_status),
            ("POST", "/admin/simulator", self.simulator),
            ("GET", "/admin/clock", self.get_clock),
            ("POST", "/admin/clock", self.advance_clock),
        ]
        for method, pattern, handler in routes:
            router.add(method, pattern, handler)

    def guard(self, request: Request, handler: Handler, params: dict[str, str]) -> Response:
        """Refuse requests without the right admin key."""
        given = request.header("x-sandbox-admin") or ""
        if not hmac.compare_digest(given.encode(), self.ctx.admin_key.encode()):
            raise HttpError(403, "Wrong or missing X-Sandbox-Admin key", code="forbidden")
        return handler(request, params)

    def health(self, request: Request, params: dict[str, str]) -> Response:
        """Answer ok (no auth), for readiness probes."""
        return Response({"status": "ok"})

    def create_account(self, request: Request, params: dict[str, str]) -> Response:
        """Create a brand account, or return the existing one with that handle."""
        body = request.json()
        handle = str(body.get("handle") or "").lstrip("@").strip()
        if not handle or any(c.isspace() or c == "@" for c in handle):
            raise HttpError(400, "handle is required (no spaces or @)", code="bad_field")
        network = str(body.get("network") or "sandbox")
        try:
            capabilities_for(network)
        except UnknownNetworkError as exc:
            raise HttpError(400, str(exc), code="bad_network") from None
        languages = body.get("languages") or {"fr": 0.5, "en": 0.5}
        if not isinstance(languages, dict) or not all(
            isinstance(v, int | float) for v in languages.values()
        ):
            raise HttpError(400, "languages must map codes to shares", code="bad_field")
        row, created = self.store.create_account(
            handle=handle,
            network=network,
            display_name=str(body.get("display_name") or handle),
            followers=int(_number(body, "followers", 1000)),
            created_at=self.ctx.clock.now(),
            languages={str(k): float(v) for k, v in languages.items()},
        )
        return Response({**account_json(row), "token": row["token"]}, 201 if created else 200)

    def list_accounts(self, request: Request, params: dict[str, str]) -> Response:
        """List the brand accounts with their tokens."""
        rows = self.store.managed_accounts()
        return Response({"accounts": [{**account_json(r), "token": r["token"]} for r in rows]})

    def get_faults(self, request: Request, params: dict[str, str]) -> Response:
        """Return the current fault settings."""
        return Response(self.ctx.faults.snapshot())

    def set_faults(self, request: Request, params: dict[str, str]) -> Response:
        """Change some fault settings (keys absent from the body keep their value)."""
        try:
            settings = self.ctx.faults.update(request.json())
        except KeyError as exc:
            raise HttpError(400, f"Unknown fault {exc.args[0]!r}", code="bad_field") from None
        except TypeError as exc:
            raise HttpError(400, str(exc), code="bad_field") from None
        self.ctx.limiter.reset()
        return Response(settings)

    def clear_faults(self, request: Request, params: dict[str, str]) -> Response:
        """Clear every fault and refill the rate-limit buckets."""
        self.ctx.limiter.reset()
        return Response(self.ctx.faults.reset())

    def crisis(self, request: Request, params: dict[str, str]) -> Response:
        """Start a spike of negative mentions about a topic."""
        simulator = self._simulator()
        body = request.json()
        try:
            crisis = simulator.start_crisis(
                topic=str(body.get("topic") or ""),
                minutes=_number(body, "minutes", 10),
                per_minute=_number(body, "per_minute", 30),
                language=str(body.get("language") or "mixed"),
                handle=str(body["handle"]).lstrip("@") if body.get("handle") else None,
            )
        except ValueError as exc:
            raise HttpError(400, str(exc), code="bad_field") from None
        return Response({"crisis": crisis}, 202)

    def stats(self, request: Request, params: dict[str, str]) -> Response:
        """Count accounts, posts and inbound items; report the last event time."""
        data = self.store.stats()
        last = data.get("last_event_at")
        data["last_event_at"] = to_iso(last) if last is not None else None
        data["now"] = to_iso(self.ctx.clock.now())
        if self.ctx.simulator is not None:
            data["simulator"] = self.ctx.simulator.status()
        return Response(data)

    def _simulator(self) -> Any:
        if self.ctx.simulator is None:
            raise HttpError(409, "This server runs without a simulator", code="no_simulator")
        return self.ctx.simulator

    def simulator_status(self, request: Request, params: dict[str, str]) -> Response:
        """Return the simulator's state."""
        return Response(self._simulator().status())

    def simulator(self, request: Request, params: dict[str, str]) -> Response:
        """Start/stop or speed up the simulator; `generate_seconds` runs it synchronously."""
        simulator = self._simulator()
        body = request.json()
        running = body.get("running")
        if running is not None and not isinstance(running, bool):
            raise HttpError(400, "running must be a boolean", code="bad_field")
        multiplier = _number(body, "rate_multiplier") if "rate_multiplier" in body else None
        try:
            simulator.configure(running=running, rate_multiplier=multiplier)
        except ValueError as exc:
            raise HttpError(400, str(exc), code="bad_field") from None
        generated = 0
        if "generate_seconds" in body:
            generated = simulator.generate(_number(body, "generate_seconds"))
        return Response({**simulator.status(), "generated": generated})

    def get_clock(self, request: Request, params: dict[str, str]) -> Response:
        """Return the server time and its offset from wall time."""
        return Response(
            {"now": to_iso(self.ctx.clock.now()), "offset_seconds": self.ctx.clock.offset}
        )

    def advance_clock(self, request: Request, params: dict[str, str]) -> Response:
        """Move the server clock forward (metrics grow, rate limits refill)."""
        try:
            self.ctx.clock.advance(_number(request.json(), "advance_seconds"))
        except ValueError as exc:
            raise HttpError(400, str(exc), code="bad_field") from None
        return self.get_clock(request, params)
