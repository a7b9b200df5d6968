"""Read-only queries of the member's journey."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

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
# What the JSON API's saves need, and no more (the unit is not shown): the same statement,
# narrower rows. A save holds SQLite's write lock while it runs, so its cost is everyone's wait.
ASSESSMENT_SAVE = (
    _line.joinedload(Membership.year).load_only(AssessmentYear.is_open, AssessmentYear.label),
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
