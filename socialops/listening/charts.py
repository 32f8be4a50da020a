"""Draw a 5-minute series as a small server-side SVG bar chart (no JavaScript needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WIDTH = 960
HEIGHT = 140


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    negative_y: float
    negative_height: float
    label: str
    volume: int
    negative: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    peak: int
    first: str
    last: str


def bars(rows: list[dict[str, Any]]) -> Chart:
    """Return the bars (volume, with its negative part) of rows of label/volume/negative."""
    peak = max((int(r["volume"]) for r in rows), default=0)
    scale = (HEIGHT - 4) / peak if peak else 0.0
    step = WIDTH / max(len(rows), 1)
    drawn = [
        Bar(x=round(i * step, 2), width=round(max(step - 0.5, 0.5), 2),
            y=round(HEIGHT - int(r["volume"]) * scale, 2),
            height=round(int(r["volume"]) * scale, 2),
            negative_y=round(HEIGHT - int(r["negative"]) * scale, 2),
            negative_height=round(int(r["negative"]) * scale, 2), label=str(r["label"]),
            volume=int(r["volume"]), negative=int(r["negative"]))
        for i, r in enumerate(rows)
    ]
    return Chart(bars=drawn, width=WIDTH, height=HEIGHT, peak=peak,
                 first=rows[0]["label"] if rows else "", last=rows[-1]["label"] if rows else "")
