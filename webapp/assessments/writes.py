"""Writing what a member's save or submission changed: all of it or nothing, guarded by the
version the request read.

Three parts: the changed answers (inserted or updated), the assessment's row (its new values, the
version moved on, written only where the version is still the one read) and, for a status
change, the audit event. On PostgreSQL they are one statement (a data-modifying WITH: the answers
and the event are written only if the row was), so the statement is all or nothing by itself and
the save needs no transaction around it: a draft save or a submission is two round trips (read,
write) instead of five (BEGIN, the read, two writes, COMMIT), and each round trip cost the app
about 0.1 ms of CPU here. The row is locked first and its answers after (they are inserted from
its result), as a head's confirmation does through the ORM (parents before children).

On SQLite, whose calls cost no round trip, they are the same statements one after another
inside the request's transaction, after the write lock, the row first (one writer at a time:
the order of locks does not matter there).

Core rather than the unit of work: a save touches a handful of small rows, and the ORM's
per-object bookkeeping cost more than the database did.
"""
from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Protocol, cast

from sqlalchemy import ARRAY, Integer, String, Table, bindparam, func, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import audit
from ..db import take_write_lock
from ..models import Answer, Assessment, AuditEvent

AnswerRow = dict[str, Any]  # assessment_id, index_code, self_value, evidence_note


class ReadRow(Protocol):
    """The assessment as the request read it: its id and the version then (`records.AssessmentRecord`)."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...

ASSESSMENTS = cast(Table, Assessment.__table__)
ANSWERS = cast(Table, Answer.__table__)
EVENTS = cast(Table, AuditEvent.__table__)


def write(session: Session, assessment: ReadRow, values: dict[str, Any], answers: Sequence[AnswerRow],
          event: dict[str, Any] | None) -> bool:
    """Write the answers, the row's new `values` (its next version among them) and the audit
    `event` (`audit.event_values`) if the row's version is still `assessment.version`; False,
    with nothing written, when another request wrote it first.

    `answers` come in index order: two writers of one form lock its answers in the same order.
    """
    parameters = {**values, "row_id": assessment.id, "seen_version": assessment.version}
    columns = tuple(sorted(values))
    if session.get_bind().dialect.name == "postgresql":
        if answers:
            parameters.update(codes=[row["index_code"] for row in answers],
                              points=[row["self_value"] for row in answers],
                              notes=[row["evidence_note"] for row in answers])
        statement = _in_one_statement(columns, bool(answers), event is not None)
        return bool(session.execute(statement, {**parameters, **audit.without_subject(event or {})}).scalar())
    take_write_lock(session)  # what was read may be older than the lock: the version tells
    if session.execute(_guarded_update(columns), parameters).rowcount != 1:  # type: ignore[attr-defined]
        return False
    if answers:
        session.execute(_answers_upsert(), answers)
    if event is not None:
        session.execute(audit.INSERT, event)
    return True


def _row_values(columns: tuple[str, ...]) -> dict[str, Any]:
    return {name: bindparam(name) for name in columns}


def _guarded(statement: Any) -> Any:
    return statement.where(ASSESSMENTS.c.id == bindparam("row_id"),
                           ASSESSMENTS.c.version == bindparam("seen_version"))


@functools.cache
def _guarded_update(columns: tuple[str, ...]) -> Any:
    """The UPDATE of these columns where the version is the one read; built once per set of
    columns, its values are parameters."""
    return _guarded(ASSESSMENTS.update().values(_row_values(columns)))


def _on_conflict_update(statement: Any) -> Any:
    """An answer already stored for the index takes the new points and note."""
    return statement.on_conflict_do_update(
        index_elements=[Answer.assessment_id, Answer.index_code],
        set_={"self_value": statement.excluded.self_value, "evidence_note": statement.excluded.evidence_note},
    )


@functools.cache
def _answers_upsert() -> Any:
    """SQLite: INSERT … ON CONFLICT DO UPDATE of the answers given as rows, built once."""
    return _on_conflict_update(sqlite.insert(ANSWERS))


@functools.cache
def _in_one_statement(columns: tuple[str, ...], with_answers: bool, with_event: bool) -> Any:
    """PostgreSQL: the guarded UPDATE as a WITH query, the answers and the audit event inserted
    from its result (so only if it wrote the row); the statement returns how many rows it wrote.
    Built once per shape; everything that varies is a parameter (the answers as three arrays)."""
    written = _guarded(ASSESSMENTS.update().values(_row_values(columns))).returning(ASSESSMENTS.c.id).cte("written")
    statement = select(func.count()).select_from(written)
    if with_answers:
        given = (func.unnest(bindparam("codes", type_=ARRAY(String)), bindparam("points", type_=ARRAY(Integer)),
                             bindparam("notes", type_=ARRAY(String)))
                 .table_valued("code", "points", "note").render_derived(name="given"))
        answers = _on_conflict_update(postgresql.insert(ANSWERS).from_select(
            ["assessment_id", "index_code", "self_value", "evidence_note"],
            select(written.c.id, given.c.code, given.c.points, given.c.note).select_from(written).join(given, true()),
        ))
        statement = statement.add_cte(answers.cte("answered"))
    if with_event:
        logged = EVENTS.insert().from_select(
            [*audit.COLUMNS, "subject_id"],
            select(*(bindparam(name, type_=EVENTS.c[name].type) for name in audit.COLUMNS),
                   written.c.id).select_from(written),
        )
        statement = statement.add_cte(logged.cte("logged"))
    return statement

