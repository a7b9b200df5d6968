"""Read-only queries of the member's journey."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, with_expression
from sqlalchemy.sql.functions import FunctionElement

from ..models import Answer, Assessment, AssessmentYear, CriteriaVersion, Membership, Unit, User

# The member's own assessment as its pages and the API use it, in one statement: the roster
# line with its unit and year, the answers, and only the criteria version's id and digest
# (its parsed set is cached, see `criteria_store.criteria_set_of`).
_line = joinedload(Assessment.membership)
ASSESSMENT_PAGE = (
    _line.joinedload(Membership.year),
    _line.joinedload(Membership.unit),
    joinedload(Assessment.answers),
    joinedload(Assessment.criteria_version).load_only(CriteriaVersion.key, CriteriaVersion.digest),
)
# What the form page's POST reads and writes of the assessment and its roster line
# (`records.AssessmentRecord.of`, the ownership check).
_SAVED = (Assessment.id, Assessment.membership_id, Assessment.criteria_version_id, Assessment.status,
          Assessment.client_id, Assessment.self_total, Assessment.self_achieved, Assessment.version)
_LINE = (Membership.id, Membership.unit_id, Membership.year_id, Membership.user_id)


class answers_of(FunctionElement[Any]):  # noqa: N801  (SQL functions are lower case)
    """An assessment's answers as one JSON array of [index code, points, note, head's points,
    head's comment] (`Assessment.answers_as_read`); [] when it has none. Compiled per database
    (`_answers_of_*`)."""

    type = JSON()
    name = "answers_of"
    inherit_cache = True


def _answers_subquery(element: answers_of, aggregate: Any, pair: Any) -> Any:
    answer = Answer.__table__
    (assessment_id,) = element.clauses
    row = pair(answer.c.index_code, answer.c.self_value, answer.c.evidence_note, answer.c.head_value,
               answer.c.head_comment)
    return select(aggregate(row)).where(answer.c.assessment_id == assessment_id).scalar_subquery()


def _json_agg_in_stored_order(row: Any) -> Any:
    return func.json_agg(aggregate_order_by(row, Answer.__table__.c.id))


@compiles(answers_of, "postgresql")
def _answers_of_postgresql(element: answers_of, compiler: Any, **kw: Any) -> str:
    answers = _answers_subquery(element, _json_agg_in_stored_order, func.json_build_array)
    return compiler.process(func.coalesce(answers, func.json_build_array()), **kw)  # none: []


@compiles(answers_of, "sqlite")
def _answers_of_sqlite(element: answers_of, compiler: Any, **kw: Any) -> str:
    return compiler.process(_answers_subquery(element, func.json_group_array, func.json_array), **kw)


# The member's form page (and its no-JavaScript POST, which saves and submits as the API does):
# the same statement with only the columns it shows and writes, the answers as one JSON column
# instead of ten joined rows of objects (the ORM spent ~0.17 ms making them).
FORM_PAGE = (
    load_only(*_SAVED, Assessment.confirmed_achieved, Assessment.decision_reason),
    _line.load_only(*_LINE, Membership.full_name).joinedload(Membership.year),
    _line.joinedload(Membership.unit).load_only(Unit.id, Unit.name),
    with_expression(Assessment.answers_as_read, answers_of(Assessment.id)),
    lazyload(Assessment.answers),
    joinedload(Assessment.criteria_version).load_only(CriteriaVersion.key, CriteriaVersion.digest),
)
def roster_lines(session: Session, user: User) -> list[Membership]:
    """The user's own roster lines, newest year first, with unit, year and assessment loaded."""
    query = (
        select(Membership)
        .join(Membership.year)
        .join(Membership.unit)
        .where(Membership.user_id == user.id)
        .options(joinedload(Membership.unit), joinedload(Membership.year),
                 joinedload(Membership.assessment))
        .order_by(AssessmentYear.starts_on.desc(), Unit.name)
    )
    return list(session.scalars(query).unique())
