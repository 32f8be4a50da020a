"""Subcommands of the analytics app (`socialops ...`, `socialops bench ...`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def register(add: Callable[..., argparse.ArgumentParser],
             add_bench: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the analytics subcommands to the CLI."""
