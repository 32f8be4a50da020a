"""The demo seeds the library in both languages and a dozen requests in every state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from socialops.core.models import Member, Organization
from socialops.governance.models import Channel, ChannelStatus
from socialops.requests.demo_data import seed_requests_demo
from socialops.requests.models import Guideline, StakeholderRequest
from socialops.requests.statistics import request_statistics

pytestmark = pytest.mark.django_db
LOGINS = {"claire.martin": "owner", "hugo.bernard": "admin", "sophie.durand": "manager",
          "lucas.petit": "publisher", "thomas.moreau": "contributor",
          "isabelle.fournier": "approver", "julien.girard": "analyst"}


def test_the_demo_requests(make_org: Callable[..., Organization],
                           make_member: Callable[..., Member],
                           make_channel: Callable[..., Channel], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = make_org("Maison Arlette")
    members = {login: make_member(org, role, email=f"{login}@arlette.example")
               for login, role in LOGINS.items()}
    for network in ("linkedin", "instagram"):
        make_channel(org, network=network, owner=members["sophie.durand"],
                     backup_owner=members["lucas.petit"])
    seed_requests_demo(org, members, "http://sandbox.invalid")
    library = Guideline.objects.filter(organization=org)
    assert library.count() == 8
    assert all(g.title_fr and g.text_fr and g.title_en and g.text_en for g in library)
    requests = StakeholderRequest.objects.filter(organization=org)
    assert requests.count() == 12
    assert Counter(requests.values_list("status", flat=True)) == {
        "accepted": 4, "declined": 4, "needs_info": 1, "submitted": 3}
    flyer = requests.get(guideline__slug="pdf-flyer")
    assert flyer.requester == members["thomas.moreau"] and flyer.language == "fr"
    assert requests.get(guideline__slug="one-channel-per-project").network == "tiktok"
    assert requests.exclude(post=None).count() == 3
    careers = requests.get(handle="maison-arlette-carrieres").channel
    assert careers is not None and careers.status == ChannelStatus.DISCONNECTED
    figures = request_statistics(members["sophie.durand"])
    assert len(figures.per_month) >= 4 and figures.median_first_answer is not None
    assert all(r.first_answer_at is None or r.first_answer_at > r.created_at
               for r in requests)
