"""Write the plain-language summary of a period: the movements that matter, with drivers.

Deterministic: the same numbers always give the same sentences. Each candidate movement
(engagements, reach, impressions, follower gains, engagement rate, answers within
target) is scored by the size of its relative change against the previous period; the
four largest are kept, in that order, and the best post closes the summary. A driver is
the channel whose own change explains most of the total (same direction, largest).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language

from socialops.analytics import formatting, kpis
from socialops.analytics.kpis import Period, Scope
from socialops.analytics.summary_phrases import (
    CHANNEL_ON,
    NOTHING,
    PHRASES,
    RATE,
    RESPONSE,
    TOP_POST,
)
from socialops.connectors.registry import capabilities_for
from socialops.inbox.models import Conversation

STABLE_BELOW = 0.02  # a change under 2 % is "held steady"
MAX_MOVEMENTS = 4
MIN_WEEK_CONVERSATIONS = 5
POST_TEXT_CHARS = 60
METRICS = ("engagements", "reach", "impressions", "follower_change")


@dataclass(frozen=True)
class Movement:
    """One sentence of the summary and how much it matters."""

    weight: float
    sentence: str


def _language(language: str | None) -> str:
    code = (language or get_language() or "en")[:2]
    return code if code in PHRASES else "en"


def _signed(value: float, language: str) -> str:
    text = formatting.number(abs(value), 0, language)
    return ("+" if value >= 0 else "\u2212") + text


def _driver(metric: str, current: list[dict[str, Any]], previous: list[dict[str, Any]],
            direction: float, language: str) -> tuple[str, float] | None:
    before = {row["channel_id"]: row[metric] or 0 for row in previous}
    names = Counter(row["channel"] for row in current)
    best: tuple[str, float] | None = None
    for row in current:
        delta = (row[metric] or 0) - before.get(row["channel_id"], 0)
        if delta * direction > 0 and (best is None or abs(delta) > abs(best[1])):
            best = (_channel_name(row, names, language), delta)
    return best


def _largest(metric: str, current: list[dict[str, Any]], language: str
             ) -> tuple[str, float] | None:
    names = Counter(row["channel"] for row in current)
    rows = [row for row in current if (row[metric] or 0) > 0]
    if not rows:
        return None
    top = max(rows, key=lambda row: (row[metric], -row["channel_id"]))
    return _channel_name(top, names, language), float(top[metric])


def _channel_name(row: dict[str, Any], names: Counter[str], language: str) -> str:
    # Brands often give every account the same name: add the network when it is shared.
    if names[row["channel"]] < 2:
        return str(row["channel"])
    return CHANNEL_ON[language].format(
        name=row["channel"], network=capabilities_for(row["network"]).display_name)


def _metric_movement(metric: str, now: dict[str, Any], then: dict[str, Any],
                     channels: tuple[list[dict[str, Any]], list[dict[str, Any]]],
                     language: str) -> Movement | None:
    current, previous = now.get(metric), then.get(metric)
    ratio = kpis.change(current, previous)
    if current is None or previous is None or ratio is None:
        return None
    phrases = PHRASES[language][metric]
    values = {"value": formatting.number(current, 0, language),
              "pct": formatting.percent(abs(ratio), 1, language)}
    if abs(ratio) < STABLE_BELOW:
        values["pct"] = formatting.signed_percent(ratio, 1, language)
        return Movement(abs(ratio), phrases.stable.format(**values) + ".")
    up = ratio > 0
    sentence = (phrases.up if up else phrases.down).format(**values)
    if metric == "follower_change":
        # For gains, the driver is where most followers came from, not where the gain
        # grew most: "most of them on …" must be a share of the total.
        driver = _largest(metric, channels[0], language)
    else:
        driver = _driver(metric, *channels, direction=1 if up else -1, language=language)
    if driver is not None:
        sentence += (phrases.up_driver if up else phrases.down_driver).format(
            driver=driver[0], delta=_signed(driver[1], language))
    return Movement(abs(ratio), sentence + ".")


def _rate_movement(now: dict[str, Any], then: dict[str, Any], language: str
                   ) -> Movement | None:
    before, after = then.get("engagement_rate_reach"), now.get("engagement_rate_reach")
    ratio = kpis.change(after, before)
    if ratio is None or abs(ratio) < STABLE_BELOW:
        return None
    return Movement(abs(ratio), RATE[language].format(
        before=formatting.percent(before, 1, language),
        after=formatting.percent(after, 1, language)))


def _weakest_week(scope: Scope, period: Period) -> tuple[date, float] | None:
    start, end = period.bounds()
    weeks: dict[date, list[bool]] = {}
    for first, answered, due in Conversation.objects.filter(
        organization_id=scope.organization_id, channel_id__in=scope.channel_ids, spam=False,
        first_inbound_at__gte=start, first_inbound_at__lt=end,
        first_responded_at__isnull=False,
    ).values_list("first_inbound_at", "first_responded_at", "first_response_due_at"):
        day = _local_date(first)
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(monday, []).append(
            due is None or (answered is not None and answered <= due))
    shares = [(sum(v) / len(v), monday) for monday, v in weeks.items()
              if len(v) >= MIN_WEEK_CONVERSATIONS]
    if not shares:
        return None
    share, monday = min(shares)
    return monday, share


def _local_date(value: datetime) -> date:
    from django.utils import timezone

    return timezone.localtime(value).date()


def _response_movement(scope: Scope, period: Period, language: str) -> Movement | None:
    now = kpis.inbox_kpis(scope, period)["within_target"]
    then = kpis.inbox_kpis(scope, period.previous())["within_target"]
    weakest = _weakest_week(scope, period)
    if now is None or weakest is None:
        return None
    ratio = kpis.change(now, then)
    with translation.override(language):
        week = date_format(weakest[0], "j F" if language == "fr" else "F j")
    return Movement(abs(ratio) if ratio is not None else 0.0, RESPONSE[language].format(
        value=formatting.percent(now, 1, language).capitalize(),
        previous=formatting.percent(then, 1, language), week=week,
        week_pct=formatting.percent(weakest[1], 1, language)))


def _top_post(scope: Scope, period: Period, language: str) -> str | None:
    top = kpis.top_posts(scope, period, limit=1)
    if not top or not top[0]["engagements"]:
        return None
    text = " ".join(top[0]["text"].split())
    if len(text) > POST_TEXT_CHARS:
        text = text[:POST_TEXT_CHARS - 1].rstrip() + "…"
    return TOP_POST[language].format(text=text, channel=top[0]["channel"],
                                     count=formatting.number(top[0]["engagements"], 0,
                                                             language))


def summarize(scope: Scope, period: Period, language: str | None = None) -> list[str]:
    """Return the summary's sentences (3 to 5 when there is enough data) in a language."""
    language = _language(language)
    now = kpis.channel_kpis(scope, period)
    then = kpis.channel_kpis(scope, period.previous())
    if all(now.get(metric) is None for metric in METRICS):
        return [NOTHING[language]]
    channels = (kpis.by_channel(scope, period), kpis.by_channel(scope, period.previous()))
    candidates = [_metric_movement(m, now, then, channels, language) for m in METRICS]
    candidates += [_rate_movement(now, then, language),
                   _response_movement(scope, period, language)]
    movements = sorted((m for m in candidates if m is not None),
                       key=lambda m: -m.weight)[:MAX_MOVEMENTS]
    sentences = [m.sentence for m in movements]
    top = _top_post(scope, period, language)
    if top:
        sentences.append(top)
    return sentences
