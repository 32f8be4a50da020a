"""Triage on arrival: language, sentiment, spam, urgency and priority.

Everything goes through one `Classifier` protocol so that a stronger model can
replace the default (lingua + VADER + textblob-fr + rules) without touching callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Triage:
    """What the classifier concluded about one message."""

    language: str
    sentiment: str
    sentiment_score: float
    spam: bool
    urgent: bool
    urgent_reasons: tuple[str, ...] = field(default=())


class Classifier(Protocol):
    """Classify a batch of texts; a batch lets an implementation vectorise."""

    def classify(
        self, texts: Sequence[str], language_hints: Sequence[str | None] | None = None
    ) -> list[Triage]:
        """Return one Triage per text, in order."""
        ...


# Priorities (socialops.inbox.models.Priority values, kept as ints to avoid an import cycle).
LOW, NORMAL, HIGH, URGENT = 0, 1, 2, 3


def priority_for(triage: Triage, *, vip: bool = False) -> int:
    """Derive a priority: urgent first, then negative or VIP, spam last."""
    if triage.urgent:
        return URGENT
    if triage.spam:
        return LOW
    if triage.sentiment == "negative" or vip:
        return HIGH
    return NORMAL


@cache
def get_classifier() -> Classifier:
    """Return the process-wide classifier (built once: the language model is slow to load).

    `SOCIALOPS_INBOX_CLASSIFIER` (a dotted path to a class) may name another implementation.
    """
    path = getattr(settings, "SOCIALOPS_INBOX_CLASSIFIER",
                   "socialops.inbox.triage.default.DefaultClassifier")
    classifier: Classifier = import_string(path)()
    return classifier
