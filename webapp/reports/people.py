"""Who is behind a count: the paged list of a unit's people, and the printable summary.

Names, classes and results only (least personal data): never a phone number or e-mail.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from ..models import Assessment, Membership, Unit
from .figures import Figures, Targets, path_ids
from .queries import figures_of, list_condition, roster_from, unit_lines

PAGE_SIZE = 100


@dataclass(frozen=True)
class PeopleFilter:
    """Which lines a list shows: a count's kind, maybe one class (None: all; "": no class), a group."""

    kind: str = "all"
    section: str | None = None
    appendix: str | None = None

    def conditions(self) -> list[Any]:
        conditions = [list_condition(self.kind)]
        if self.section is not None:
            conditions.append(func.coalesce(Membership.section, "") == self.section)
        if self.appendix is not None:
            conditions.append(Membership.appendix == self.appendix)
        return conditions


@dataclass
class PeoplePage:
    total: int
    page: int
    rows: list[Any]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _by_class_then_name() -> list[Any]:
    """Class by class, each in Vietnamese class-list order (the roster's stored sort key)."""
    return [func.coalesce(Membership.section, ""), Membership.sort_key, Membership.id]


def people_page(session: Session, unit_id: int, year_id: int, wanted: PeopleFilter,
                page: int) -> PeoplePage:
    """One page of the lines a count covers; a page beyond the last shows the last."""
    conditions = wanted.conditions()
    total = session.scalar(unit_lines(unit_id, year_id, func.count(Membership.id)).where(*conditions)) or 0
    page = min(page, max(1, -(-total // PAGE_SIZE)))
    stmt = (unit_lines(unit_id, year_id, Membership.full_name, Membership.section, Membership.appendix,
                       Assessment.status, Assessment.confirmed_achieved)
            .where(*conditions).order_by(*_by_class_then_name())
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return PeoplePage(total, page, list(session.execute(stmt)))


@dataclass
class SummaryRow:
    appendix: str
    section: str | None
    figures: Figures


@dataclass
class UnitSummary:
    """The printable summary for the learning-unit dossier ("hồ sơ Đơn vị học tập")."""

    rows: list[SummaryRow]
    group_targets: dict[str, Decimal | None]
    target: Decimal | None
    holders: list[Any]

    @property
    def figures(self) -> Figures:
        return sum((row.figures for row in self.rows), Figures())


def unit_summary(session: Session, unit: Unit, year_id: int) -> UnitSummary:
    """Figures per group and class, and every title holder: two queries."""
    section = func.coalesce(Membership.section, "")
    stmt = (roster_from(Membership.appendix, section.label("section"))
            .where(Membership.unit_id == unit.id, Membership.year_id == year_id)
            .group_by(Membership.appendix, section).order_by(Membership.appendix, section))
    rows = [SummaryRow(row.appendix, row.section or None, figures_of(row)) for row in session.execute(stmt)]
    holders = session.execute(
        unit_lines(unit.id, year_id, Membership.full_name, Membership.section, Membership.appendix)
        .where(list_condition("confirmed"))
        .order_by(Membership.appendix, *_by_class_then_name())).all()
    targets = Targets(session, year_id)
    area_path = path_ids(unit.area.path)
    return UnitSummary(rows, {row.appendix: targets.for_path(area_path, row.appendix) for row in rows},
                       targets.for_path(area_path), list(holders))
