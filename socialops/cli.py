"""The `socialops` command: run the platform and administer it from a terminal."""

from __future__ import annotations

import argparse
import getpass
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialops.settings")

import django

if TYPE_CHECKING:
    from socialops.core.models import Member, Organization

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A user mistake: printed without a traceback, exit status 2."""


def _(message: str) -> str:
    from django.utils.translation import gettext

    return gettext(message)


def _org(ref: str) -> Organization:
    from socialops.core.models import Organization

    org = Organization.objects.filter(slug=ref).first() or Organization.objects.filter(
        name__iexact=ref
    ).first()
    if org is None:
        raise CommandError(
            _("No organization “%(ref)s” (see `socialops org list`).") % {"ref": ref}
        )
    return org


def _member(org_ref: str, email: str) -> Member:
    from socialops.core.models import Member

    org = _org(org_ref)
    member = Member.objects.filter(organization=org, user__email__iexact=email.strip()).first()
    if member is None:
        raise CommandError(
            _("%(email)s is not a member of %(org)s.") % {"email": email, "org": org.slug}
        )
    return member


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(_("Password: "))
        if first != getpass.getpass(_("Password (again): ")):
            raise CommandError(_("The passwords differ."))
        return first
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError(_("Give the password on standard input."))
    return password


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print(_("Database is up to date."))
    return 0


def cmd_org_create(args: argparse.Namespace) -> int:
    from socialops.core.actors import Actor
    from socialops.core.services import create_organization

    org = create_organization(args.name, Actor.system("cli"), slug=args.slug or "",
                              language=args.language)
    print(org.slug)
    return 0


def cmd_org_list(args: argparse.Namespace) -> int:
    from socialops.core.models import Organization

    for org in Organization.objects.order_by("slug"):
        print(f"{org.slug}\t{org.name}")
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    from socialops.core.actors import Actor
    from socialops.core.services import add_member

    org = _org(args.org)
    password = _read_password()
    member = add_member(org, args.email, args.role, Actor.system("cli"), password=password,
                        full_name=args.name or "")
    print(_("%(email)s added to %(org)s as %(role)s.")
          % {"email": member.user.email, "org": org.slug, "role": member.role})
    return 0


def cmd_member_list(args: argparse.Namespace) -> int:
    org = _org(args.org)
    for member in org.members.select_related("user").order_by("user__email"):
        suffix = "" if member.is_active else "\t" + _("inactive")
        print(f"{member.user.email}\t{member.role}{suffix}")
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from socialops.core.actors import Actor
    from socialops.core.services import create_token

    issued = create_token(_member(args.org, args.email), Actor.system("cli"), name=args.name)
    print(issued.raw)
    print(_("Keep this token now: it is not shown again."), file=sys.stderr)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from socialops.core.actors import Actor
    from socialops.core.services import revoke_tokens

    count = revoke_tokens(_member(args.org, args.email), Actor.system("cli"))
    print(_("%(count)d token(s) revoked.") % {"count": count})
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from socialops.core.audit import verify_chain
    from socialops.core.models import Organization

    orgs = [_org(args.org)] if args.org else list(Organization.objects.order_by("slug"))
    broken = 0
    for org in orgs:
        problem = verify_chain(org)
        if problem is None:
            print(_("OK %(org)s: %(count)d events, head %(head)s")
                  % {"org": org.slug, "count": org.audit_head_seq,
                     "head": org.audit_head_hash[:16] or "-"})
        else:
            broken += 1
            print(_("TAMPERED %(problem)s") % {"problem": problem}, file=sys.stderr)
    if broken:
        return 1
    print("OK")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from socialops.launch import serve

    return serve(host=args.host, port=args.port, web_only=args.web_only,
                 concurrency=args.concurrency)


def cmd_demo(args: argparse.Namespace) -> int:
    from socialops.launch import demo

    return demo(host=args.host, port=args.port, sandbox_port=args.sandbox_port,
                seed_only=args.seed_only)


def cmd_worker(args: argparse.Namespace) -> int:
    from socialops.launch import worker

    return worker(concurrency=args.concurrency, with_beat=args.beat)


def cmd_beat(args: argparse.Namespace) -> int:
    from socialops.launch import beat

    return beat()


def cmd_sandbox(args: argparse.Namespace) -> int:
    from socialops.launch import sandbox

    return sandbox(host=args.host, port=args.port, simulate=not args.quiet)


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socialops manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="socialops",
        description=_("Run socialops and administer it from the command line."),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=_("print more"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # Command groups by name, so that an app can add `socialops member remove`.
    groups: dict[str, Any] = {}

    def add(name: str, handler: Handler, help_text: str,
            target: Any = None) -> argparse.ArgumentParser:
        """Add a subcommand under ``target``: a subparsers object, a group name, or the top."""
        if isinstance(target, str):
            target = groups[target]
        p = (target or sub).add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    p = add("demo", cmd_demo, _("Start the demo: sandbox network, demo organization, web, jobs."))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--sandbox-port", type=int, default=8765)
    p.add_argument("--seed-only", action="store_true",
                   help=_("seed the demo data into the data directory and exit"))

    p = add("serve", cmd_serve, _("Start the web server, a worker and beat (embedded)."))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--web-only", action="store_true",
                   help=_("start only the web server (distributed mode)"))
    p.add_argument("--concurrency", type=int, default=4, help=_("worker threads"))

    p = add("worker", cmd_worker, _("Start a Celery worker (distributed mode)."))
    p.add_argument("--concurrency", type=int, default=4, help=_("worker threads"))
    p.add_argument("--beat", action="store_true", help=_("also run the scheduler"))
    add("beat", cmd_beat, _("Start the job scheduler (one per installation)."))

    p = add("sandbox", cmd_sandbox, _("Start the local sandbox social network alone."))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--quiet", action="store_true", help=_("no simulated audience traffic"))

    add("migrate", cmd_migrate, _("Create or update the database tables."))

    org = add("org", lambda a: 2, _("Manage organizations."))
    org_sub = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    p = add("create", cmd_org_create, _("Create an organization; prints its slug."), org_sub)
    p.add_argument("name")
    p.add_argument("--slug", default="")
    p.add_argument("--language", choices=["en", "fr"], default="en")
    add("list", cmd_org_list, _("List organizations (slug and name)."), org_sub)

    member = add("member", lambda a: 2, _("Manage members."))
    member_sub = member.add_subparsers(dest="member_command", metavar="ACTION", required=True)
    groups["member"] = member_sub
    p = add("add", cmd_member_add,
            _("Add a member; the password is read from standard input."), member_sub)
    p.add_argument("org", help=_("organization slug"))
    p.add_argument("email")
    from socialops.core.models import Role

    p.add_argument("--role", required=True, choices=Role.values)
    p.add_argument("--name", default="", help=_("full name"))
    p = add("list", cmd_member_list, _("List members: email and role per line."), member_sub)
    p.add_argument("org", help=_("organization slug"))

    token = add("token", lambda a: 2, _("Manage API tokens."))
    token_sub = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    p = add("create", cmd_token_create, _("Create an API token; prints it once."), token_sub)
    p.add_argument("org", help=_("organization slug"))
    p.add_argument("email")
    p.add_argument("--name", default="cli", help=_("what the token is for"))
    p = add("revoke", cmd_token_revoke, _("Revoke every token of a member."), token_sub)
    p.add_argument("org", help=_("organization slug"))
    p.add_argument("email")

    audit = add("audit", lambda a: 2, _("Check the audit trail."))
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = add("verify", cmd_audit_verify,
            _("Verify the hash chain; exit 1 naming the first altered or missing event."),
            audit_sub)
    p.add_argument("org", nargs="?", help=_("organization slug (all when omitted)"))

    p = add("manage", cmd_manage, _("Run a Django management command."))
    p.add_argument("rest", nargs=argparse.REMAINDER)
    bench = add("bench", lambda a: 2, _("Run a benchmark; its last output line is JSON."))
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="SCENARIO", required=True)

    def add_bench(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        return add(name, handler, help_text, bench_sub)

    for module_name in APP_COMMANDS:
        # Each domain app may add subcommands in its own `commands` module:
        # `register(add, add_bench)` receives the functions that add a subcommand
        # (`socialops NAME`) and a benchmark scenario (`socialops bench NAME`).
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(add, add_bench)
    return parser


# Apps whose `commands` module adds subcommands (e.g. `socialops bench publish`).
APP_COMMANDS = (
    "socialops.governance.commands",
    "socialops.publishing.commands",
    "socialops.inbox.commands",
    "socialops.listening.commands",
    "socialops.crisis.commands",
    "socialops.analytics.commands",
    "socialops.team.commands",
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    django.setup()
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.db.utils import OperationalError
    from django.utils import translation

    from socialops.launch import PortInUseError

    translation.activate(os.environ.get("SOCIALOPS_LANGUAGE", settings.LANGUAGE_CODE))
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (CommandError, PortInUseError) as exc:
        print(f"socialops: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print("socialops: " + " ".join(exc.messages), file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(_("socialops: database error: %(error)s (did you run `socialops migrate`?)")
              % {"error": exc}, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
