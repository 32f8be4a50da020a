"""The default classifier: lingua for language, VADER / textblob-fr for sentiment, rules."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

from socialops.inbox.triage import UNKNOWN, Triage, rules

SUPPORTED = ("en", "fr")
# Below this confidence (or with too few letters) the language is "unknown".
LANGUAGE_FLOOR = 0.6
MIN_LETTERS = 4
# |score| at or above these is positive / negative, per language's scale.
VADER_THRESHOLD = 0.05
FRENCH_THRESHOLD = 0.1
LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)
SHOUT_RE = re.compile(r"[!?]{3,}")
WORD_RE = re.compile(r"\w{3,}")
NOISE_RE = re.compile(r"(https?://|www\.)\S+|@[\w.@-]+|#\w+")


@cache
def _detector() -> Any:
    """Build the lingua detector once per process (restricted to the supported languages)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@cache
def _french() -> Any:
    from textblob_fr import PatternAnalyzer

    return PatternAnalyzer()


_ISO = {"ENGLISH": "en", "FRENCH": "fr"}


def detect_languages(texts: Sequence[str]) -> list[str]:
    """Return "en", "fr" or "unknown" for each text."""
    results = [UNKNOWN] * len(texts)
    # Links, handles and hashtags say nothing about the language of the sentence.
    texts = [NOISE_RE.sub(" ", t) for t in texts]
    todo = [i for i, t in enumerate(texts) if len(LETTER_RE.findall(t)) >= MIN_LETTERS]
    if not todo:
        return results
    confidences = _detector().compute_language_confidence_values_in_parallel(
        [texts[i] for i in todo]
    )
    for index, values in zip(todo, confidences, strict=True):
        if values and values[0].value >= LANGUAGE_FLOOR:
            results[index] = _ISO.get(values[0].language.name, UNKNOWN)
    return results


def _emoji_score(text: str) -> float:
    return sum(score for emoji, score in rules.EMOJI_SCORES.items() if emoji in text)


def _label(score: float, threshold: float) -> str:
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"


def french_sentiment(text: str) -> float:
    """Return a score in [-1, 1]: textblob-fr's polarity corrected by a small lexicon."""
    polarity, _subjectivity = _french().analyze(text)
    folded = rules.fold(text)
    negative, positive = rules.french_lexicon()
    cues = 0.35 * len(positive.findall(folded)) - 0.45 * len(negative.findall(folded))
    score = float(polarity) + cues + _emoji_score(text)
    return max(-1.0, min(1.0, score))


def sentiment(text: str, language: str) -> tuple[str, float]:
    """Return (label, score in [-1, 1]) with the analyser of the language."""
    if language == "fr":
        score = french_sentiment(text)
        return _label(score, FRENCH_THRESHOLD), round(score, 4)
    score = float(_vader().polarity_scores(text)["compound"])
    return _label(score, VADER_THRESHOLD), round(score, 4)


def urgent_reasons(folded: str) -> tuple[str, ...]:
    """Return the urgent categories whose patterns match the folded text."""
    return tuple(c for c, matcher in rules.urgent_matchers().items() if matcher.search(folded))


def spam_score(text: str, folded: str, repeats: int) -> int:
    """Score the signs of spam: links, known patterns, shouting, repetition."""
    strong, weak = rules.spam_matchers()
    links = rules.LINK_RE.findall(text)
    score = 0
    if links:
        score += 1
        if any(host in folded for host in rules.SHORTENERS):
            score += 1
    score += 2 * min(2, len(strong.findall(folded)))
    score += min(2, len(weak.findall(folded)))
    if SHOUT_RE.search(text):
        score += 1
    words = Counter(WORD_RE.findall(folded))
    if words and words.most_common(1)[0][1] >= 4:
        score += 1
    # The same text several times in one batch is a bot more often than a coincidence,
    # but a crisis also repeats itself: it only tips a message that has other signs.
    if repeats >= 3 and score:
        score += 1
    return score


class DefaultClassifier:
    """Classify with lingua, VADER (en), textblob-fr plus a lexicon (fr), and rules."""

    def classify(
        self, texts: Sequence[str], language_hints: Sequence[str | None] | None = None
    ) -> list[Triage]:
        """Return one Triage per text."""
        languages = detect_languages(texts)
        if language_hints is not None:
            # A network's own language tag only fills in what detection could not tell.
            languages = [
                hint if lang == UNKNOWN and hint in SUPPORTED else lang
                for lang, hint in zip(languages, language_hints, strict=True)
            ]
        folded = [rules.fold(t) for t in texts]
        repeats = Counter(f.strip() for f in folded)
        results = []
        for text, lang, fold in zip(texts, languages, folded, strict=True):
            label, score = sentiment(text, lang)
            reasons = urgent_reasons(fold)
            results.append(Triage(
                language=lang,
                sentiment=label,
                sentiment_score=score,
                spam=spam_score(text, fold, repeats[fold.strip()]) >= rules.SPAM_THRESHOLD,
                urgent=bool(reasons),
                urgent_reasons=reasons,
            ))
        return results
