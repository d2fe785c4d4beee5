"""The geometry of the server-rendered SVG chart of the daily outcomes (admin statistics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moderation.admin.stats import Day


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    status: str
    count: int
    day: date


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    max_total: int
    ticks: list[tuple[float, int]]  # (y, value) of the horizontal grid lines
    labels: list[tuple[float, date]]  # (x, day) under every seventh bar


def stacked_bar_chart(days: list[Day], width: int = 720, height: int = 240) -> Chart:
    """Stacked bars, one per day, outcomes bottom to top in ``stats.OUTCOMES`` order."""
    margin_left, margin_bottom, margin_top = 40, 24, 8
    plot_height = height - margin_bottom - margin_top
    slot = (width - margin_left) / max(len(days), 1)
    max_total = max((d.total for d in days), default=0) or 1
    bars = []
    for i, day in enumerate(days):
        x = margin_left + i * slot + slot * 0.1
        base: float = height - margin_bottom
        for status, count in day.by_outcome:
            if not count:
                continue
            bar_height = plot_height * count / max_total
            base -= bar_height
            bars.append(
                Bar(
                    round(x, 1),
                    round(base, 1),
                    round(slot * 0.8, 1),
                    round(bar_height, 1),
                    status,
                    count,
                    day.day,
                )
            )
    ticks = [
        (round(height - margin_bottom - plot_height * value / max_total, 1), value)
        for value in sorted({0, max_total // 2, max_total})
    ]
    labels = [(round(margin_left + i * slot, 1), d.day) for i, d in enumerate(days) if i % 7 == 0]
    return Chart(width, height, bars, max_total, ticks, labels)
