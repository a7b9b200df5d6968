"""Grouped SQL queries behind the report pages and exports.

Every count is made by the database (COUNT over CASE, GROUP BY), never by loading roster lines
into Python; the SQL is plain enough to run the same on SQLite and PostgreSQL. An area node's
figures are the sums over every unit whose managing area lies beneath it
(`unit_area.path LIKE node.path || '%'`).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from ..models import (
    Area,
    Assessment,
    AssessmentStatus,
    Membership,
    Unit,
    UnitKind,
)
from .figures import Figures, Targets, path_ids, total

S = AssessmentStatus
NO_SECTION = "Chưa ghi lớp / tổ, phòng"


# Which roster lines each count covers; the people lists behind a count use the same rule.
# Roster lines without an assessment join as NULLs and fall outside every condition but
# "all" and "not_submitted".
PEOPLE_LISTS = {
    "all": "Trong danh sách",
    "submitted": "Đã gửi phiếu",
    "self_achieved": "Tự đánh giá đạt",
    "confirmed": "Được xác nhận đạt",
    "not_submitted": "Chưa gửi phiếu",
    "waiting": "Chờ xác nhận",
    "returned": "Được trả lại để sửa",
}


def list_condition(kind: str) -> Any:
    """Submitted: an assessment that is not a draft; self-achieved: among the submitted;
    confirmed: status CONFIRMED with the head's result achieved (REVOKED does not count)."""
    submitted = Assessment.status != S.DRAFT
    conditions = {
        "all": true(),
        "submitted": submitted,
        "self_achieved": and_(submitted, Assessment.self_achieved.is_(True)),
        "confirmed": and_(Assessment.status == S.CONFIRMED, Assessment.confirmed_achieved.is_(True)),
        "not_submitted": or_(Assessment.id.is_(None), Assessment.status == S.DRAFT),
        "waiting": Assessment.status == S.SUBMITTED,
        "returned": Assessment.status == S.RETURNED,
    }
    return conditions[kind]


def figure_columns() -> list[Any]:
    """roster, submitted, self_achieved, confirmed: COUNT over CASE, portable SQL."""
    return [
        func.count(Membership.id).label("roster"),
        *(func.count(case((list_condition(kind), 1))).label(kind)
          for kind in ("submitted", "self_achieved", "confirmed")),
    ]


def figures_of(row: Any) -> Figures:
    return Figures(int(row.roster), int(row.submitted), int(row.self_achieved), int(row.confirmed))


def _roster_filters(stmt: Select, year_id: int, appendix: str | None,
                    kind: UnitKind | None) -> Select:
    stmt = stmt.where(Membership.year_id == year_id)
    if appendix:
        stmt = stmt.where(Membership.appendix == appendix)
    if kind is not None:
        stmt = stmt.where(Unit.kind == kind)
    return stmt


def roster_from(*columns: Any) -> Select:
    """Roster lines with their unit, unit area and (maybe missing) assessment."""
    return (
        select(*columns, *figure_columns())
        .select_from(Membership)
        .join(Unit, Unit.id == Membership.unit_id)
        .outerjoin(Assessment, Assessment.membership_id == Membership.id)
    )


@dataclass
class ReportRow:
    """One line of a report table: a child area or a unit, with figures per group."""

    kind: str  # "area" or "unit"
    id: int
    code: str
    name: str
    detail: str  # the area's level or the unit's kind label
    path: list[int]  # root-to-area ids (for a unit: of its managing area)
    by_group: dict[str, Figures] = field(default_factory=dict)
    threshold: Decimal | None = None
    target: Decimal | None = None
    group_targets: dict[str, Decimal | None] = field(default_factory=dict)

    @property
    def figures(self) -> Figures:
        return total(self.by_group.values())

    @property
    def meets_target(self) -> bool | None:
        return self.figures.meets(self.target)

    @property
    def gap(self) -> Decimal | None:
        return self.figures.gap(self.target)


def _apply_targets(rows: list[ReportRow], targets: Targets, appendix: str | None) -> None:
    for row in rows:
        row.target = targets.for_path(row.path, appendix)
        row.group_targets = {group: targets.for_path(row.path, group) for group in row.by_group}


def node_figures(session: Session, node: Area, year_id: int, appendix: str | None = None,
                 kind: UnitKind | None = None) -> dict[str, Figures]:
    """Figures per group of everything beneath `node` (the node included)."""
    unit_area = aliased(Area)
    stmt = (
        roster_from(Membership.appendix)
        .join(unit_area, unit_area.id == Unit.area_id)
        .where(unit_area.path.like(node.path + "%"))
        .group_by(Membership.appendix)
    )
    stmt = _roster_filters(stmt, year_id, appendix, kind)
    return {row.appendix: figures_of(row) for row in session.execute(stmt)}


def child_area_rows(session: Session, node: Area, year_id: int, appendix: str | None = None,
                    kind: UnitKind | None = None) -> list[ReportRow]:
    """One row per child area of `node`, each summing everything beneath that child."""
    children = session.scalars(
        select(Area).where(Area.parent_id == node.id).order_by(Area.name, Area.id)
    ).all()
    rows = {child.id: ReportRow("area", child.id, child.code, child.name, child.level,
                                path_ids(child.path)) for child in children}
    if not rows:
        return []
    # First count per managing area beneath the node (one pass over the roster), then add
    # those few subtotals up per child: the prefix join runs on areas, not on roster lines.
    unit_area = aliased(Area)
    per_area = _roster_filters(
        roster_from(Unit.area_id.label("area_id"), Membership.appendix)
        .join(unit_area, unit_area.id == Unit.area_id)
        .where(unit_area.path.like(node.path + "%"))
        .group_by(Unit.area_id, Membership.appendix),
        year_id, appendix, kind,
    ).subquery("per_area")
    child, counted_area = aliased(Area), aliased(Area)
    stmt = (
        select(child.id.label("child_id"), per_area.c.appendix,
               *(func.sum(per_area.c[name]).label(name)
                 for name in ("roster", "submitted", "self_achieved", "confirmed")))
        .select_from(per_area)
        .join(counted_area, counted_area.id == per_area.c.area_id)
        .join(child, counted_area.path.like(child.path + "%"))
        .where(child.parent_id == node.id)
        .group_by(child.id, per_area.c.appendix)
    )
    for row in session.execute(stmt):
        rows[row.child_id].by_group[row.appendix] = figures_of(row)
    return list(rows.values())


def direct_unit_rows(session: Session, node: Area, year_id: int, appendix: str | None = None,
                     kind: UnitKind | None = None) -> list[ReportRow]:
    """One row per unit managed directly by `node`."""
    units = select(Unit).where(Unit.area_id == node.id).order_by(Unit.name, Unit.id)
    if kind is not None:
        units = units.where(Unit.kind == kind)
    node_path = path_ids(node.path)
    rows = {unit.id: ReportRow("unit", unit.id, unit.code, unit.name, unit.kind.label, node_path,
                               threshold=unit.recognition_threshold)
            for unit in session.scalars(units)}
    if not rows:
        return []
    stmt = (
        roster_from(Unit.id.label("unit_id"), Membership.appendix)
        .where(Unit.area_id == node.id)
        .group_by(Unit.id, Membership.appendix)
    )
    stmt = _roster_filters(stmt, year_id, appendix, kind)
    for row in session.execute(stmt):
        rows[row.unit_id].by_group[row.appendix] = figures_of(row)
    return list(rows.values())


@dataclass
class AreaReport:
    """The area page: headline figures of the node and one row per child and direct unit."""

    node: Area
    by_group: dict[str, Figures]
    target: Decimal | None
    group_targets: dict[str, Decimal | None]
    rows: list[ReportRow]

    @property
    def figures(self) -> Figures:
        return total(self.by_group.values())


def area_report(session: Session, node: Area, year_id: int, appendix: str | None = None,
                kind: UnitKind | None = None) -> AreaReport:
    """Headline, child areas and direct units of `node` for a year: four grouped queries."""
    targets = Targets(session, year_id)
    node_path = path_ids(node.path)
    by_group = node_figures(session, node, year_id, appendix, kind)
    rows = (child_area_rows(session, node, year_id, appendix, kind)
            + direct_unit_rows(session, node, year_id, appendix, kind))
    _apply_targets(rows, targets, appendix)
    return AreaReport(
        node=node, by_group=dict(sorted(by_group.items())),
        target=targets.for_path(node_path, appendix),
        group_targets={group: targets.for_path(node_path, group) for group in by_group},
        rows=rows,
    )


TODO_LISTS = ("waiting", "not_submitted", "returned")
TODO_PREVIEW = 20  # names shown on the unit page; the rest on the people pages


@dataclass
class UnitReport:
    """The unit page: figures per group and per class/department, and who is still to act."""

    unit: Unit
    by_group: dict[str, Figures]
    by_section: list[tuple[str, Figures]]  # (label, figures); NO_SECTION for lines without one
    target: Decimal | None
    group_targets: dict[str, Decimal | None]
    todo_counts: dict[str, int]
    todo_people: dict[str, list[Any]]

    @property
    def figures(self) -> Figures:
        return total(self.by_group.values())

    @staticmethod
    def section_value(label: str) -> str:
        """The class to filter the people list on ("" for lines without one)."""
        return "" if label == NO_SECTION else label


def unit_lines(unit_id: int, year_id: int, *columns: Any) -> Select:
    """The unit's roster lines for a year, each with its (maybe missing) assessment."""
    return (select(*columns).select_from(Membership)
            .outerjoin(Assessment, Assessment.membership_id == Membership.id)
            .where(Membership.unit_id == unit_id, Membership.year_id == year_id))


def unit_report(session: Session, unit: Unit, year_id: int) -> UnitReport:
    """Figures and to-do lists of one unit for a year."""
    targets = Targets(session, year_id)
    area_path = path_ids(unit.area.path)
    group_stmt = (roster_from(Membership.appendix)
                  .where(Membership.unit_id == unit.id, Membership.year_id == year_id)
                  .group_by(Membership.appendix).order_by(Membership.appendix))
    by_group = {row.appendix: figures_of(row) for row in session.execute(group_stmt)}
    section = func.coalesce(Membership.section, "")
    section_stmt = (roster_from(section.label("section"))
                    .where(Membership.unit_id == unit.id, Membership.year_id == year_id)
                    .group_by(section).order_by(section))
    by_section = [(row.section or NO_SECTION, figures_of(row)) for row in session.execute(section_stmt)]
    counts = session.execute(unit_lines(unit.id, year_id, *(
        func.count(case((list_condition(kind), 1))).label(kind) for kind in TODO_LISTS))).one()
    return UnitReport(
        unit=unit, by_group=by_group, by_section=by_section,
        target=targets.for_path(area_path),
        group_targets={group: targets.for_path(area_path, group) for group in by_group},
        todo_counts={kind: int(getattr(counts, kind)) for kind in TODO_LISTS},
        todo_people={kind: _first_people(session, unit.id, year_id, kind)
                     for kind in TODO_LISTS if getattr(counts, kind)},
    )


def _first_people(session: Session, unit_id: int, year_id: int, kind: str) -> list[Any]:
    """Names and sections only (least personal data), by section then name in class-list order."""
    stmt = (unit_lines(unit_id, year_id, Membership.full_name, Membership.section)
            .where(list_condition(kind))
            .order_by(func.coalesce(Membership.section, ""), Membership.sort_key, Membership.id)
            .limit(TODO_PREVIEW))
    return list(session.execute(stmt))


def stream(session: Session, stmt: Select, batch: int = 1000) -> Iterator[Any]:
    """Rows fetched in batches (a server-side cursor on PostgreSQL), so memory stays flat."""
    yield from session.execute(stmt.execution_options(yield_per=batch))
