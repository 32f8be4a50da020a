"""Hold the sentence patterns of the plain-language summary, per language.

They are data rather than gettext messages because the grammar differs: French agrees
the verb and the participle with each metric's gender and number ("la portée a baissé",
"les interactions ont augmenté, portées par…"), which one English msgid cannot carry.
Placeholders: {value}, {pct}, {driver}, {delta}, {text}, {channel}, {count}, {before},
{after}, {week}, {week_pct}, {previous}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricPhrases:
    """The sentences about one metric's movement in one language."""

    up: str
    down: str
    stable: str
    up_driver: str  # appended before the final full stop when a driver is known
    down_driver: str


PHRASES: dict[str, dict[str, MetricPhrases]] = {
    "en": {
        "engagements": MetricPhrases(
            "Engagements rose {pct} to {value}", "Engagements fell {pct} to {value}",
            "Engagements held steady at {value} ({pct})",
            ", driven by {driver} ({delta})", ", mostly on {driver} ({delta})"),
        "reach": MetricPhrases(
            "Reach rose {pct} to {value}", "Reach fell {pct} to {value}",
            "Reach held steady at {value} ({pct})",
            ", driven by {driver} ({delta})", ", mostly on {driver} ({delta})"),
        "impressions": MetricPhrases(
            "Impressions rose {pct} to {value}", "Impressions fell {pct} to {value}",
            "Impressions held steady at {value} ({pct})",
            ", driven by {driver} ({delta})", ", mostly on {driver} ({delta})"),
        "follower_change": MetricPhrases(
            "The channels gained {value} followers ({pct} more than the period before)",
            "The channels gained {value} followers ({pct} fewer than the period before)",
            "The channels gained {value} followers, as many as the period before",
            ", the most on {driver} ({delta})", ", the most on {driver} ({delta})"),
    },
    "fr": {
        "engagements": MetricPhrases(
            "Les interactions ont augmenté de {pct} pour atteindre {value}",
            "Les interactions ont baissé de {pct} à {value}",
            "Les interactions sont restées stables à {value} ({pct})",
            ", portées surtout par {driver} ({delta})", ", surtout sur {driver} ({delta})"),
        "reach": MetricPhrases(
            "La portée a augmenté de {pct} pour atteindre {value}",
            "La portée a baissé de {pct} à {value}",
            "La portée est restée stable à {value} ({pct})",
            ", portée surtout par {driver} ({delta})", ", surtout sur {driver} ({delta})"),
        "impressions": MetricPhrases(
            "Les impressions ont augmenté de {pct} pour atteindre {value}",
            "Les impressions ont baissé de {pct} à {value}",
            "Les impressions sont restées stables à {value} ({pct})",
            ", portées surtout par {driver} ({delta})", ", surtout sur {driver} ({delta})"),
        "follower_change": MetricPhrases(
            "Les comptes ont gagné {value} abonnés ({pct} de plus que la période précédente)",
            "Les comptes ont gagné {value} abonnés ({pct} de moins que la période précédente)",
            "Les comptes ont gagné {value} abonnés, autant que la période précédente",
            ", le plus sur {driver} ({delta})", ", le plus sur {driver} ({delta})"),
    },
}

RATE: dict[str, str] = {
    "en": "The engagement rate by reach went from {before} to {after}.",
    "fr": "Le taux d\u2019interaction sur la portée est passé de {before} à {after}.",
}
TOP_POST: dict[str, str] = {
    "en": "The best post, “{text}” on {channel}, earned {count} engagements.",
    "fr": "La meilleure publication, «\u00a0{text}\u00a0» sur {channel}, a obtenu {count} "
          "interactions.",
}
RESPONSE: dict[str, str] = {
    "en": "{value} of first answers came within the target time (period before: "
          "{previous}); the weakest week began on {week} ({week_pct}).",
    "fr": "{value} des premières réponses sont arrivées dans le délai cible (période "
          "précédente\u00a0: {previous})\u00a0; la semaine la plus faible a commencé le {week} "
          "({week_pct}).",
}
# A channel whose name other channels share, told apart by its network.
CHANNEL_ON: dict[str, str] = {"en": "{name} on {network}", "fr": "{name} sur {network}"}
NOTHING: dict[str, str] = {
    "en": "No metrics were collected for this period.",
    "fr": "Aucune mesure n\u2019a été collectée pour cette période.",
}
