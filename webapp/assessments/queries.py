"""Read-only queries of the member's journey."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, load_only

from ..models import Assessment, AssessmentYear, CriteriaVersion, Membership, Unit, User

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
# What a save reads and writes of the assessment and its roster line (`operations.save_draft`,
# `operations.submit`, the ownership check).
_SAVED = (Assessment.id, Assessment.membership_id, Assessment.criteria_version_id, Assessment.status,
          Assessment.client_id, Assessment.self_total, Assessment.self_achieved, Assessment.version)
_LINE = (Membership.id, Membership.unit_id, Membership.year_id, Membership.user_id)
# The member's form page (and its no-JavaScript POST, which saves and submits as the API does):
# the same statement with only the columns it shows and writes.
FORM_PAGE = (
    load_only(*_SAVED, Assessment.confirmed_achieved, Assessment.decision_reason),
    _line.load_only(*_LINE, Membership.full_name).joinedload(Membership.year),
    _line.joinedload(Membership.unit).load_only(Unit.id, Unit.name),
    joinedload(Assessment.answers),
    joinedload(Assessment.criteria_version).load_only(CriteriaVersion.key, CriteriaVersion.digest),
)
# What the JSON API's saves need, and no more (nothing is shown): the same statement, narrower
# rows. The answers make it ten rows, and every column costs on each of them (with the user's
# narrower columns, `access.SESSION_USER`: a draft save 7.1 -> 6.6 million instructions). A
# column left out is read by a statement of its own when touched, which
# `tests/app/test_statement_counts.py` would count.
ASSESSMENT_SAVE = (
    load_only(*_SAVED),
    _line.load_only(*_LINE).joinedload(Membership.year).load_only(AssessmentYear.is_open, AssessmentYear.label),
    joinedload(Assessment.answers),
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
