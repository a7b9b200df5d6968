"""Geometry of the server-rendered bar chart (percentage against target per child).

No chart library: this computes positions; templates/reports/_chart.html draws the SVG.
The drawing is 340 units wide and scales to the screen, so a 360 px phone shows it 1:1.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import Decimal

from .figures import NO_ROSTER, format_percent
from .queries import ReportRow

WIDTH = 340
TRACK = 250  # width of 100 %
LINE = 16  # label line height
BAR = 18
GAP = 14
LABEL_CHARS = 40
MAX_LINES = 2


@dataclass(frozen=True)
class Bar:
    label_lines: list[str]
    label_y: int
    bar_y: int
    bar_width: float
    text_x: float
    text: str
    target_x: float | None
    target_text: str
    state: str  # "ok", "below", "none" (no target) or "empty" (no roster)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    track: int
    bar_height: int
    bars: list[Bar]
    description: str


def wrap_label(text: str) -> list[str]:
    """At most two lines of about 40 characters; a longer name ends with an ellipsis."""
    lines = textwrap.wrap(text, LABEL_CHARS) or [""]
    if len(lines) > MAX_LINES:
        last = lines[MAX_LINES - 1]
        lines = lines[: MAX_LINES - 1] + [last[: LABEL_CHARS - 1].rstrip() + "…"]
    return lines


def _x(percent: Decimal) -> float:
    return round(float(min(max(percent, Decimal(0)), Decimal(100))) * TRACK / 100, 1)


def bar_chart(rows: list[ReportRow]) -> Chart:
    """One horizontal bar per row, with its percentage and a tick at its target."""
    bars, y, sentences = [], 4, []
    for row in rows:
        figures = row.figures
        lines = wrap_label(row.name)
        label_y = y + 12
        bar_y = y + LINE * len(lines) + 2
        percent = figures.percent
        target_text = format_percent(row.target) if row.target is not None else "chưa đặt"
        if percent is None:
            state, width, text = "empty", 0.0, NO_ROSTER
        else:
            meets = figures.meets(row.target)
            state = "none" if meets is None else "ok" if meets else "below"
            width, text = _x(percent), format_percent(percent)
        bars.append(Bar(
            label_lines=lines, label_y=label_y, bar_y=bar_y, bar_width=width,
            text_x=(TRACK + 6) if percent is not None else 4, text=text,
            target_x=_x(row.target) if row.target is not None else None,
            target_text=target_text, state=state,
        ))
        sentences.append(f"{row.name}: {text}, chỉ tiêu {target_text}")
        y = bar_y + BAR + GAP
    description = "; ".join(sentences) + "." if sentences else "Không có số liệu."
    return Chart(WIDTH, max(y, 24), TRACK, BAR, bars, description)
