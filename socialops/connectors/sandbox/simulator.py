"""Simulate an audience: comments, replies, mentions and DMs arriving at brand accounts.

Arrivals follow a daily and weekly cycle scaled by followers; texts come from French and
English phrasebooks in six categories. Each generated item carries its category in
`sim_category` so triage can be evaluated later. The same seed and the same calls give
the same content.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from socialops.connectors.capabilities import Feature
from socialops.connectors.errors import UnknownNetworkError
from socialops.connectors.registry import capabilities_for
from socialops.connectors.sandbox import phrasebook_en, phrasebook_fr
from socialops.connectors.sandbox.state import Clock
from socialops.connectors.sandbox.store import NewDm, NewPost, Row, Store

PHRASEBOOKS: dict[str, ModuleType] = {"en": phrasebook_en, "fr": phrasebook_fr}
CATEGORY_WEIGHTS = {
    "praise": 32,
    "question": 26,
    "complaint": 20,
    "spam": 10,
    "troll": 9,
    "urgent": 3,
}
KIND_WEIGHTS: dict[str, dict[str, int]] = {
    "praise": {"comment": 55, "mention": 30, "reply": 10, "dm": 5},
    "question": {"comment": 45, "dm": 30, "mention": 15, "reply": 10},
    "complaint": {"comment": 35, "mention": 30, "dm": 25, "reply": 10},
    "spam": {"comment": 70, "dm": 20, "mention": 10},
    "troll": {"comment": 50, "mention": 35, "reply": 15},
    "urgent": {"dm": 50, "mention": 30, "comment": 20},
}
KIND_FEATURE = {
    "comment": Feature.COMMENTS,
    "reply": Feature.COMMENTS,
    "mention": Feature.MENTIONS,
    "dm": Feature.DMS,
}
SPAM_HOSTS = ("bit.ly", "tinyurl.com", "free-gifts.example", "cheap-followers.example")
PERSONAS_PER_LANGUAGE = 40
MAX_STEP_SECONDS = 900.0
TIMEZONE = "Europe/Paris"


def activity_factor(when: datetime) -> float:
    """Return the relative activity at a local time: low at night, peaks late morning/evening.

    Weekdays peak around 11:00 and 20:30; weekends have one broad early-afternoon peak and
    an evening one, and slightly less traffic overall.
    """
    hour = when.hour + when.minute / 60
    if when.weekday() >= 5:
        peaks = ((13.5, 3.0, 0.8), (21.0, 2.0, 0.9))
        weekly = 0.8 if when.weekday() == 5 else 0.85
    else:
        peaks = ((11.0, 1.8, 1.0), (20.5, 2.0, 1.1))
        weekly = 0.95 if when.weekday() == 4 else 1.0
    curve = sum(h * math.exp(-((hour - c) ** 2) / (2 * w * w)) for c, w, h in peaks)
    return (0.06 + curve) * weekly


def peak_hourly_rate(followers: int) -> float:
    """Return the inbound messages per hour at peak for an account of this size."""
    # Conversation grows much slower than audience: roughly with its square root.
    return 1.0 + math.sqrt(max(0, followers)) / 10


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@dataclass
class Crisis:
    """Describe one injected spike of negative mentions about a topic."""

    id: int
    topic: str
    language: str
    per_minute: float
    ends_at: float
    handle: str | None = None
    backlog: float = 0.0
    generated: int = 0


class AudienceSimulator:
    """Generate inbound traffic for every brand account of a sandbox store."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        seed: int | None = None,
        running: bool = False,
        rate_multiplier: float = 1.0,
    ):
        self.store = store
        self.clock = clock
        self.running = running
        self.rate_multiplier = rate_multiplier
        self._rng = random.Random(seed)  # noqa: S311 - simulation, not security
        self._persona_rng = random.Random(f"personas-{seed}")  # noqa: S311
        self._lock = threading.RLock()
        self._personas: dict[str, list[tuple[str, str]]] = {}
        self._persona_ids: dict[str, int] = {}
        self._crises: list[Crisis] = []
        self._crisis_count = 0
        try:
            self._tz: ZoneInfo | None = ZoneInfo(TIMEZONE)
        except (KeyError, ValueError):
            self._tz = None

    def status(self) -> dict[str, Any]:
        """Return whether it runs, how fast, and the active crises."""
        with self._lock:
            return {
                "running": self.running,
                "rate_multiplier": self.rate_multiplier,
                "crises": [asdict(c) for c in self._crises],
            }

    def configure(
        self, *, running: bool | None = None, rate_multiplier: float | None = None
    ) -> None:
        """Start, stop or speed up the background traffic."""
        with self._lock:
            if running is not None:
                self.running = running
            if rate_multiplier is not None:
                if rate_multiplier <= 0:
                    raise ValueError("rate_multiplier must be positive")
                self.rate_multiplier = rate_multiplier

    # Baseline traffic

    def generate(self, sim_seconds: float) -> int:
        """Generate the traffic of `sim_seconds` of simulated time; return the item count."""
        with self._lock:
            now = self.clock.now()
            accounts = self.store.managed_accounts()
            created = 0
            remaining = sim_seconds
            while remaining > 0:
                step = min(MAX_STEP_SECONDS, remaining)
                remaining -= step
                # Sample the daily cycle across the window, so long windows average it.
                factor = activity_factor(self._local(now - remaining))
                for account in accounts:
                    rate = peak_hourly_rate(account["followers"]) * factor
                    created += self._generate_for(account, rate * step / 3600, now)
            return created

    def _generate_for(self, account: Row, expected: float, now: float) -> int:
        count = self._poisson(expected)
        if count == 0:
            return 0
        self._ensure_seed_posts(account, now)
        created = 0
        for _ in range(count):
            lang = self._language(account)
            category = self._weighted(CATEGORY_WEIGHTS)
            kind = self._kind(account, category)
            if kind is None:
                continue
            text, label = self._text(account, lang, category, kind)
            self._emit(account, kind, text, lang, label, now)
            created += 1
        self._add_reactions(account, expected * 3)
        return created

    # Crises

    def start_crisis(
        self,
        *,
        topic: str,
        minutes: float,
        per_minute: float,
        language: str = "mixed",
        handle: str | None = None,
    ) -> dict[str, Any]:
        """Start a spike of negative mentions about `topic` (real time, not simulated)."""
        if not topic.strip() or minutes <= 0 or per_minute <= 0:
            raise ValueError("topic, minutes > 0 and per_minute > 0 are required")
        if language not in ("fr", "en", "mixed"):
            raise ValueError("language must be fr, en or mixed")
        with self._lock:
            self._crisis_count += 1
            crisis = Crisis(
                id=self._crisis_count,
                topic=topic.strip(),
                language=language,
                per_minute=per_minute,
                ends_at=self._monotonic() + minutes * 60,
                handle=handle,
            )
            self._crises.append(crisis)
            return asdict(crisis)

    def _run_crises(self, real_seconds: float, now: float) -> int:
        created = 0
        still_active = []
        for crisis in self._crises:
            crisis.backlog += crisis.per_minute * real_seconds / 60
            count = int(crisis.backlog)
            crisis.backlog -= count
            for _ in range(count):
                created += self._crisis_item(crisis, now)
            if self._monotonic() < crisis.ends_at:
                still_active.append(crisis)
        self._crises = still_active
        return created

    def _crisis_item(self, crisis: Crisis, now: float) -> int:
        targets = self.store.managed_accounts()
        if crisis.handle:
            targets = [a for a in targets if a["handle"] == crisis.handle]
        if not targets:
            return 0
        account = self._rng.choice(targets)
        lang = crisis.language if crisis.language != "mixed" else self._rng.choice(("fr", "en"))
        template = self._rng.choice(PHRASEBOOKS[lang].CRISIS)
        text = template.format(brand=f"@{account['handle']}", topic=crisis.topic)
        if f"@{account['handle']}" not in text:
            text = f"@{account['handle']} {text}"
        self._emit(account, "mention", text, lang, "crisis", now)
        crisis.generated += 1
        return 1

    # The background thread

    def tick(self, real_seconds: float) -> int:
        """Advance by `real_seconds` of wall time: baseline (if running) plus crises."""
        with self._lock:
            created = 0
            if self.running:
                created += self.generate(real_seconds * self.rate_multiplier)
            return created + self._run_crises(real_seconds, self.clock.now())

    def run(self, stop: threading.Event, interval: float = 0.25) -> None:
        """Tick until `stop` is set."""
        last = self._monotonic()
        while not stop.wait(interval):
            current = self._monotonic()
            self.tick(current - last)
            last = current

    @staticmethod
    def _monotonic() -> float:
        return time.monotonic()

    # Content

    def _local(self, timestamp: float) -> datetime:
        return datetime.fromtimestamp(timestamp, self._tz)

    def _poisson(self, expected: float) -> int:
        if expected <= 0:
            return 0
        if expected > 30:
            return max(0, round(self._rng.gauss(expected, math.sqrt(expected))))
        threshold, count, product = math.exp(-expected), 0, self._rng.random()
        while product > threshold:
            count += 1
            product *= self._rng.random()
        return count

    def _weighted(self, weights: dict[str, int]) -> str:
        names = list(weights)
        return self._rng.choices(names, weights=[weights[n] for n in names])[0]

    def _language(self, account: Row) -> str:
        mix = json.loads(account["languages"] or "{}")
        weights = {lang: int(share * 100) for lang, share in mix.items() if lang in PHRASEBOOKS}
        return self._weighted(weights) if any(weights.values()) else "en"

    def _kind(self, account: Row, category: str) -> str | None:
        try:
            features = capabilities_for(account["network"]).features
        except UnknownNetworkError:
            features = frozenset(Feature)
        allowed = {k: w for k, w in KIND_WEIGHTS[category].items() if KIND_FEATURE[k] in features}
        return self._weighted(allowed) if allowed else None

    def _text(self, account: Row, lang: str, category: str, kind: str) -> tuple[str, str]:
        book = PHRASEBOOKS[lang]
        label = category
        if category == "urgent":
            sub = self._rng.choice(sorted(book.URGENT))
            template = self._rng.choice(book.URGENT[sub])
            label = f"urgent/{sub}"
        else:
            template = self._rng.choice(book.TEMPLATES[category])
        handle = f"@{account['handle']}"
        text: str = template.format(
            brand=handle if kind == "mention" else account["display_name"],
            product=self._rng.choice(book.PRODUCTS),
            name=self._rng.choice(book.FIRST_NAMES),
            city=self._rng.choice(book.CITIES),
            order=f"#{self._rng.randint(100000, 999999)}",
            link=f"https://{self._rng.choice(SPAM_HOSTS)}/{self._rng.randrange(16**6):06x}",
            topic="",
        )
        if kind == "mention" and handle not in text:
            text = f"{handle} {text}"
        return text, label

    def _persona(self, lang: str) -> int:
        if lang not in self._personas:
            book = PHRASEBOOKS[lang]
            self._personas[lang] = [
                (
                    f"{self._persona_rng.choice(book.FIRST_NAMES)}",
                    f"{self._persona_rng.choice(book.LAST_NAMES)}",
                )
                for _ in range(PERSONAS_PER_LANGUAGE)
            ]
        index = self._rng.randrange(PERSONAS_PER_LANGUAGE)
        first, last = self._personas[lang][index]
        handle = f"{_ascii(first)}_{_ascii(last)}{index}_{lang}"
        if handle not in self._persona_ids:
            row, _ = self.store.create_account(
                handle=handle,
                network="sandbox",
                display_name=f"{first} {last}",
                followers=20 + (index * 37) % 3000,
                created_at=self.clock.now(),
                languages={lang: 1.0},
                audience=True,
            )
            self._persona_ids[handle] = row["id"]
        return self._persona_ids[handle]

    def _ensure_seed_posts(self, account: Row, now: float) -> None:
        if self.store.top_level_posts(account["id"], 1):
            return
        lang = self._language(account)
        book = PHRASEBOOKS[lang]
        for index, template in enumerate(book.SEED_POSTS[:3]):
            text = template.format(product=book.PRODUCTS[index], city=book.CITIES[index])
            self.store.create_post(
                NewPost(
                    account_id=account["id"],
                    text=text,
                    placement="feed",
                    created_at=now - (3 - index) * 3 * 3600,
                    lang=lang,
                )
            )

    def _emit(self, account: Row, kind: str, text: str, lang: str, label: str, now: float) -> None:
        author_id = self._persona(lang)
        if kind == "dm":
            self.store.create_dm(
                NewDm(author_id, account["id"], text, now, lang=lang, sim_category=label)
            )
            return
        parent_id = None
        if kind == "reply":
            threads = self.store.thread_posts(account["id"], 20)
            parent_id = self._rng.choice(threads)["id"] if threads else None
        if kind in ("comment", "reply") and parent_id is None:
            posts = self.store.top_level_posts(account["id"], 10)
            parent_id = self._rng.choice(posts)["id"] if posts else None
        self.store.create_post(
            NewPost(
                account_id=author_id,
                text=text,
                placement="comment" if parent_id else "feed",
                created_at=now,
                parent_id=parent_id,
                lang=lang,
                sim_category=label,
            )
        )

    def _add_reactions(self, account: Row, expected: float) -> None:
        count = self._poisson(expected)
        posts = self.store.top_level_posts(account["id"], 5) if count else []
        if posts:
            self.store.add_reactions(self._rng.choice(posts)["id"], count)
