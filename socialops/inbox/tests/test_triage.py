"""Triage in French and English, measured on the sandbox simulator's labelled phrasebooks."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from types import ModuleType

import pytest

from socialops.connectors.sandbox import phrasebook_en, phrasebook_fr
from socialops.inbox.triage import URGENT, Triage, get_classifier, priority_for

BOOKS: dict[str, ModuleType] = {"en": phrasebook_en, "fr": phrasebook_fr}


def classify(text: str) -> Triage:
    return get_classifier().classify([text])[0]


@pytest.mark.parametrize(("text", "language"), [
    ("My order still hasn't arrived after two weeks, not impressed.", "en"),
    ("Ma commande n'est toujours pas arrivée après deux semaines.", "fr"),
    ("Bonjour, vous livrez en Belgique ?", "fr"),
    ("Is there a student discount on the premium plan?", "en"),
    ("ok", "unknown"),
    ("😍😍", "unknown"),
])
def test_language(text: str, language: str) -> None:
    assert classify(text).language == language


@pytest.mark.parametrize(("text", "sentiment"), [
    ("Love the new app, honestly the best thing you have done in years!", "positive"),
    ("Really disappointed, it stopped working after three days.", "negative"),
    ("J'adore, franchement génial, bravo !", "positive"),
    ("Le service client m'a raccroché au nez. Inadmissible.", "negative"),
    ("Très déçu, colis arrivé abîmé.", "negative"),
    ("What are your opening hours on Sunday?", "neutral"),
])
def test_sentiment_polarity(text: str, sentiment: str) -> None:
    result = classify(text)
    assert result.sentiment == sentiment
    assert -1.0 <= result.sentiment_score <= 1.0


@pytest.mark.parametrize(("text", "reason"), [
    ("My lawyer will be in touch, this is a breach of contract.", "legal"),
    ("Je dépose plainte auprès de la DGCCRF contre vous.", "legal"),
    ("MISE EN DEMEURE : supprimez mes données.", "legal"),
    ("The charger caught fire last night!", "safety"),
    ("Mon enfant a fait une réaction allergique.", "safety"),
    ("Le chargeur a pris feu cette nuit.", "safety"),
    ("Journalist here, can your press office call me?", "press"),
    ("Journaliste au Progres, une demande de reaction avant 17 h ?", "press"),
    ("Someone hacked my account and placed an order!", "hijack"),
    ("Quelqu\u2019un a piraté mon compte, bloquez-le !", "hijack"),
    ("I want to kill myself, nobody cares", "self_harm"),
    ("J'ai envie de mourir", "self_harm"),
])
def test_urgent_cases_in_both_languages(text: str, reason: str) -> None:
    result = classify(text)
    assert result.urgent and reason in result.urgent_reasons
    assert priority_for(result) == URGENT


@pytest.mark.parametrize("text", [
    "Fire your social media intern please.",
    "Quel article me conseillez-vous pour l'hiver ?",
    "Can I change my password in the app?",
    "Merci pour la réponse rapide !",
])
def test_ordinary_messages_are_not_urgent(text: str) -> None:
    assert not classify(text).urgent


def test_spam_and_not_spam() -> None:
    spam = classify("🔥 Free gift cards for the first 100 people: https://bit.ly/abc123")
    ham = classify("Is the free delivery offer valid in Lyon?")
    assert spam.spam and not ham.spam


def _labelled() -> list[tuple[str, str, str]]:
    """Render every phrasebook template with the simulator's placeholders."""
    rng = random.Random(7)
    hosts = ("bit.ly", "tinyurl.com", "free-gifts.example", "cheap-followers.example")
    rows = []
    for lang, book in BOOKS.items():
        def render(template: str, book: ModuleType = book) -> str:
            return template.format(
                brand="@maisonarlette", product=rng.choice(book.PRODUCTS),
                name=rng.choice(book.FIRST_NAMES), city=rng.choice(book.CITIES),
                order=f"#{rng.randint(100000, 999999)}", topic="rappel produit",
                link=f"https://{rng.choice(hosts)}/{rng.randrange(16**6):06x}")
        for category, templates in book.TEMPLATES.items():
            rows += [(lang, category, render(t)) for t in templates]
        for sub, templates in book.URGENT.items():
            rows += [(lang, f"urgent/{sub}", render(t)) for t in templates]
        rows += [(lang, "crisis", render(t)) for t in book.CRISIS]
    return rows


def test_measured_on_the_simulator_phrasebooks() -> None:
    rows = _labelled()
    results = get_classifier().classify([text for _l, _c, text in rows])
    urgent = [r for (_l, c, _t), r in zip(rows, results, strict=True) if c.startswith("urgent")]
    ordinary = [r for (_l, c, _t), r in zip(rows, results, strict=True)
                if not c.startswith("urgent")]
    flagged_spam = [c for (_l, c, _t), r in zip(rows, results, strict=True) if r.spam]
    actual_spam = [r for (_l, c, _t), r in zip(rows, results, strict=True) if c == "spam"]
    language_ok = sum(r.language == lang for (lang, _c, _t), r in zip(rows, results,
                                                                     strict=True))
    figures = {
        "urgent_recall": sum(r.urgent for r in urgent) / len(urgent),
        "urgent_false_positive_rate": sum(r.urgent for r in ordinary) / len(ordinary),
        "spam_precision": flagged_spam.count("spam") / max(1, len(flagged_spam)),
        "spam_recall": sum(r.spam for r in actual_spam) / len(actual_spam),
        "language_accuracy": language_ok / len(rows),
    }
    print(json.dumps(figures))
    assert figures["urgent_recall"] >= 0.9
    assert figures["urgent_false_positive_rate"] <= 0.03
    assert figures["spam_precision"] >= 0.9
    assert figures["spam_recall"] >= 0.8
    assert figures["language_accuracy"] >= 0.9


@pytest.mark.parametrize("category", ["praise", "complaint"])
def test_sentiment_follows_the_phrasebook_category(category: str) -> None:
    texts = [t.format(brand="Arlette", product="the app", name="Emma", city="Lyon",
                      order="#1", link="") for book in BOOKS.values()
             for t in book.TEMPLATES[category]]
    labels = [r.sentiment for r in get_classifier().classify(texts)]
    wanted, opposite = ("positive", "negative") if category == "praise" else ("negative",
                                                                              "positive")
    assert labels.count(wanted) / len(labels) >= 0.65
    assert labels.count(opposite) / len(labels) <= 0.2


def test_the_classify_command_reads_and_writes_json_lines() -> None:
    lines = [{"id": 1, "text": "Mon avocat va vous contacter."},
             {"id": "b", "text": "Love it, thank you!"}]
    done = subprocess.run(
        [sys.executable, "-m", "socialops.cli", "triage", "classify"],
        input="\n".join(json.dumps(line) for line in lines), capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b"]
    assert set(out[0]) == {"id", "language", "sentiment", "sentiment_score", "spam", "urgent",
                           "priority"}
    assert out[0]["urgent"] is True and out[0]["language"] == "fr"
    assert out[1]["sentiment"] == "positive" and out[1]["urgent"] is False
