"""Subcommands of the team app: `socialops staffing erlang-c|erlang-a`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from django.utils.translation import gettext as _


def cmd_staffing_erlang_c(args: argparse.Namespace) -> int:
    """Print the agents an Erlang C computation recommends, as JSON."""
    from socialops.team.staffing import StaffingInputError, erlang_c_staffing

    try:
        result = erlang_c_staffing(
            arrivals=args.arrivals, period_s=args.period_s, aht_s=args.aht_s,
            target_s=args.target_s, service_level=args.service_level,
            max_occupancy=args.max_occupancy, shrinkage=args.shrinkage)
    except StaffingInputError as exc:
        print(_("socialops: invalid input: %(error)s") % {"error": exc}, file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict()))
    return 0


def cmd_staffing_erlang_a(args: argparse.Namespace) -> int:
    """Print the waiting, abandonment and service level of n agents (Erlang A), as JSON."""
    from socialops.team.staffing import StaffingInputError, erlang_a

    try:
        result = erlang_a(arrivals=args.arrivals, period_s=args.period_s, aht_s=args.aht_s,
                          patience_s=args.patience_s, agents=args.agents,
                          target_s=args.target_s)
    except StaffingInputError as exc:
        print(_("socialops: invalid input: %(error)s") % {"error": exc}, file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict()))
    return 0


def _traffic_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--arrivals", type=float, required=True,
                   help=_("conversations arriving in the period"))
    p.add_argument("--period-s", type=float, required=True, help=_("length of the period, seconds"))
    p.add_argument("--aht-s", type=float, required=True,
                   help=_("mean handling time of one conversation, seconds"))


def register(add: Callable[..., argparse.ArgumentParser],
             add_bench: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the team subcommands to the CLI."""
    staffing = add("staffing", lambda a: 2, _("Compute staffing with Erlang C or Erlang A."))
    sub = staffing.add_subparsers(dest="staffing_command", metavar="MODEL", required=True)
    p = add("erlang-c", cmd_staffing_erlang_c,
            _("Print the agents needed for a service level (Erlang C), as JSON."), sub)
    _traffic_arguments(p)
    p.add_argument("--target-s", type=float, required=True,
                   help=_("answer-time target, seconds"))
    p.add_argument("--service-level", type=float, required=True,
                   help=_("share answered within the target, e.g. 0.8"))
    p.add_argument("--max-occupancy", type=float, default=1.0,
                   help=_("highest share of time agents may be busy, e.g. 0.85"))
    p.add_argument("--shrinkage", type=float, default=0.0,
                   help=_("share of paid time not answering (leave, meetings, training)"))
    p = add("erlang-a", cmd_staffing_erlang_a,
            _("Print waiting, abandonment and service level of n agents (Erlang A), as JSON."),
            sub)
    _traffic_arguments(p)
    p.add_argument("--patience-s", type=float, required=True,
                   help=_("mean time a person waits before giving up, seconds"))
    p.add_argument("--agents", type=int, required=True, help=_("agents answering"))
    p.add_argument("--target-s", type=float, default=20.0,
                   help=_("answer-time target for the service level, seconds"))
