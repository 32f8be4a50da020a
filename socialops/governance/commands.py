"""`socialops member remove` (offboarding) and `socialops keys …` (credential key rotation)."""

from __future__ import annotations

import argparse
import sys
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


def _print_status() -> None:
    from socialops.governance.keys import key_status

    status = key_status()
    source = _("the key file") if status.from_file else "SOCIALOPS_SECRET_KEYS"
    print(_("Keys (newest first) from %(source)s:") % {"source": source})
    for index, fp in enumerate(status.fingerprints):
        label = _("encrypts") if index == 0 else _("decrypts only")
        print(f"  {fp}  {label}  " + _("%(count)d credentials") % {"count": status.by_key[fp]})
    if status.unreadable:
        print(_("%(count)d credentials open with no configured key!")
              % {"count": status.unreadable})


def cmd_keys_status(args: argparse.Namespace) -> int:
    """Print the keys and how many credentials each one encrypts."""
    _print_status()
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    """Add a new key, re-encrypt every credential with it, retire the old keys."""
    from django.core.exceptions import ImproperlyConfigured

    from socialops.core.actors import Actor
    from socialops.governance.keys import rotate_keys

    try:
        report = rotate_keys(Actor.system("cli"), keep_old=args.keep_old)
    except ImproperlyConfigured as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("New key %(key)s; %(count)d credentials re-encrypted.")
          % {"key": report.new_key, "count": report.reencrypted})
    if report.retired:
        print(_("Retired: %(keys)s") % {"keys": ", ".join(report.retired)})
    _print_status()
    return 0


def cmd_keys_reencrypt(args: argparse.Namespace) -> int:
    """Re-encrypt every credential with the newest configured key."""
    from socialops.core.actors import Actor
    from socialops.governance.services import reencrypt_all_credentials

    count = reencrypt_all_credentials(Actor.system("cli"))
    print(_("%(count)d credentials re-encrypted.") % {"count": count})
    _print_status()
    return 0


def cmd_keys_retire(args: argparse.Namespace) -> int:
    """Remove every key but the newest from the key file."""
    from django.core.exceptions import ImproperlyConfigured

    from socialops.core.actors import Actor
    from socialops.governance.keys import retire_keys

    try:
        retired = retire_keys(Actor.system("cli"))
    except ImproperlyConfigured as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(_("Retired: %(keys)s") % {"keys": ", ".join(retired) or "—"})
    return 0


def _register_keys(add: Callable[..., argparse.ArgumentParser]) -> None:
    group = add("keys", cmd_keys_status,
                _("See and rotate the keys that encrypt channel credentials."))
    keys_sub = group.add_subparsers(dest="keys_command", metavar="ACTION")
    add("status", cmd_keys_status, _("Show the keys and how many credentials each encrypts."),
        keys_sub)
    p = add("rotate", cmd_keys_rotate,
            _("Add a new key, re-encrypt every credential, retire the old keys."), keys_sub)
    p.add_argument("--keep-old", action="store_true",
                   help=_("keep the old keys for decryption (retire them later)"))
    add("reencrypt", cmd_keys_reencrypt,
        _("Re-encrypt every credential with the newest key."), keys_sub)
    add("retire", cmd_keys_retire, _("Remove every key but the newest."), keys_sub)


def register(add: Callable[..., argparse.ArgumentParser], add_bench: Any) -> None:
    """Add `socialops member remove` (offboarding) and `socialops keys …`."""
    _register_keys(add)
    p = add("remove", cmd_member_offboard,
            _("Offboard a member: deactivate, end sessions and tokens, hand over their "
              "channels and work, flag credentials."), "member")
    p.add_argument("org", help=_("organization slug"))
    p.add_argument("email")
    p.add_argument("--reassign-to", "--to", dest="reassign_to", required=True,
                   metavar="SUCCESSOR_EMAIL", help=_("the member who takes over"))
