"""`socialops member remove ORG EMAIL --reassign-to SUCCESSOR_EMAIL` (offboarding)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _


def cmd_member_offboard(args: argparse.Namespace) -> int:
    """Offboard a member from the command line and print the report."""
    from socialops.cli import _member
    from socialops.core.actors import Actor
    from socialops.governance.offboarding import offboard

    leaving = _member(args.org, args.email)
    successor = _member(args.org, args.reassign_to)
    report = offboard(leaving, Actor.system("cli"), successor=successor)
    print(_("%(email)s offboarded; successor %(successor)s.")
          % {"email": report.member, "successor": report.successor})
    print(_("API tokens revoked: %(count)d") % {"count": len(report.tokens_revoked)})
    for move in report.owner_moves + report.backup_moves:
        print(_("channel %(channel)s: owner %(owner)s, backup %(backup)s")
              % {"channel": move["channel"], "owner": move["after"]["owner"],
                 "backup": move["after"]["backup_owner"]})
    for key, lines in report.handlers.items():
        for line in lines:
            print(f"{key}: {line}")
    for item in report.flagged:
        print(_("rotate the credentials of %(channel)s") % {"channel": item["channel"]})
    print(_("Report stored in audit event #%(id)s.") % {"id": report.event_id})
    return 0


def register(add: Callable[..., argparse.ArgumentParser], add_bench: Any) -> None:
    """Add `socialops member remove` (offboarding)."""
    p = add("remove", cmd_member_offboard,
            _("Offboard a member: deactivate, end sessions and tokens, hand over their "
              "channels and work, flag credentials."), "member")
    p.add_argument("org", help=_("organization slug"))
    p.add_argument("email")
    p.add_argument("--reassign-to", "--to", dest="reassign_to", required=True,
                   metavar="SUCCESSOR_EMAIL", help=_("the member who takes over"))
