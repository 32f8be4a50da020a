"""Collecting mentions from the real sandbox: search, filter, dedupe, triage, link to inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from socialops.core.actors import Actor
from socialops.core.models import Member
from socialops.governance.models import Channel
from socialops.inbox.services import poll_channel
from socialops.inbox.tests.conftest import sandbox_channel_for
from socialops.inbox.tests.sandbox_people import as_account, post
from socialops.listening.collection import collect
from socialops.listening.models import Mention, SeriesBucket
from socialops.listening.services import QueryInput, create_query

pytestmark = pytest.mark.django_db


def test_network_search_keeps_only_matches_once_and_triages_them(
        sandbox_settings: Any, manager: Member, make_channel: Callable[..., Channel],
        make_query: Callable[..., Any], word: str) -> None:
    sandbox_channel_for(sandbox_settings, manager.organization, make_channel)
    public = as_account(sandbox_settings, sandbox_settings.create_account(f"fan{word}"))
    post(public, f"Terrible service from {word}, I want a refund now!!!")
    post(public, f"I love {word}, wonderful shop")
    post(public, f"{word} promo code inside")  # excluded by NOT
    post(public, f"{word}s is another brand")  # not the whole word
    query = make_query(manager, f"{word} -promo")

    outcome = collect(query)
    assert outcome.errors == ()
    texts = sorted(Mention.objects.filter(query=query).values_list("text", flat=True))
    assert texts == [f"I love {word}, wonderful shop",
                     f"Terrible service from {word}, I want a refund now!!!"]
    assert collect(query).stored == 0  # dedupe on (query, network, remote id)
    sentiments = dict(Mention.objects.filter(query=query).values_list("text", "sentiment"))
    assert sentiments[f"I love {word}, wonderful shop"] == "positive"
    assert sentiments[f"Terrible service from {word}, I want a refund now!!!"] == "negative"
    assert set(Mention.objects.filter(query=query).values_list("language", flat=True)) == {"en"}
    bucket = SeriesBucket.objects.get(query=query)
    assert (bucket.volume, bucket.negative) == (2, 1)


def test_language_filter(sandbox_settings: Any, manager: Member,
                         make_channel: Callable[..., Channel], make_query: Callable[..., Any],
                         word: str) -> None:
    sandbox_channel_for(sandbox_settings, manager.organization, make_channel)
    public = as_account(sandbox_settings, sandbox_settings.create_account(f"fr{word}"))
    post(public, f"Je suis vraiment très déçue par {word}, le colis est arrivé cassé")
    post(public, f"I am really disappointed by {word}, the parcel arrived broken")
    query = make_query(manager, word, languages=["fr"])
    collect(query)
    assert list(Mention.objects.filter(query=query).values_list("language", flat=True)) == ["fr"]


def test_channel_mentions_come_from_the_inbox_and_link_to_it(
        sandbox_settings: Any, manager: Member, make_channel: Callable[..., Channel],
        make_query: Callable[..., Any], word: str) -> None:
    channel, brand = sandbox_channel_for(sandbox_settings, manager.organization, make_channel)
    public = as_account(sandbox_settings, sandbox_settings.create_account(f"m{word}"))
    post(public, f"@{brand.handle} your {word} broke after one day")
    post(public, f"@{brand.handle} hello there")
    poll_channel(channel.pk)
    query = make_query(manager, word, scope="channels")
    collect(query)
    mention = Mention.objects.get(query=query)
    assert mention.channel_id == channel.pk
    assert mention.conversation is not None
    assert mention.conversation.channel_id == channel.pk
    assert collect(query).fetched == 0  # the inbox cursor moved on


def test_bad_query_is_refused_with_its_position(manager: Member, actor: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        create_query(manager, actor, QueryInput(name="x", expression="(arlette OR",
                                                languages=[], networks=[], scope="network"))
    assert "expression" in caught.value.message_dict


def test_network_scope_needs_a_network_that_can_search(manager: Member, actor: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        create_query(manager, actor, QueryInput(
            name="x", expression="arlette", languages=[], networks=["instagram", "facebook"],
            scope="network"))
    assert "networks" in caught.value.message_dict


def test_the_beat_job_collects_every_active_query(
        sandbox_settings: Any, manager: Member, make_channel: Callable[..., Channel],
        make_query: Callable[..., Any], word: str) -> None:
    from django.conf import settings

    from socialops.listening.tasks import collect_all

    assert settings.CELERY_BEAT_SCHEDULE["listening-collect"]["task"] == (
        "socialops.listening.tasks.collect_all")
    sandbox_channel_for(sandbox_settings, manager.organization, make_channel)
    post(as_account(sandbox_settings, sandbox_settings.create_account(f"b{word}")),
         f"{word} again")
    active = make_query(manager, word)
    paused = make_query(manager, word)
    paused.is_active = False
    paused.save()
    assert collect_all() >= 1
    assert Mention.objects.filter(query=active).count() == 1
    assert not Mention.objects.filter(query=paused).exists()
