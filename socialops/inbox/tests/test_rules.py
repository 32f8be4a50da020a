"""Inbox rules: each condition and action, their order, and how they run inside ingest."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socialops.connectors.base import InboundItem
from socialops.core.actors import Actor
from socialops.core.models import AuditEvent, Member, Organization, Team
from socialops.core.services import create_token
from socialops.governance.grants import set_grant
from socialops.governance.models import Channel
from socialops.inbox.models import Contact, Conversation, Priority
from socialops.inbox.rule_models import Rule, RuleHit
from socialops.inbox.services import ingest, rule_apply, rules
from socialops.inbox.services.rule_engine import (
    Subject,
    compile_rule,
    compile_rules,
    evaluate,
    fold,
    matches,
)
from socialops.inbox.services.rules import RuleData

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("test")


def _rule(pk: int = 1, position: int = 0, **fields: Any) -> Rule:
    fields.setdefault("add_tags", ["t"])
    return Rule(pk=pk, organization_id=1, name=f"rule {pk}", position=position, **fields)


def _subject(**fields: Any) -> Subject:
    values: dict[str, Any] = {"channel_id": 7, "kind": "comment", "language": "fr",
                              "sentiment": "neutral", "urgent": False, "vip": False,
                              "texts": (("m1", "Bonjour"),)}
    values.update(fields)
    return Subject(**values)


# -- the pure evaluation ---------------------------------------------------------------


@pytest.mark.parametrize(("fields", "subject", "expected"), [
    ({"channels": [7]}, {}, True), ({"channels": [8]}, {}, False),
    ({"kinds": ["dm"]}, {"kind": "dm"}, True), ({"kinds": ["dm"]}, {}, False),
    ({"languages": ["fr", "en"]}, {}, True), ({"languages": ["en"]}, {}, False),
    ({"sentiments": ["negative"]}, {"sentiment": "negative"}, True),
    ({"sentiments": ["negative"]}, {}, False),
    ({"urgent": "yes"}, {"urgent": True}, True), ({"urgent": "yes"}, {}, False),
    ({"urgent": "no"}, {"urgent": True}, False), ({"urgent": "no"}, {}, True),
    ({"urgent": "any"}, {"urgent": True}, True),
    ({"vip_only": True}, {"vip": True}, True), ({"vip_only": True}, {}, False),
    ({}, {}, True),
])
def test_each_condition(fields: dict[str, Any], subject: dict[str, Any],
                        expected: bool) -> None:
    assert (matches(compile_rule(_rule(**fields)), _subject(**subject)) is not None) is expected


@pytest.mark.parametrize(("keywords", "text", "expected"), [
    (["presse"], "Je travaille pour la PRESSE régionale", True),
    (["journaliste"], "Journaliste à Ouest-France, une question", True),
    (["équipe"], "Bravo a l'EQUIPE !", True),  # accents and case folded on both sides
    (["press"], "Great pressure on the team", False),  # whole words only
    (["press"], "A press question.", True),
    (["service client"], "Le service  client ne répond pas", False),
    (["service client"], "Le service client ne répond pas", True),
    (["spam", "promo"], "Big PROMO here", True),
    (["c++"], "We love c++ too", True),  # regex characters are taken literally
])
def test_keywords_are_whole_words_ignoring_case_and_accents(
        keywords: list[str], text: str, expected: bool) -> None:
    rule = compile_rule(_rule(keywords=keywords))
    found = matches(rule, _subject(texts=(("m1", "Hello"), ("m2", text))))
    assert (found == "m2") is expected
    assert fold("Élodie ÇA") == "elodie ca"


def test_rules_run_in_order_first_value_wins_and_stop_ends() -> None:
    compiled = compile_rules([
        _rule(3, 2, add_tags=["late"], set_priority=Priority.LOW),
        _rule(1, 0, add_tags=["press"], set_priority=Priority.HIGH),
        _rule(2, 1, add_tags=["press", "fr"], set_priority=Priority.URGENT,
              stop_processing=True),
        _rule(4, 3, add_tags=["never"], enabled=False),
    ])
    assert [r.pk for r in compiled] == [1, 2, 3]
    decision = evaluate(compiled, _subject())
    assert [r.pk for r, _m in decision.rules] == [1, 2]
    assert decision.tags == ["press", "fr"]
    assert decision.priority == Priority.HIGH
    # A rule that already acted is not applied again, but its "stop" still holds.
    again = evaluate(compiled, _subject(), frozenset({1, 2}))
    assert not again.matched


# -- inside ingest -----------------------------------------------------------------------


@pytest.fixture
def org(make_org: Callable[..., Organization]) -> Organization:
    return make_org()


@pytest.fixture
def manager(org: Organization, make_member: Callable[..., Member]) -> Member:
    return make_member(org, "manager")


def _create(manager: Member, **fields: Any) -> Rule:
    fields.setdefault("name", f"Rule {Rule.objects.count() + 1}")
    return rules.create_rule(manager, RuleData(**fields), ACTOR)


def test_press_rule_tags_assigns_and_says_so_on_the_page(
        org: Organization, manager: Member, make_channel: Callable[..., Channel],
        make_item: Callable[..., InboundItem]) -> None:
    channel = make_channel(org)
    _create(manager, name="Presse", keywords=["journaliste", "press"], add_tags=["presse"],
            assign_member_id=manager.pk, set_priority=Priority.HIGH)
    ingest(channel, [
        make_item("Bonjour, je suis Journaliste au Monde", author="j", thread_key="dm:j",
                  kind="dm", parent=None, post=None, language="fr"),
        make_item("Love the new colours", author="fan", thread_key="dm:f", kind="dm",
                  parent=None, post=None, language="en")])
    press = Conversation.objects.get(thread_key="dm:j")
    other = Conversation.objects.get(thread_key="dm:f")
    assert press.tags == ["presse"] and press.assignee_id == manager.pk
    assert press.priority == Priority.HIGH and other.tags == []
    hit = RuleHit.objects.get()
    assert (hit.conversation_id, hit.rule_name) == (press.pk, "Presse")
    assert hit.actions == ["tag:presse", f"priority:{Priority.HIGH}", f"assign:{manager.pk}"]
    assert AuditEvent.objects.filter(action="inbox.rules_apply",
                                     after__rules={"Presse": 1}).exists()
    client = Client()
    client.force_login(manager.user)
    page = client.get(f"/inbox/{press.pk}/").content.decode()
    assert "Rule “Presse”" in page and "tagged “presse”" in page


def test_reingest_applies_nothing_twice_and_a_later_message_can_match_another_rule(
        org: Organization, manager: Member, make_channel: Callable[..., Channel],
        make_item: Callable[..., InboundItem]) -> None:
    channel = make_channel(org)
    _create(manager, name="All", add_tags=["seen"])
    _create(manager, name="Refund", keywords=["remboursement"], add_tags=["refund"])
    first = [make_item("Bonjour", kind="dm", thread_key="dm:a", parent=None, post=None)]
    ingest(channel, first)
    ingest(channel, first)
    conversation = Conversation.objects.get()
    assert conversation.tags == ["seen"] and RuleHit.objects.count() == 1
    ingest(channel, [make_item("Je veux un remboursement", kind="dm", thread_key="dm:a",
                               parent=None, post=None)])
    conversation.refresh_from_db()
    assert conversation.tags == ["seen", "refund"]
    assert sorted(RuleHit.objects.values_list("rule_name", flat=True)) == ["All", "Refund"]


def test_vip_and_channel_conditions_inside_ingest(
        org: Organization, manager: Member, make_channel: Callable[..., Channel],
        make_item: Callable[..., InboundItem]) -> None:
    watched, other = make_channel(org), make_channel(org)
    _create(manager, name="VIP", vip_only=True, channels=[watched.pk], add_tags=["vip"])
    Contact.objects.create(organization=org, network=watched.network, remote_handle="star",
                           first_seen_at="2026-01-01T00:00Z", last_seen_at="2026-01-01T00:00Z",
                           is_vip=True)
    for channel in (watched, other):
        ingest(channel, [make_item("Hi", author="star", kind="dm", thread_key="dm:s",
                                   parent=None, post=None),
                         make_item("Hi", author="nobody", kind="dm", thread_key="dm:n",
                                   parent=None, post=None)])
    tagged = [c for c in Conversation.objects.order_by("pk") if "vip" in c.tags]
    assert [(c.channel_id, c.thread_key) for c in tagged] == [(watched.pk, "dm:s")]


def test_assigning_to_someone_without_the_channel_is_refused_and_noted(
        org: Organization, manager: Member, make_member: Callable[..., Member],
        make_channel: Callable[..., Channel], make_item: Callable[..., InboundItem]) -> None:
    channel, elsewhere = make_channel(org), make_channel(org)
    responder = make_member(org, "responder")
    set_grant(responder, elsewhere, "only", ["inbox.respond"], ACTOR)
    _create(manager, name="To responder", assign_member_id=responder.pk)
    ingest(channel, [make_item("Hello", kind="dm", thread_key="dm:x", parent=None, post=None)])
    assert Conversation.objects.get().assignee_id is None
    assert "assign:refused" in RuleHit.objects.get().actions


def test_hide_is_asked_of_networks_that_can_and_noted_elsewhere(
        org: Organization, manager: Member, make_channel: Callable[..., Channel],
        make_item: Callable[..., InboundItem], monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    calls: list[tuple[str, bool]] = []

    class Recorder:
        """Stands for the network: records what it was asked to hide."""

        def hide(self, remote_id: str, *, hidden: bool = True) -> None:
            calls.append((remote_id, hidden))

    monkeypatch.setattr("socialops.governance.connections.connector_for",
                        lambda channel: Recorder())
    facebook, x = make_channel(org, network="facebook"), make_channel(org, network="x")
    _create(manager, name="Spam links", keywords=["bit.ly"], add_tags=["spam"], hide=True)
    for channel in (facebook, x):
        with django_capture_on_commit_callbacks(execute=True):
            ingest(channel, [make_item("Free money bit.ly now", remote_id=f"c-{channel.pk}",
                                       author="bot")])
    assert calls == [(f"c-{facebook.pk}", True)]
    by_network = {h.conversation.channel.network: h for h in RuleHit.objects.select_related(
        "conversation__channel")}
    assert by_network["facebook"].actions[-2:] == ["hide:requested", "hide:done"]
    assert by_network["facebook"].hidden_at is not None
    assert by_network["x"].actions[-1] == "hide:unsupported"
    # The job delivered twice hides nothing twice.
    assert rule_apply.hide_messages([by_network["facebook"].pk]) == 0
    assert len(calls) == 1


def test_escalate_emails_the_chosen_person_once(
        org: Organization, manager: Member, make_member: Callable[..., Member],
        make_channel: Callable[..., Channel], make_item: Callable[..., InboundItem],
        django_capture_on_commit_callbacks: Any) -> None:
    boss = make_member(org, "manager", email="boss@example.com")
    _create(manager, name="Minister", keywords=["ministre"], escalate_to_id=boss.pk)
    channel = make_channel(org)
    with django_capture_on_commit_callbacks(execute=True):
        ingest(channel, [make_item("Le ministre a partagé votre post", author="m")])
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    assert "Minister" in mail.outbox[0].subject and "ministre" in mail.outbox[0].body
    hit = RuleHit.objects.get()
    assert hit.escalated_to_id == boss.pk and hit.notified_at is not None
    assert rule_apply.notify_escalations([hit.pk]) == 0
    assert len(mail.outbox) == 1


def test_assign_within_a_team_uses_round_robin_among_its_members(
        org: Organization, manager: Member, make_member: Callable[..., Member],
        make_channel: Callable[..., Channel], make_item: Callable[..., InboundItem]) -> None:
    from socialops.inbox.services.availability import set_availability

    team = Team.objects.create(organization=org, name="Presse")
    insider, outsider = make_member(org, "responder"), make_member(org, "responder")
    team.members.add(insider)
    for person in (insider, outsider):
        set_availability(person, person, "available", ACTOR)
    _create(manager, name="Team", keywords=["presse"], assign_team_id=team.pk)
    ingest(make_channel(org), [make_item("Question presse", author=f"p{i}", kind="dm",
                                         thread_key=f"dm:{i}", parent=None, post=None)
                               for i in range(3)])
    assert set(Conversation.objects.values_list("assignee_id", flat=True)) == {insider.pk}


def test_a_batch_with_rules_stays_batched(
        org: Organization, manager: Member, make_channel: Callable[..., Channel],
        make_item: Callable[..., InboundItem]) -> None:
    channel = make_channel(org)
    _create(manager, name="Delivery", keywords=["livraison"], add_tags=["delivery"])
    _create(manager, name="FR", languages=["fr"], set_priority=Priority.HIGH)
    _create(manager, name="Spam", keywords=["bit.ly", "promo"], add_tags=["spam"])
    _create(manager, name="DM", kinds=["dm"], add_tags=["dm"], assign_member_id=manager.pk)
    _create(manager, name="Stop", urgent="no", add_tags=["calm"], stop_processing=True)
    ingest(channel, [make_item("warm up", author="w")])  # loads the classifier

    def cost(n: int, prefix: str) -> tuple[int, int]:
        items = [make_item(f"Question {i} sur la livraison, une promo?", author=f"{prefix}{i}",
                           language="fr", kind="dm", thread_key=f"dm:{prefix}{i}",
                           parent=None, post=None) for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            ingest(channel, items)
        sql = [q["sql"] for q in queries.captured_queries]
        return len(sql), len([q for q in sql if not q.startswith(("INSERT", "UPDATE"))])

    (small, small_reads), (large, large_reads) = cost(50, "s"), cost(200, "l")
    assert RuleHit.objects.filter(rule_name="Delivery").count() == 250
    # The same lookups whatever the size; only bulk writes split into chunks (SQLite
    # caps the variables of one statement): far from a query per message.
    assert large_reads == small_reads, (small_reads, large_reads)
    assert large <= 50, (small, large)


# -- managing rules ----------------------------------------------------------------------


def test_validation_names_each_field_and_checks_the_organization(
        org: Organization, manager: Member, make_org: Callable[..., Organization],
        make_channel: Callable[..., Channel], make_member: Callable[..., Member]) -> None:
    foreign = make_channel(make_org())
    with pytest.raises(ValidationError) as caught:
        _create(manager, name=" ", channels=[foreign.pk], kinds=["fax"], languages=["French"])
    errors = caught.value.message_dict
    assert set(errors) == {"name", "channels", "kinds", "languages", "__all__"}
    _create(manager, name="Presse", add_tags=["presse"])
    with pytest.raises(ValidationError) as duplicate:
        _create(manager, name="presse", add_tags=["x"])
    assert "already" in duplicate.value.message_dict["name"][0]
    analyst = make_member(org, "analyst")
    with pytest.raises(ValidationError) as cannot:
        _create(manager, name="To analyst", assign_member_id=analyst.pk)
    assert "assign_member_id" in cannot.value.message_dict


def test_only_who_manages_inbox_settings_changes_rules(
        org: Organization, manager: Member, make_member: Callable[..., Member]) -> None:
    rule = _create(manager, name="Presse", add_tags=["presse"])
    responder = make_member(org, "responder")
    with pytest.raises(PermissionDenied):
        rules.create_rule(responder, RuleData(name="Mine", add_tags=["x"]), ACTOR)
    with pytest.raises(PermissionDenied):
        rules.delete_rule(responder, rule, ACTOR)
    client = Client()
    client.force_login(responder.user)
    assert client.get("/inbox/rules/").status_code == 403
    assert client.post(f"/inbox/rules/{rule.pk}/delete/").status_code == 403
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_managers_manage_rules_through_the_pages(
        org: Organization, manager: Member, make_channel: Callable[..., Channel]) -> None:
    channel = make_channel(org)
    client = Client()
    client.force_login(manager.user)
    assert client.get("/inbox/rules/new/").status_code == 200
    bad = client.post("/inbox/rules/new/", {"name": "Presse <b>", "keywords": "journaliste",
                                            "urgent": "any"})
    page = bad.content.decode()
    assert bad.status_code == 200 and "A rule needs at least one action." in page
    assert "Presse &lt;b&gt;" in page and "journaliste" in page  # what was typed stays
    for name, words in (("Presse", "journaliste\npress"), ("Spam", "bit.ly")):
        response = client.post("/inbox/rules/new/", {
            "name": name, "enabled": "on", "keywords": words, "urgent": "any",
            "add_tags": name.lower(), "channels": [str(channel.pk)], "kinds": ["dm", "comment"]})
        assert response.status_code == 302
    presse, spam = Rule.objects.order_by("position")
    assert presse.keywords == ["journaliste", "press"] and presse.channels == [channel.pk]
    assert (presse.position, spam.position) == (0, 1)
    client.post(f"/inbox/rules/{spam.pk}/move/", {"direction": "up"})
    assert list(Rule.objects.order_by("position").values_list("name", flat=True)) == [
        "Spam", "Presse"]
    client.post(f"/inbox/rules/{spam.pk}/toggle/")
    spam.refresh_from_db()
    assert not spam.enabled
    listing = client.get("/inbox/rules/").content.decode()
    assert listing.index("Spam") < listing.index("Presse") and "words: bit.ly" in listing
    edit = client.post(f"/inbox/rules/{presse.pk}/", {"name": "Presse", "urgent": "any",
                                                      "set_priority": "2"})
    assert edit.status_code == 302
    presse.refresh_from_db()
    assert presse.set_priority == 2 and presse.keywords == [] and not presse.enabled
    client.post(f"/inbox/rules/{presse.pk}/delete/")
    assert list(Rule.objects.values_list("name", flat=True)) == ["Spam"]
    actions = list(AuditEvent.objects.filter(action__startswith="inbox.rule_")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["inbox.rule_create", "inbox.rule_create", "inbox.rule_move",
                       "inbox.rule_toggle", "inbox.rule_update", "inbox.rule_delete"]


def test_the_api_lists_creates_changes_and_deletes_rules(
        org: Organization, manager: Member, make_member: Callable[..., Member]) -> None:
    client = Client()
    headers = {"Authorization": f"Bearer {create_token(manager, ACTOR).raw}"}
    made = client.post("/api/v1/inbox/rules", {"name": "Presse", "keywords": ["press"],
                                               "add_tags": ["presse"]},
                       content_type="application/json", headers=headers)
    assert made.status_code == 201, made.content
    rule_id = made.json()["id"]
    bad = client.post("/api/v1/inbox/rules", {"name": "Nothing"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 400 and "at least one action" in bad.json()["message"]
    changed = client.put(f"/api/v1/inbox/rules/{rule_id}",
                         {"name": "Presse", "keywords": ["press"], "set_priority": 2},
                         content_type="application/json", headers=headers)
    assert changed.json()["set_priority"] == 2 and changed.json()["add_tags"] == []
    listed = client.get("/api/v1/inbox/rules", headers=headers).json()
    assert [r["name"] for r in listed] == ["Presse"]
    responder = make_member(org, "responder")
    theirs = {"Authorization": f"Bearer {create_token(responder, ACTOR).raw}"}
    assert client.delete(f"/api/v1/inbox/rules/{rule_id}", headers=theirs).status_code == 403
    assert client.delete(f"/api/v1/inbox/rules/{rule_id}", headers=headers).status_code == 204
    assert not Rule.objects.exists()


def test_the_demo_rules_tag_press_and_hide_spam(
        org: Organization, manager: Member, make_member: Callable[..., Member],
        make_channel: Callable[..., Channel], make_item: Callable[..., InboundItem]) -> None:
    from socialops.inbox.demo_data import seed_rules_demo

    seed_rules_demo(manager, ACTOR)
    assert list(Rule.objects.order_by("position").values_list("name", flat=True)) == [
        "Liens suspects", "Presse", "Clients VIP", "Service client FR"]
    ingest(make_channel(org), [
        make_item("Bonjour, je suis journaliste à Libération", author="press", kind="dm",
                  thread_key="dm:press", parent=None, post=None, language="fr"),
        make_item("Presse: gagnez des free followers sur bit.ly/x", author="bot", kind="dm",
                  thread_key="dm:bot", parent=None, post=None)])
    press = Conversation.objects.get(thread_key="dm:press")
    spam = Conversation.objects.get(thread_key="dm:bot")
    assert press.tags == ["presse"] and press.assignee_id == manager.pk
    # The spam rule stops there: the press rule below it does not tag it.
    assert spam.tags == ["spam"] and spam.priority == Priority.LOW
