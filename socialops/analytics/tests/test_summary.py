"""The plain-language summary on fixed datasets: exact sentences in English and French."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from socialops.analytics.kpis import Period, Scope
from socialops.analytics.summary import summarize
from socialops.analytics.tests.data import fill_days, published_post
from socialops.core.models import Organization
from socialops.governance.models import Channel
from socialops.inbox.models import Conversation

pytestmark = pytest.mark.django_db
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
BEFORE = date(2026, 8, 31)  # the previous period: 31 days up to 30 September


@pytest.fixture
def channels(make_org: Callable[..., Organization],
             make_channel: Callable[..., Channel]) -> tuple[Channel, Channel]:
    org = make_org()
    return (make_channel(org, display_name="Arlette Instagram"),
            make_channel(org, network="x", display_name="Arlette X"))


def _scope(a: Channel, b: Channel) -> Scope:
    return Scope(a.organization_id, (a.pk, b.pk))


def test_a_rise_driven_by_one_channel(channels: tuple[Channel, Channel]) -> None:
    a, b = channels
    fill_days(a, BEFORE, 31, followers=1000, impressions=1000, reach=500, engagements=50)
    fill_days(a, OCTOBER.start, 31, followers=1310, impressions=1200, reach=600,
              engagements=80)
    fill_days(b, BEFORE, 31, followers=5000, gain=5, impressions=2000, reach=1000,
              engagements=40)
    fill_days(b, OCTOBER.start, 31, followers=5155, gain=5, impressions=2000, reach=1000,
              engagements=40)
    published_post(a, "Autumn reels are here", datetime(2026, 10, 8, 9, tzinfo=UTC),
                   reach=3000, engagements=420)
    assert summarize(_scope(a, b), OCTOBER, "en") == [
        "Engagements rose 33.3% to 3,720, driven by Arlette Instagram (+930).",
        "The engagement rate by reach went from 6.0% to 7.5%.",
        "Reach rose 6.7% to 49,600, driven by Arlette Instagram (+3,100).",
        "Impressions rose 6.7% to 99,200, driven by Arlette Instagram (+6,200).",
        "The best post, “Autumn reels are here” on Arlette Instagram, earned 420 engagements.",
    ]
    assert summarize(_scope(a, b), OCTOBER, "fr") == [
        "Les interactions ont augmenté de 33,3 % pour atteindre 3\u00a0720, portées surtout "
        "par Arlette Instagram (+930).",
        "Le taux d\u2019interaction sur la portée est passé de 6,0 % à 7,5 %.",
        "La portée a augmenté de 6,7 % pour atteindre 49\u00a0600, portée surtout par "
        "Arlette Instagram (+3\u00a0100).",
        "Les impressions ont augmenté de 6,7 % pour atteindre 99\u00a0200, portées surtout "
        "par Arlette Instagram (+6\u00a0200).",
        "La meilleure publication, «\u00a0Autumn reels are here\u00a0» sur Arlette "
        "Instagram, a obtenu 420 interactions.",
    ]


def _conversation(channel: Channel, at: datetime, *, within: bool) -> None:
    due = at + timedelta(hours=1)
    Conversation.objects.create(
        organization_id=channel.organization_id, channel=channel, kind="comment",
        thread_key=f"t{at.isoformat()}{within}", first_inbound_at=at, last_inbound_at=at,
        first_response_due_at=due,
        first_responded_at=at + timedelta(minutes=20 if within else 180))


def test_a_fall_and_the_weakest_week_of_answers(channels: tuple[Channel, Channel]) -> None:
    a, b = channels
    fill_days(a, BEFORE, 31, impressions=2000, reach=1000, engagements=100, gain=0)
    fill_days(a, OCTOBER.start, 31, impressions=2000, reach=1000, engagements=80, gain=0)
    fill_days(b, BEFORE, 62, impressions=2000, reach=1000, engagements=50, gain=0)
    for n in range(5):
        _conversation(a, datetime(2026, 9, 15, 9 + n, tzinfo=UTC), within=True)
        _conversation(a, datetime(2026, 10, 6, 9 + n, tzinfo=UTC), within=True)
        _conversation(b, datetime(2026, 10, 13, 9 + n, tzinfo=UTC), within=n < 2)
    assert summarize(_scope(a, b), OCTOBER, "en") == [
        "70.0% of first answers came within the target time (period before: 100.0%); "
        "the weakest week began on October 12 (40.0%).",
        "Engagements fell 13.3% to 4,030, mostly on Arlette Instagram (\u2212620).",
        "The engagement rate by reach went from 7.5% to 6.5%.",
        "Reach held steady at 62,000 (+0.0%).",
    ]
    assert summarize(_scope(a, b), OCTOBER, "fr") == [
        "70,0 % des premières réponses sont arrivées dans le délai cible (période "
        "précédente\u00a0: 100,0 %)\u00a0; la semaine la plus faible a commencé le 12 octobre "
        "(40,0 %).",
        "Les interactions ont baissé de 13,3 % à 4\u00a0030, surtout sur Arlette Instagram "
        "(\u2212620).",
        "Le taux d\u2019interaction sur la portée est passé de 7,5 % à 6,5 %.",
        "La portée est restée stable à 62\u00a0000 (+0,0 %).",
    ]


def test_no_data_says_so(channels: tuple[Channel, Channel]) -> None:
    assert summarize(_scope(*channels), OCTOBER, "fr") == [
        "Aucune mesure n\u2019a été collectée pour cette période."]


def test_a_driver_sharing_its_name_is_told_apart_by_network(
        make_org: Callable[..., Organization], make_channel: Callable[..., Channel]) -> None:
    org = make_org()
    instagram = make_channel(org, network="instagram", display_name="Maison Arlette")
    facebook = make_channel(org, network="facebook", display_name="Maison Arlette")
    fill_days(instagram, BEFORE, 62, engagements=10)
    fill_days(facebook, BEFORE, 31, engagements=10)
    fill_days(facebook, OCTOBER.start, 31, engagements=20)
    assert summarize(Scope(org.pk, (instagram.pk, facebook.pk)), OCTOBER, "en")[0] == (
        "Engagements rose 50.0% to 930, driven by Maison Arlette on Facebook (+310).")


def test_follower_gains_name_where_most_followers_came_from(
        channels: tuple[Channel, Channel]) -> None:
    a, b = channels
    fill_days(a, BEFORE, 31, gain=10)
    fill_days(a, OCTOBER.start, 31, gain=12)
    fill_days(b, BEFORE, 31, gain=20)
    fill_days(b, OCTOBER.start, 31, gain=20)
    sentences = summarize(_scope(a, b), OCTOBER, "en")
    assert ("The channels gained 992 followers (6.7% more than the period before), the most "
            "on Arlette X (+620).") in sentences
    assert ("Les comptes ont gagné 992 abonnés (6,7 % de plus que la période précédente), le "
            "plus sur Arlette X (+620).") in summarize(_scope(a, b), OCTOBER, "fr")
