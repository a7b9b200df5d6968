"""The stored roster tally (`RosterTally`, kept by database triggers) always equals counting the
lines and their assessments afresh, whatever writes happened: lines added, moved to another
class, group, unit or year, assessments started, changed one by one or in bulk, deleted on
their own or with their line (the database's cascade), units and years deleted.

The fresh count uses the app's own status definitions (`shown_status_condition`), the triggers
a frozen copy of them: a status added to the app without a migration fails here.
"""
from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import and_, case, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from webapp.models import (
    SHOWN_STATUSES,
    Assessment,
    AssessmentStatus,
    CriteriaVersion,
    Membership,
    RosterTally,
    Unit,
    YearKind,
    shown_status_condition,
)
from webapp.review import queries

S = AssessmentStatus
APPENDICES = ("IV", "V")
SECTIONS = (None, "10A1", "10A2")
STATUSES = tuple(AssessmentStatus)

units, years, appendices, sections = (st.integers(0, 1), st.integers(0, 1), st.sampled_from(APPENDICES),
                                      st.sampled_from(SECTIONS))
line = st.integers(0, 30)
state = st.tuples(st.sampled_from(STATUSES), st.booleans(), st.sampled_from([True, False, None]))
OPERATIONS = st.one_of(
    st.tuples(st.just("add_line"), units, years, appendices, sections),
    st.tuples(st.just("start"), line, state),
    st.tuples(st.just("set"), line, state),
    st.tuples(st.just("bulk"), st.sampled_from(STATUSES)),
    st.tuples(st.just("move"), line, units, years, appendices, sections),
    st.tuples(st.just("reassign"), line, line),
    st.tuples(st.just("drop_assessment"), line),
    st.tuples(st.just("drop_line"), line),
)


def fresh_counts(session: Session, unit_ids: list[int]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    """Count the lines afresh, as the queue did before the counts were stored."""
    waiting = Assessment.status == S.SUBMITTED
    key = (Membership.unit_id, Membership.year_id, Membership.appendix, func.coalesce(Membership.section, ""))
    rows = session.execute(
        select(*key, func.count(Membership.id),
               func.count(case((and_(waiting, Assessment.self_achieved.is_(True)), 1))),
               *(func.count(case((shown_status_condition(shown.value), 1))) for shown in SHOWN_STATUSES))
        .outerjoin(Assessment, Assessment.membership_id == Membership.id)
        .where(Membership.unit_id.in_(unit_ids)).group_by(*key)
    )
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


def stored_counts(session: Session, unit_ids: list[int]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    t = RosterTally
    rows = session.execute(
        select(t.unit_id, t.year_id, t.appendix, t.section, t.lines, t.submitted_achieved,
               *(getattr(t, shown.value) for shown in SHOWN_STATUSES))
        .where(t.unit_id.in_(unit_ids))
    )
    return {tuple(row[:4]): tuple(row[4:]) for row in rows}


class Roster:
    """Two units, two years, and the lines the operations add, written with plain statements
    (the triggers must not depend on the app's code paths)."""

    def __init__(self, session: Session, units: list[Unit], year_ids: list[int]) -> None:
        self.session, self.unit_ids, self.year_ids = session, [unit.id for unit in units], year_ids
        self.version_id = session.scalar(select(CriteriaVersion.id).limit(1))
        self.lines: list[int] = []
        self.contacts = 0

    def line(self, place: int) -> int | None:
        return self.lines[place % len(self.lines)] if self.lines else None

    def assessment_of(self, line_id: int | None) -> int | None:
        if line_id is None:
            return None
        return self.session.scalar(select(Assessment.id).where(Assessment.membership_id == line_id))

    def apply(self, operation: tuple[Any, ...]) -> None:
        getattr(self, operation[0])(*operation[1:])

    def add_line(self, unit: int, year: int, appendix: str, section: str | None) -> None:
        self.contacts += 1
        self.lines.append(self.session.scalar(insert(Membership).values(
            unit_id=self.unit_ids[unit], year_id=self.year_ids[year], full_name="Học sinh",
            contact=f"tally-{self.contacts}", appendix=appendix, section=section).returning(Membership.id)))

    def start(self, place: int, values: tuple[AssessmentStatus, bool, bool | None]) -> None:
        line_id = self.line(place)
        if line_id is not None and self.assessment_of(line_id) is None:
            unit_id = select(Membership.unit_id).where(Membership.id == line_id).scalar_subquery()
            self.session.execute(insert(Assessment).values(
                membership_id=line_id, unit_id=unit_id, criteria_version_id=self.version_id, version=1,
                **self._state(values)))

    def set(self, place: int, values: tuple[AssessmentStatus, bool, bool | None]) -> None:
        assessment_id = self.assessment_of(self.line(place))
        if assessment_id is not None:
            self.session.execute(update(Assessment).where(Assessment.id == assessment_id)
                                 .values(**self._state(values)))

    def bulk(self, status: AssessmentStatus) -> None:
        """What bulk confirmation does: one statement over many forms."""
        lines = select(Membership.id).where(Membership.unit_id == self.unit_ids[0])
        self.session.execute(update(Assessment).where(Assessment.membership_id.in_(lines),
                                                      Assessment.status == S.SUBMITTED)
                             .values(status=status, confirmed_achieved=True))

    def move(self, place: int, unit: int, year: int, appendix: str, section: str | None) -> None:
        line_id = self.line(place)
        if line_id is not None:
            self.session.execute(update(Membership).where(Membership.id == line_id).values(
                unit_id=self.unit_ids[unit], year_id=self.year_ids[year], appendix=appendix, section=section))

    def reassign(self, place: int, to: int) -> None:
        """A console moves a form to another line that has none (the app never does)."""
        assessment_id, target = self.assessment_of(self.line(place)), self.line(to)
        if assessment_id is not None and target is not None and self.assessment_of(target) is None:
            unit_id = select(Membership.unit_id).where(Membership.id == target).scalar_subquery()
            self.session.execute(update(Assessment).where(Assessment.id == assessment_id)
                                 .values(membership_id=target, unit_id=unit_id))

    def drop_assessment(self, place: int) -> None:
        self.session.execute(delete(Assessment).where(Assessment.membership_id == self.line(place)))

    def drop_line(self, place: int) -> None:
        """The line goes; its assessment goes with it by the foreign key's cascade."""
        line_id = self.line(place)
        if line_id is not None:
            self.session.execute(delete(Membership).where(Membership.id == line_id))
            self.lines.remove(line_id)

    @staticmethod
    def _state(values: tuple[AssessmentStatus, bool, bool | None]) -> dict[str, Any]:
        status, self_achieved, confirmed_achieved = values
        return {"status": status, "self_achieved": self_achieved, "confirmed_achieved": confirmed_achieved}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.lists(st.tuples(units, years, appendices, sections, state), min_size=4, max_size=12),
       operations=st.lists(OPERATIONS, min_size=10, max_size=40))
def test_the_stored_tally_equals_a_fresh_count_after_any_writes(db_session, make_unit, make_year, first, operations):
    savepoint = db_session.begin_nested()
    try:
        roster = Roster(db_session, [make_unit(), make_unit()], [make_year().id, make_year().id])
        for unit, year, appendix, section, values in first:  # a roster with forms to start from
            roster.add_line(unit, year, appendix, section)
            roster.start(-1, values)
        for operation in operations:
            roster.apply(operation)
        assert stored_counts(db_session, roster.unit_ids) == fresh_counts(db_session, roster.unit_ids)
        # Each form's copy of its line's unit (what the queue reads forms by) followed every move.
        assert db_session.scalar(select(func.count()).select_from(Assessment).join(Membership).where(
            Assessment.unit_id != Membership.unit_id)) == 0
    finally:
        savepoint.rollback()


def test_a_status_change_writes_its_class_row_once(db_session, make_unit, make_year):
    """The hottest write of a drive week (each submission, confirmation, return) changes the
    form's class row in one UPDATE: one lock, one new row version."""
    roster = Roster(db_session, [make_unit()], [make_year().id])
    roster.add_line(0, 0, "V", "10A1")
    roster.start(-1, (S.DRAFT, False, None))
    before = _rows_updated(db_session)
    roster.set(-1, (S.SUBMITTED, True, None))
    assert _rows_updated(db_session) - before == 2  # the form's row and its class's tally row
    assert stored_counts(db_session, roster.unit_ids) == fresh_counts(db_session, roster.unit_ids)


def _rows_updated(session: Session) -> int:
    """Rows written so far, triggers' writes included: PostgreSQL's statistics of this
    transaction for the two tables, SQLite's count for the connection."""
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(text("SELECT COALESCE(SUM(n_tup_upd), 0) FROM pg_stat_xact_user_tables "
                                   "WHERE relname IN ('assessment', 'roster_tally')"))
    return session.scalar(text("SELECT total_changes()"))


def test_deleting_a_unit_or_a_year_takes_its_counts_along(db_session, make_unit, make_year):
    keep, gone = make_unit(), make_unit()
    year, closing = make_year(), make_year()
    roster = Roster(db_session, [keep, gone], [year.id, closing.id])
    for unit in (0, 1):
        for year_place in (0, 1):
            roster.add_line(unit, year_place, "V", "10A1")
            roster.start(-1, (S.SUBMITTED, True, None))
    db_session.execute(delete(Unit).where(Unit.id == gone.id))
    db_session.execute(delete(type(closing)).where(type(closing).id == closing.id))
    assert stored_counts(db_session, roster.unit_ids) == fresh_counts(db_session, roster.unit_ids)
    assert list(stored_counts(db_session, roster.unit_ids)) == [(keep.id, year.id, "V", "10A1")]


def test_the_queue_reads_the_stored_counts_and_leaves_out_the_viewers_own_form(
        db_session, cast, make_assessment, make_year):
    other_year = make_year(kind=YearKind.SCHOOL)
    closed = make_year(kind=YearKind.SCHOOL)
    make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True, section="11B1")
    make_assessment(unit=cast.unit, year=other_year, appendix="V", submit=True, section="11B1")
    make_assessment(unit=cast.unit, year=closed, appendix="V", submit=True, section="11B1")
    make_assessment(unit=cast.unit, year=cast.year, user=cast.head, appendix="V", submit=True, section="11B1")
    closed.is_open = False
    db_session.flush()

    by_head = queries.tally(db_session, cast.unit.id, cast.head.id)
    by_anyone = queries.tally(db_session, cast.unit.id)

    # Both open years add up in one row of the class; the closed year is not counted.
    [head_row] = [row for row in by_head.rows if row.section == "11B1"]
    [plain_row] = [row for row in by_anyone.rows if row.section == "11B1"]
    assert plain_row.per_status[S.SUBMITTED.value] == head_row.per_status[S.SUBMITTED.value] == 3
    assert (plain_row.waiting, head_row.waiting) == (3, 2)
