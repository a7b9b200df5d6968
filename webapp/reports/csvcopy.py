"""`results.csv` through PostgreSQL's COPY: the database writes the CSV, Python forwards it.

A million-row export spent most of its time in Python formatting cells one by one. On
PostgreSQL the export's own SELECT (`result_query`) is wrapped so that it yields the finished
cells — formula-like text neutralised, empty text as NULL, numbers and times as the reference
writes them — and `COPY … TO STDOUT (FORMAT csv)` quotes them exactly as Python's csv writer
does (minimal quoting, doubled quotes). Python only turns each row's LF into CRLF. The bytes
are exactly those of `csv_chunks(result_rows(...))`, which stays the reference and the path on
SQLite; `tests/reports/test_reports_csv_copy.py` holds the two side by side on both databases.
"""
from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ..models import AssessmentStatus
from .csvexport import (
    DECIDED,
    FORMULA_STARTS,
    NOT_STARTED,
    RESULT_COLUMNS,
    Scope,
    area_code_paths,
    area_order,
    csv_chunks,
    neutralise,
    result_rows,
    result_select,
)

S = AssessmentStatus
ROWS_PER_CHUNK = 5000


def result_csv(session: Session, scope: Scope) -> Iterator[bytes]:
    """The whole file as UTF-8 chunks (BOM and header first), on any database."""
    if session.get_bind().dialect.name != "postgresql":
        for chunk in csv_chunks(result_rows(session, scope)):
            yield chunk.encode("utf-8")
        return
    yield "".join(csv_chunks([RESULT_COLUMNS])).encode("utf-8")
    yield from _copied(session, scope)


def _copied(session: Session, scope: Scope) -> Iterator[bytes]:
    compiled = _cells_query(session, scope).compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True})
    # COPY takes the values as the driver adapts them, past SQLAlchemy's type processing: an
    # enum must go as its stored value (psycopg would send its name).
    params = {name: value.value if isinstance(value, Enum) else value
              for name, value in compiled.params.items()}
    cursor: Any = session.connection().connection.cursor()
    rows: list[bytes] = []
    with cursor.copy(f"COPY ({compiled}) TO STDOUT (FORMAT csv)", params) as copy:
        for row in copy:  # one row per message, ending in LF; Python's writer ends with CRLF
            rows.append(bytes(row[:-1]))
            if len(rows) == ROWS_PER_CHUNK:
                yield b"\r\n".join(rows) + b"\r\n"
                rows = []
    if rows:
        yield b"\r\n".join(rows) + b"\r\n"


def _cells_query(session: Session, scope: Scope) -> Any:
    """The fifteen finished cells of RESULT_COLUMNS for each roster line, in file order.

    The lines are sorted with their raw columns, as narrow as `result_query`'s, and the cells
    are made from the sorted rows: formatting before the sort made PostgreSQL sort rows twice
    as wide, on disk.
    """
    areas = area_code_paths(session, scope.area_path)
    order = area_order(areas)
    stmt, sort_keys = result_select(scope, order)
    # Sort keys the line selects already are sorted on as they are; the others (the area's
    # rank, the class without NULL, the id) are added, named.
    selected = {number: next((c.key for c in stmt.selected_columns if c.compare(key.expression)), None)
                for number, key in enumerate(sort_keys)}
    extra = [key.label(f"sort_{number}") for number, key in enumerate(sort_keys)
             if selected[number] is None]
    # OFFSET 0 keeps PostgreSQL from folding the subquery into the outer query (which would
    # make the cells before sorting); the outer ORDER BY on the same keys costs no second sort.
    line = stmt.add_columns(*extra).order_by(*sort_keys).offset(0).subquery("line")
    line_order = [line.c[selected[number] or f"sort_{number}"] for number in range(len(sort_keys))]
    # The area's cells, formatted in Python once per area, looked up by its rank (sort key 0).
    ranked = sorted(order, key=order.__getitem__)
    area_rank = line.c["sort_0"] + 1
    status = line.c.status
    submitted = status.is_not(None) & (status != S.DRAFT)
    confirmed = (status == S.CONFIRMED) & line.c.confirmed_achieved.is_(True)
    cells = [
        literal(neutralise(scope.year_label)),
        postgresql.array([neutralise(areas[area_id][0]) for area_id in ranked])[area_rank],
        postgresql.array([neutralise(areas[area_id][1]) for area_id in ranked])[area_rank],
        _text(line.c.code), _text(line.c.name), _text(line.c.appendix), _text(line.c.section),
        _text(line.c.full_name), func.coalesce(cast(status, String), NOT_STARTED),
        line.c.self_total,
        case((submitted, case((line.c.self_achieved.is_(True), 1), else_=0))),
        line.c.head_total,
        case((status.in_(DECIDED), case((confirmed, 1), else_=0))),
        _utc_time(line.c.submitted_at), _utc_time(line.c.decided_at),
    ]
    return select(*cells).order_by(*line_order)


def _text(value: Any) -> Any:
    """`neutralise` in SQL: a quote before a formula start; empty text as NULL (an empty cell,
    where COPY would write `""` for an empty string)."""
    safe = case((func.substr(value, 1, 1).in_(FORMULA_STARTS), literal("'") + value), else_=value)
    return func.nullif(safe, "")


def _utc_time(moment: Any) -> Any:
    """ISO 8601 in UTC to the second, as `datetime.isoformat(timespec="seconds")` writes it."""
    return func.to_char(func.timezone("UTC", moment), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')



