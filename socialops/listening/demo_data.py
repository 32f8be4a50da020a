"""Seed the demo organization's listening data: brand and crisis-topic queries.

The detector needs at least one day of history before it decides anything. So that the
sandbox's crisis switch can raise an alert in a fresh demo, the crisis-topic query is
given a week of *synthetic* quiet history (a few mentions a day, marked in its name);
the brand query starts empty and learns from live traffic.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from socialops.core.models import Member, Organization
from socialops.listening.detection import BUCKET
from socialops.listening.models import ListeningQuery, Scope, SeriesBucket
from socialops.listening.series import bucket_start

BRAND = '"maison arlette" OR arlette OR maisonarlette* OR arletteservice'
# The topics a crisis is about, said in French or English, next to the brand.
CRISIS = ("(rappel OR recall OR scandale OR scandal OR boycott OR fuite OR breach) "
          "AND (arlette OR maisonarlette* OR arletteservice)")


def seed_listening_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Create the demo queries and a week of quiet history for the crisis-topic query."""
    manager = members.get("sophie.durand")
    ListeningQuery.objects.create(organization=org, name="Maison Arlette", expression=BRAND,
                                  scope=Scope.NETWORK, created_by=manager)
    crisis = ListeningQuery.objects.create(
        organization=org, name="Rappels et scandales", expression=CRISIS, scope=Scope.NETWORK,
        created_by=manager)
    rng = random.Random(6)  # noqa: S311 - demo data
    end = bucket_start(timezone.now())
    start = end - timedelta(days=7)
    rows = []
    cursor = start
    while cursor < end:
        # About one mention an hour by day, almost none at night (synthetic history).
        day = 7 <= (cursor.hour + 1) % 24 <= 22
        volume = 1 if rng.random() < (0.08 if day else 0.01) else 0
        if volume:
            rows.append(SeriesBucket(query=crisis, start=cursor, volume=volume,
                                     negative=volume if rng.random() < 0.5 else 0))
        cursor += BUCKET
    SeriesBucket.objects.bulk_create(rows)
    crisis.evaluated_until = end - BUCKET
    crisis.save(update_fields=["evaluated_until"])
