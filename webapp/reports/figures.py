"""Figures of a unit or area ("số liệu") and the plan target that applies to them.

Plain values with no database access: the counting itself happens in SQL (see queries.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Target

NO_ROSTER = "Chưa có danh sách"
ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


def round1(value: Decimal) -> Decimal:
    """Round half up to one decimal (66.65 -> 66.7), as officers round by hand."""
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """Vietnamese display: 66,7% (decimal comma); empty when there is nothing to show."""
    if value is None:
        return ""
    return f"{round1(value)}".replace(".", ",") + "%"


@dataclass(frozen=True)
class Figures:
    """Counts for one roster (unit, group, node): the denominator is the roster size."""

    roster: int = 0
    submitted: int = 0
    self_achieved: int = 0
    confirmed: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.roster + other.roster, self.submitted + other.submitted,
                       self.self_achieved + other.self_achieved, self.confirmed + other.confirmed)

    @property
    def has_roster(self) -> bool:
        return self.roster > 0

    @property
    def percent(self) -> Decimal | None:
        """Confirmed achieved / roster size, exact; None when there is no roster."""
        if not self.roster:
            return None
        return Decimal(self.confirmed) * HUNDRED / Decimal(self.roster)

    @property
    def percent_rounded(self) -> Decimal | None:
        percent = self.percent
        return None if percent is None else round1(percent)

    @property
    def percent_text(self) -> str:
        return format_percent(self.percent) if self.roster else NO_ROSTER

    def meets(self, target: Decimal | None) -> bool | None:
        """True when the exact percentage reaches the target; None without roster or target."""
        if target is None or not self.roster:
            return None
        return Decimal(self.confirmed) * HUNDRED >= target * self.roster

    def gap(self, target: Decimal | None) -> Decimal | None:
        """Percentage points above (+) or below (-) the target, rounded to one decimal."""
        percent = self.percent
        if target is None or percent is None:
            return None
        return round1(percent - target)


def total(parts: Iterable[Figures]) -> Figures:
    """Sum numerators and denominators (never an average of percentages)."""
    result = Figures()
    for part in parts:
        result = result + part
    return result


class Targets:
    """The plan targets ("chỉ tiêu") of one assessment year, resolved by the most-specific rule.

    Rule: walk from the area in question (for a unit, the area that manages it) up to the root;
    the nearest area that has a target applying to the group wins. At the same area, a target
    set for the group (appendix "III", "IV", "V") beats the "all groups" one (appendix NULL).
    A figure across all groups (a total) is compared only with "all groups" targets. An area
    whose only target is for another group has no target for this group, so the walk goes on.
    No target anywhere up the tree: None (shown as "—").
    """

    def __init__(self, session: Session, year_id: int) -> None:
        rows = session.execute(
            select(Target.area_id, Target.appendix, Target.percentage)
            .where(Target.year_id == year_id)
        )
        self._by_scope: dict[tuple[int, str | None], Decimal] = {
            (area_id, appendix): Decimal(percentage) for area_id, appendix, percentage in rows
        }

    def for_path(self, area_ids: list[int], appendix: str | None = None) -> Decimal | None:
        """The target for the area whose root-to-node ids are `area_ids`, for one group or all."""
        for area_id in reversed(area_ids):
            if appendix is not None and (area_id, appendix) in self._by_scope:
                return self._by_scope[(area_id, appendix)]
            if (area_id, None) in self._by_scope:
                return self._by_scope[(area_id, None)]
        return None


def path_ids(path: str) -> list[int]:
    """Ids of a materialised path "/1/4/9/" from the root down: [1, 4, 9]."""
    return [int(part) for part in path.strip("/").split("/") if part]
