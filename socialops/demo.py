"""The demo organization: a French retail brand with a dozen channels on the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from django.db import transaction
from django.utils.translation import gettext as _

from socialops.analytics.demo_data import seed_analytics_demo
from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.core.services import add_member, create_organization, create_team
from socialops.crisis.demo_data import seed_crisis_demo
from socialops.governance.models import Transport
from socialops.governance.services import create_channel
from socialops.inbox.demo_data import seed_inbox_demo
from socialops.listening.demo_data import seed_listening_demo
from socialops.publishing.demo_data import seed_demo_posts
from socialops.requests.demo_data import seed_requests_demo
from socialops.team.demo_data import seed_team_demo

DEMO_SLUG = "maison-arlette"
DEMO_PASSWORD = "arlette-demo-2026"  # noqa: S105 - printed to the user on purpose

# (email, full name, role)
MEMBERS = [
    ("claire.martin@maison-arlette.example", "Claire Martin", "owner"),
    ("hugo.bernard@maison-arlette.example", "Hugo Bernard", "admin"),
    ("sophie.durand@maison-arlette.example", "Sophie Durand", "manager"),
    ("lucas.petit@maison-arlette.example", "Lucas Petit", "publisher"),
    ("emma.leroy@maison-arlette.example", "Emma Leroy", "responder"),
    ("amina.diallo@maison-arlette.example", "Amina Diallo", "responder"),
    ("thomas.moreau@maison-arlette.example", "Thomas Moreau", "contributor"),
    ("isabelle.fournier@maison-arlette.example", "Isabelle Fournier", "approver"),
    ("julien.girard@maison-arlette.example", "Julien Girard", "analyst"),
]

# (network, handle, display name, region, business unit, language, followers, owner, backup)
CHANNELS = [
    ("instagram", "maisonarlette", "Maison Arlette", "France", "Brand", "fr", 184_000,
     "sophie.durand", "lucas.petit"),
    ("instagram", "maisonarlette.uk", "Maison Arlette UK", "United Kingdom", "Brand", "en",
     41_000, "lucas.petit", "sophie.durand"),
    ("instagram", "arlette.maison", "Arlette Maison (home)", "France", "Home", "fr", 62_000,
     "lucas.petit", "sophie.durand"),
    ("facebook", "MaisonArlette", "Maison Arlette", "France", "Brand", "fr", 310_000,
     "sophie.durand", "emma.leroy"),
    ("facebook", "MaisonArletteBelgique", "Maison Arlette Belgique", "Belgium", "Brand", "fr",
     28_000, "emma.leroy", "sophie.durand"),
    ("x", "MaisonArlette", "Maison Arlette", "France", "Brand", "fr", 95_000,
     "sophie.durand", "lucas.petit"),
    ("x", "ArletteService", "Arlette Service client", "France", "Customer care", "fr", 12_000,
     "emma.leroy", "amina.diallo"),
    ("linkedin", "maison-arlette", "Maison Arlette (groupe)", "France", "Corporate", "fr",
     54_000, "sophie.durand", "hugo.bernard"),
    ("tiktok", "maisonarlette", "Maison Arlette", "France", "Brand", "fr", 76_000,
     "lucas.petit", "sophie.durand"),
    ("youtube", "MaisonArletteTV", "Maison Arlette TV", "France", "Brand", "fr", 23_000,
     "lucas.petit", "sophie.durand"),
    ("bluesky", "maisonarlette.bsky.social", "Maison Arlette", "France", "Brand", "en", 6_500,
     "amina.diallo", "emma.leroy"),
    ("mastodon", "maisonarlette@mastodon.social", "Maison Arlette", "France", "Brand", "en",
     3_200, "amina.diallo", "emma.leroy"),
]

TEAMS = {
    "Community FR": ["emma.leroy", "sophie.durand"],
    "Community EN": ["amina.diallo", "lucas.petit"],
    "Brand studio": ["sophie.durand", "lucas.petit", "thomas.moreau"],
}


@dataclass(frozen=True)
class SeedResult:
    created: bool
    message: str
    logins: list[tuple[str, str]]


def _logins() -> list[tuple[str, str]]:
    return [(email, role) for email, _full_name, role in MEMBERS]


def _sandbox_account(client: httpx.Client, network: str, handle: str, name: str,
                     followers: int, language: str) -> dict[str, str]:
    response = client.post(
        "/admin/accounts",
        # Sandbox handles are unique across networks and carry no "@".
        json={"handle": f"{network}.{handle.replace('@', '.')}", "network": network,
              "display_name": name, "followers": followers,
              # The audience writes mostly in the channel's language.
              "languages": {"fr": 0.85, "en": 0.15} if language == "fr" else
              {"en": 0.8, "fr": 0.2}},
    )
    response.raise_for_status()
    data = response.json()
    return {"id": str(data["id"]), "token": str(data["token"])}


def seed_demo(sandbox_url: str, admin_key: str) -> SeedResult:
    """Create the demo organization (once), its members, teams and sandbox channels."""
    if Organization.objects.filter(slug=DEMO_SLUG).exists():
        return SeedResult(False, _("The demo organization is already seeded."), _logins())
    actor = Actor.system("demo")
    with httpx.Client(base_url=sandbox_url, headers={"X-Sandbox-Admin": admin_key},
                      timeout=10) as client:
        accounts = {
            (net, handle): _sandbox_account(client, net, handle, name, followers, lang)
            for net, handle, name, _r, _b, lang, followers, _o, _k in CHANNELS
        }
    with transaction.atomic():
        org = create_organization("Maison Arlette", actor, slug=DEMO_SLUG, language="fr")
        members: dict[str, Member] = {}
        for email, name, role in MEMBERS:
            member = add_member(org, email, role, actor, password=DEMO_PASSWORD, full_name=name)
            members[email.split("@")[0]] = member
        for team, names in TEAMS.items():
            create_team(org, team, actor, [members[n] for n in names])
        for net, handle, name, region, unit, lang, _f, owner, backup in CHANNELS:
            account = accounts[(net, handle)]
            create_channel(
                org, actor, network=net, handle=handle, display_name=name,
                owner=members[owner], backup_owner=members[backup],
                transport=Transport.SANDBOX, remote_id=account["id"], region=region,
                business_unit=unit, language=lang,
                credentials={"token": account["token"]},
            )
        seed_inbox_demo(members["sophie.durand"], actor)
    seed_demo_posts(org, sandbox_url)
    # Each app seeds its own part; the later ones read what the earlier ones made.
    for seed in (seed_listening_demo, seed_crisis_demo, seed_team_demo, seed_analytics_demo,
                 seed_requests_demo):
        seed(org, members, sandbox_url)
    message = _("Demo organization “%(name)s” seeded with %(channels)d channels and "
                "%(members)d members.") % {
        "name": org.name, "channels": len(CHANNELS), "members": len(MEMBERS)}
    return SeedResult(True, message, _logins())
