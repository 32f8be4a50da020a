"""Start the sandbox network: python -m socialops.connectors.sandbox --port 8765 --db PATH."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from socialops.connectors.sandbox.server import serve


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until stopped."""
    parser = argparse.ArgumentParser(prog="python -m socialops.connectors.sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file (created if absent)")
    parser.add_argument("--simulate", action="store_true", help="run the audience simulator")
    parser.add_argument("--seed", type=int, default=None, help="make the simulator repeatable")
    parser.add_argument("--rate-multiplier", type=float, default=1.0)
    parser.add_argument(
        "--admin-key",
        default=os.environ.get("SANDBOX_ADMIN_KEY", "sandbox-admin"),
        help="value of the X-Sandbox-Admin header (default: $SANDBOX_ADMIN_KEY)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args.db.parent.mkdir(parents=True, exist_ok=True)
    serve(
        args.host,
        args.port,
        args.db,
        simulate=args.simulate,
        seed=args.seed,
        admin_key=args.admin_key,
        rate_multiplier=args.rate_multiplier,
    )


if __name__ == "__main__":
    main()
