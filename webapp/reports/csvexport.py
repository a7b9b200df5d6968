"""CSV exports for aggregators, shared by the web routes and `cdht export`.

Row generators yield lists (header of machine codes first); `csv_chunks` turns them into
UTF-8 text with a BOM (so Excel reads Vietnamese), neutralising formula cells. The columns
are documented, with their Vietnamese labels, in the README (section "CSV exports").
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from ..models import Area, Assessment, AssessmentStatus, Membership, Unit
from ..models.base import as_utc
from .figures import Figures, Targets, path_ids, round1
from .queries import figure_columns, stream

S = AssessmentStatus
NOT_STARTED = "not_started"
RESULT_STATUSES = (NOT_STARTED, *(status.value for status in AssessmentStatus))
DECIDED = (S.CONFIRMED, S.REJECTED, S.REVOKED)

UNIT_COLUMNS = [
    "year", "area_code", "area_path", "unit_code", "unit_name", "unit_kind", "group",
    "roster_size", "submitted", "self_achieved", "confirmed_achieved", "percent_confirmed",
    "target_percent", "recognition_threshold",
]
RESULT_COLUMNS = [
    "year", "area_code", "area_path", "unit_code", "unit_name", "group", "section", "full_name",
    "status", "self_total", "self_achieved", "head_total", "confirmed_achieved", "submitted_at",
    "decided_at",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """A cell safe to open in a spreadsheet: text that could start a formula gets a quote.

    Numbers stay numbers; None becomes an empty cell; every other value is treated as text.
    """
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return int(cell)
    if isinstance(cell, (int, float, Decimal)):
        return cell
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(rows: Iterable[list[Any]], rows_per_chunk: int = 500) -> Iterator[str]:
    """UTF-8 text with a BOM, a few hundred rows at a time, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate(0)
    if buffer.tell():
        yield buffer.getvalue()


_NOT_IN_FILENAME = re.compile(r"[^A-Za-z0-9._]+")


def ascii_filename(*parts: str, extension: str = "csv") -> str:
    """cdht-units-79-2026-2027.csv: ASCII only, so every browser and Excel accepts it."""
    words = []
    for part in parts:
        decomposed = unicodedata.normalize("NFKD", part.replace("đ", "d").replace("Đ", "D"))
        plain = "".join(char for char in decomposed if not unicodedata.combining(char))
        words.append(_NOT_IN_FILENAME.sub("-", plain).strip("-") or "x")
    return "-".join(words) + "." + extension


@dataclass(frozen=True)
class Scope:
    """What to export: a year, an area node (and all beneath it), maybe a unit, group, status.

    Plain values, not ORM objects: the rows are produced after the request's session closed.
    """

    year_id: int
    year_label: str
    area_path: str
    unit_id: int | None = None
    appendix: str | None = None
    status: str | None = None

    def file_name(self, kind: str, code: str, extension: str = "csv") -> str:
        """cdht-results-79-2026-IV.csv: the group in the name when the file holds one group,
        so the per-group download never overwrites the all-groups one."""
        parts = [kind, code, self.year_label, *([self.appendix] if self.appendix else [])]
        return ascii_filename(*parts, extension=extension)


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else round1(Decimal(value))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat(timespec="seconds")


def area_order(areas: dict[int, tuple[str, str]]) -> dict[int, int]:
    """area id -> position when areas are sorted by their codes from the root ("79/76" before
    "79/760"), the file order the README documents (ids would put "/1/10/" before "/1/9/")."""
    ranked = sorted(areas, key=lambda area_id: areas[area_id][1].split("/"))
    return {area_id: rank for rank, area_id in enumerate(ranked)}


def _by_area_codes(area_id: Any, order: dict[int, int]) -> Any:
    return case(order, value=area_id, else_=len(order)) if order else area_id


def area_code_paths(session: Session, node_path: str) -> dict[int, tuple[str, str]]:
    """id -> (code, codes from the root joined with "/") for the node, its ancestors and
    everything beneath it: a lookup table of the tree, not of roster lines."""
    rows = session.execute(
        select(Area.id, Area.code, Area.path)
        .where(Area.path.like(node_path + "%") | Area.id.in_(path_ids(node_path)))
    ).all()
    codes = {row.id: row.code for row in rows}
    return {row.id: (row.code, "/".join(codes[i] for i in path_ids(row.path) if i in codes))
            for row in rows}


def unit_summary_rows(session: Session, scope: Scope) -> Iterator[list[Any]]:
    """One row per unit and group beneath the node; a unit with no roster line in the year
    (for the group asked) still gets one row, with roster_size 0 and no percentage."""
    areas = area_code_paths(session, scope.area_path)
    targets = Targets(session, scope.year_id)
    unit_area = aliased(Area)
    on_roster = and_(Membership.unit_id == Unit.id, Membership.year_id == scope.year_id)
    if scope.appendix:
        on_roster = and_(on_roster, Membership.appendix == scope.appendix)
    grouping = (Unit.id, Unit.code, Unit.name, Unit.kind, Unit.recognition_threshold,
                unit_area.id, unit_area.path, Membership.appendix)
    stmt = (
        select(*grouping, *figure_columns())
        .select_from(Unit)
        .join(unit_area, unit_area.id == Unit.area_id)
        .outerjoin(Membership, on_roster)
        .outerjoin(Assessment, Assessment.membership_id == Membership.id)
        .where(unit_area.path.like(scope.area_path + "%"))
        .group_by(*grouping)
        .order_by(_by_area_codes(unit_area.id, area_order(areas)), Unit.code, Membership.appendix)
    )
    if scope.unit_id is not None:
        stmt = stmt.where(Unit.id == scope.unit_id)
    yield UNIT_COLUMNS
    for row in stream(session, stmt):
        figures = Figures(row.roster, row.submitted, row.self_achieved, row.confirmed)
        group = row.appendix or scope.appendix
        area_code, code_path = areas[row[5]]
        yield [
            scope.year_label, area_code, code_path, row.code, row.name, row.kind.value, group,
            figures.roster, figures.submitted, figures.self_achieved, figures.confirmed,
            figures.percent_rounded, _number(targets.for_path(path_ids(row.path), group)),
            _number(row.recognition_threshold),
        ]


def result_rows(session: Session, scope: Scope) -> Iterator[list[Any]]:
    """One row per roster line beneath the node (or in one unit): members who have not
    started appear with status "not_started", so the file is also the list to chase."""
    areas = area_code_paths(session, scope.area_path)
    stmt = result_query(scope, area_order(areas))
    yield RESULT_COLUMNS
    for row in stream(session, stmt):
        status = row.status
        submitted = status is not None and status is not S.DRAFT
        decided = status in DECIDED
        area_code, code_path = areas[row.area_id]
        yield [
            scope.year_label, area_code, code_path, row.code, row.name, row.appendix,
            row.section, row.full_name, status.value if status else NOT_STARTED,
            row.self_total, (1 if row.self_achieved else 0) if submitted else None,
            row.head_total,
            (1 if status is S.CONFIRMED and row.confirmed_achieved else 0) if decided else None,
            _iso(row.submitted_at), _iso(row.decided_at),
        ]


def result_query(scope: Scope, order: dict[int, int]) -> Select:
    """The roster lines of `result_rows`, in file order (also what benchmarks/export_bench.py
    hands to PostgreSQL's copy); `order` is `area_order` of the node's areas."""
    stmt, sort_keys = result_select(scope, order)
    return stmt.order_by(*sort_keys)


def result_select(scope: Scope, order: dict[int, int]) -> tuple[Select, list[Any]]:
    """`result_query` without its ORDER BY, and the sort keys that give the file order."""
    unit_area = aliased(Area)
    stmt = (
        select(unit_area.id.label("area_id"), Unit.code, Unit.name, Membership.appendix,
               Membership.section, Membership.full_name, Assessment.status,
               Assessment.self_total, Assessment.self_achieved, Assessment.head_total,
               Assessment.confirmed_achieved, Assessment.submitted_at, Assessment.decided_at)
        .select_from(Membership)
        .join(Unit, Unit.id == Membership.unit_id)
        .join(unit_area, unit_area.id == Unit.area_id)
        .outerjoin(Assessment, Assessment.membership_id == Membership.id)
        .where(Membership.year_id == scope.year_id, unit_area.path.like(scope.area_path + "%"))
    )
    if scope.unit_id is not None:
        stmt = stmt.where(Unit.id == scope.unit_id)
    if scope.appendix:
        stmt = stmt.where(Membership.appendix == scope.appendix)
    if scope.status == NOT_STARTED:
        stmt = stmt.where(Assessment.id.is_(None))
    elif scope.status:
        stmt = stmt.where(Assessment.status == AssessmentStatus(scope.status))
    sort_keys = [_by_area_codes(unit_area.id, order), Unit.code, Membership.appendix,
                 func.coalesce(Membership.section, ""), Membership.full_name, Membership.id]
    return stmt, sort_keys
