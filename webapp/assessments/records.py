"""An assessment as a member's save reads and writes it: plain values from one Core statement.

The JSON API's draft save and submission are drive week's hottest requests: every tap autosaves.
They read the form with the logged-in user in one statement, as every page does, but as plain
values instead of ORM objects: building the assessment, its roster line, year and criteria
version as objects (and updating them after the write) cost about a third of a submission's CPU
in the app, the Core read a little over half of that (measured: the read alone 690 µs through
the ORM, 550 µs with only the user as an object). The user stays an object: Flask-Login and the
pages' menus use it.

The rules stay in one place: `operations` applies them to an `AssessmentRecord`; the form page's
POST and the demo, which hold the ORM object, hand it over with `AssessmentRecord.of`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from criteria import CriteriaSet

from .. import criteria_store
from ..access import SESSION_USER
from ..models import Assessment, AssessmentStatus, AssessmentYear, CriteriaVersion, Membership, User
from ..models.assessments import AnswerRead
from ..models.people import holds_a_role, known_roles
from .queries import answers_of
from .writes import AnswerRow


class YearState(NamedTuple):
    """The assessment year ("năm đánh giá") as a save checks it: open, and how it is named."""

    is_open: bool
    label: str


@dataclass
class AssessmentRecord:
    """One member's assessment ("phiếu") as a save sees it: its state, its year's, its criteria
    set and its stored answers. A save changes it as it writes the row; `written` and
    `written_answers` hold what the last write stored."""

    __tablename__: ClassVar[str] = Assessment.__tablename__  # audit events name their subject so

    id: int
    owner_id: int | None  # the roster line's member
    status: AssessmentStatus
    version: int
    client_id: str | None
    self_total: int | None
    self_achieved: bool | None
    year: YearState
    criteria_set: CriteriaSet
    answers: dict[str, AnswerRead]
    written: dict[str, Any] = field(default_factory=dict)
    written_answers: list[AnswerRow] = field(default_factory=list)

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentRecord:
        """The record of an assessment already loaded as an object (the form page's POST)."""
        line = assessment.membership
        return cls(
            id=assessment.id, owner_id=line.user_id, status=assessment.status, version=assessment.version,
            client_id=assessment.client_id, self_total=assessment.self_total,
            self_achieved=assessment.self_achieved, year=YearState(line.year.is_open, line.year.label),
            criteria_set=criteria_store.criteria_set_of(assessment.criteria_version),
            answers=assessment.answers_read(),
        )


def read_with_user(session: Session, assessment_id: int, user_id: int | None) -> tuple[AssessmentRecord | None, Any]:
    """The assessment's record and the logged-in user (an object, None for a missing id), in one
    statement; (None, None) when there is no such assessment."""
    row = session.execute(_statement(), {"object_id": assessment_id, "user_id": user_id}).first()
    if row is None:
        return None, None
    user, holds_any, *values = row
    if user is not None:
        known_roles(user, holds_any)
    return _record(session, *values), user


def read(session: Session, assessment_id: int) -> AssessmentRecord | None:
    """The assessment's record as it stands now (a save that lost a race reads the winner's)."""
    return read_with_user(session, assessment_id, None)[0]


def _record(session: Session, assessment_id: int, owner_id: int | None, status: AssessmentStatus, version: int,
            client_id: str | None, self_total: int | None, self_achieved: bool | None, year_open: bool,
            year_label: str, version_id: int, digest: str, key: str,
            answers: list[list[Any]] | None) -> AssessmentRecord:
    return AssessmentRecord(
        id=assessment_id, owner_id=owner_id, status=status, version=version,
        client_id=client_id, self_total=self_total, self_achieved=self_achieved,
        year=YearState(year_open, year_label),
        criteria_set=criteria_store.criteria_set_by_id(session, version_id, digest, key),
        answers={row[0]: AnswerRead(*row) for row in answers or ()},
    )


@functools.cache
def _statement() -> Any:
    """Built once (the ids are parameters): what `_record` takes, in its order, after the user."""
    return (
        select(User, holds_a_role(), Assessment.id, Membership.user_id, Assessment.status, Assessment.version,
               Assessment.client_id, Assessment.self_total, Assessment.self_achieved, AssessmentYear.is_open,
               AssessmentYear.label, CriteriaVersion.id, CriteriaVersion.digest, CriteriaVersion.key,
               answers_of(Assessment.id))
        .select_from(Assessment)
        .join(Membership, Membership.id == Assessment.membership_id)
        .join(AssessmentYear, AssessmentYear.id == Membership.year_id)
        .join(CriteriaVersion, CriteriaVersion.id == Assessment.criteria_version_id)
        .outerjoin(User, User.id == bindparam("user_id", type_=Integer))
        .where(Assessment.id == bindparam("object_id", type_=Integer))
        .options(SESSION_USER)
    )
