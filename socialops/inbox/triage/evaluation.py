"""Measure the classifier's sentiment against VADER's ground truth (`socialops triage eval`).

The ground-truth file (`tweets_GroundTruth.txt` in the vaderSentiment sdist) holds one
line per text: `id<TAB>mean human rating<TAB>text`, ratings in [-4, 4]. We report the
Pearson correlation between our `sentiment_score` and the mean rating, and the 3-class
weighted F1 with the same thresholds on both sides: positive above 0.05, negative
below -0.05, neutral otherwise (VADER's own convention for its compound score).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from socialops.inbox.triage import Classifier

# Strictly above / below these a score is positive / negative, for ratings and scores alike.
POSITIVE_ABOVE = 0.05
NEGATIVE_BELOW = -0.05
CLASSES = ("positive", "neutral", "negative")
EVAL_BATCH = 512


@dataclass(frozen=True)
class Rated:
    """One text of a ground-truth file with its mean human rating."""

    id: str
    rating: float
    text: str


@dataclass(frozen=True)
class Evaluation:
    """The figures of one evaluation run."""

    items: int
    pearson_r: float
    weighted_f1: float
    languages: dict[str, int]


def read_ground_truth(path: Path) -> list[Rated]:
    """Parse a VADER ground-truth file; raise ValueError naming the first bad line."""
    rows = []
    with path.open(encoding="utf-8", newline=None) as lines:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            parts = line.split("\t", 2)
            try:
                rows.append(Rated(parts[0], float(parts[1]), parts[2]))
            except (IndexError, ValueError):
                raise ValueError(f"{path}:{number}: expected id<TAB>score<TAB>text") from None
    return rows


def label(score: float) -> str:
    """Return the 3-class label of a score or a rating (thresholds above)."""
    if score > POSITIVE_ABOVE:
        return "positive"
    if score < NEGATIVE_BELOW:
        return "negative"
    return "neutral"


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Return Pearson's r, or 0.0 when either side does not vary."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = sum((x - mx) ** 2 for x in xs)
    vy = sum((y - my) ** 2 for y in ys)
    if vx == 0 or vy == 0:
        return 0.0
    return cov / math.sqrt(vx * vy)


def weighted_f1(truth: Sequence[str], predicted: Sequence[str]) -> float:
    """Return the F1 of each class weighted by its share of the truth (as scikit-learn)."""
    support = Counter(truth)
    total = 0.0
    for cls in CLASSES:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == cls == p)
        predicted_count = sum(1 for p in predicted if p == cls)
        if not support[cls]:
            continue
        precision = tp / predicted_count if predicted_count else 0.0
        recall = tp / support[cls]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total += f1 * support[cls]
    return total / len(truth) if truth else 0.0


def evaluate(classifier: Classifier, rows: Sequence[Rated]) -> Evaluation:
    """Classify every text as the inbox would (hinted English) and compare with the ratings."""
    scores: list[float] = []
    languages: Counter[str] = Counter()
    for start in range(0, len(rows), EVAL_BATCH):
        batch = rows[start:start + EVAL_BATCH]
        for triage in classifier.classify([r.text for r in batch], ["en"] * len(batch)):
            scores.append(triage.sentiment_score)
            languages[triage.language] += 1
    ratings = [r.rating for r in rows]
    return Evaluation(
        items=len(rows),
        pearson_r=round(pearson(scores, ratings), 4),
        weighted_f1=round(weighted_f1([label(r) for r in ratings], [label(s) for s in scores]),
                          4),
        languages=dict(languages),
    )
