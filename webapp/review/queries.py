"""Read-only queries for the heads' pages: the queue, counts and the start-page cards.

Each function is one or two SQL statements whatever the number of rows (no query per row).
Only open assessment years are shown: a closed year's assessments can no longer change.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from ..models import (
    SHOWN_STATUSES,
    Assessment,
    AssessmentStatus,
    AssessmentYear,
    AuditEvent,
    Membership,
    Role,
    RoleGrant,
    RosterTally,
    Unit,
    User,
)

S = AssessmentStatus
RETURNED_SHOWN = 20
# The queue lists at most this many forms per page; above it, with several classes, it lists the
# classes and their counts and each class opens on its own (a school's page stays small).
PAGE_SIZE = 50
# The `section` filter value that means "no class or department recorded".
NO_SECTION = "-"


@dataclass(frozen=True)
class QueueFilters:
    """What the head narrowed the queue to: an appendix group and/or a class or department."""

    appendix: str | None = None
    section: str | None = None

    def as_args(self) -> dict[str, str]:
        """Query-string arguments that carry these filters from page to page."""
        return {key: value for key, value in (("group", self.appendix), ("section", self.section))
                if value}


@dataclass(frozen=True)
class QueueRow:
    assessment_id: int
    full_name: str
    section: str | None
    appendix: str
    year_label: str
    self_total: int | None
    self_achieved: bool | None
    submitted_at: datetime | None
    decided_at: datetime | None
    version: int


@dataclass(frozen=True)
class SectionGroup:
    """The waiting assessments of one class or department, for confirming them together."""

    section: str | None
    rows: list[QueueRow]

    @property
    def preselected(self) -> int:
        return sum(1 for row in self.rows if row.self_achieved)


@dataclass(frozen=True)
class UnitSummary:
    """A headed unit's card on the start page."""

    unit: Unit
    waiting: int
    confirmed_achieved: int
    confirmed_not_achieved: int
    roster_size: int


def _filter_parameters(filters: QueueFilters) -> dict[str, str]:
    """The filters' values as the parameters of `_unit_rows_statement`."""
    values = {}
    if filters.appendix:
        values["appendix"] = filters.appendix
    if filters.section and filters.section != NO_SECTION:
        values["section"] = filters.section
    return values


def _section_shape(filters: QueueFilters) -> str | None:
    """How the statement filters the class: not at all, "without one" (`NO_SECTION`), or one."""
    if not filters.section:
        return None
    return NO_SECTION if filters.section == NO_SECTION else "one"


@functools.cache
def _unit_rows_statement(status: AssessmentStatus, by_appendix: bool, section: str | None,
                         leaves_out_viewer: bool, leaves_out_one: bool) -> Select:
    """The unit's assessments in `status` on roster lines of open years, oldest submitted first
    (most recently decided first for a returned one), one page: built once per shape, its ids,
    filter values and page bounds are parameters (building it cost more than running it).

    The unit is asked of the assessment (`ix_assessment_unit_status`), so both databases read the
    unit's forms in this status already in order and stop at the page; the roster line's own
    unit is asked too, so the copy on the assessment can never let another unit's form in.
    """
    unit_id = bindparam("unit_id", type_=Integer)
    query = (
        select(
            Assessment.id, Membership.full_name, Membership.section, Membership.appendix,
            AssessmentYear.label, Assessment.self_total, Assessment.self_achieved,
            Assessment.submitted_at, Assessment.decided_at, Assessment.version,
        )
        .join(Membership, Assessment.membership_id == Membership.id)
        .join(AssessmentYear, Membership.year_id == AssessmentYear.id)
        # The status is written into the SQL, as the page bounds below: PostgreSQL then plans
        # with what it knows of that status (returned forms are rare) and keeps the plan.
        .where(Assessment.unit_id == unit_id,
               Assessment.status == literal(status, Assessment.status.type, literal_execute=True),
               Membership.unit_id == unit_id, AssessmentYear.is_open.is_(True))
    )
    if by_appendix:
        query = query.where(Membership.appendix == bindparam("appendix", type_=String))
    if section == NO_SECTION:
        query = query.where(Membership.section.is_(None))
    elif section:
        query = query.where(Membership.section == bindparam("section", type_=String))
    if leaves_out_viewer:
        # The viewer's own assessment: another head or the area above confirms it.
        viewer = bindparam("viewer_id", type_=Integer)
        query = query.where(or_(Membership.user_id.is_(None), Membership.user_id != viewer))
    if leaves_out_one:
        query = query.where(Assessment.id != bindparam("left_out_id", type_=Integer))
    if status is S.SUBMITTED:
        query = query.order_by(Assessment.submitted_at, Assessment.id)
    else:
        query = query.order_by(Assessment.decided_at.desc(), Assessment.id)
    # The page bounds are written into the SQL (`literal_execute`): with them as parameters,
    # PostgreSQL cannot cost a reusable plan and plans the statement again on every request.
    return (query.limit(bindparam("size", type_=Integer, literal_execute=True))
            .offset(bindparam("skip", type_=Integer, literal_execute=True)))


def _unit_rows(session: Session, unit_id: int, status: AssessmentStatus, filters: QueueFilters,
               size: int, skip: int = 0, viewer_id: int | None = None,
               left_out_id: int | None = None) -> list[QueueRow]:
    """One page of `_unit_rows_statement` as rows."""
    statement = _unit_rows_statement(status, bool(filters.appendix), _section_shape(filters),
                                     viewer_id is not None, left_out_id is not None)
    parameters = {"unit_id": unit_id, "viewer_id": viewer_id, "left_out_id": left_out_id, "size": size,
                  "skip": skip, **_filter_parameters(filters)}
    return [QueueRow(*row) for row in session.execute(statement, parameters)]


def waiting(session: Session, unit_id: int, filters: QueueFilters = QueueFilters(),
            viewer_id: int | None = None, page: int = 1, size: int | None = None) -> list[QueueRow]:
    """Submitted assessments waiting for the head (not his own), oldest first; one page of them."""
    size = size or PAGE_SIZE
    return _unit_rows(session, unit_id, S.SUBMITTED, filters, size, (page - 1) * size, viewer_id)


@dataclass(frozen=True)
class SectionCount:
    """How many forms of one class or department wait, and how many reached the title themselves."""

    section: str | None
    waiting: int
    preselected: int

    @property
    def filter_value(self) -> str:
        return self.section or NO_SECTION


@dataclass(frozen=True)
class QueueView:
    """What the queue page shows of the waiting forms: one page of them grouped per class, or,
    when many wait in several classes, the classes with their counts (`by_class`)."""

    total: int
    page: int
    pages: int
    by_class: bool
    per_section: list[SectionCount]
    groups: list[SectionGroup]
    first: QueueRow | None  # where "Xem phiếu tiếp theo" leads

    def count_of(self, section: str | None) -> int:
        return next((count.waiting for count in self.per_section if count.section == section), 0)


def queue_view(session: Session, tally: UnitTally, filters: QueueFilters, page: int | None = None) -> QueueView:
    """One statement whatever the size (the counts per class come from the tally): one page of
    the waiting forms, or the oldest one when the page lists classes; none when the tally
    counts none waiting."""
    per_section = tally.waiting_sections(filters)
    total = sum(count.waiting for count in per_section)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page or 1, pages)
    by_class = not filters.section and len(per_section) > 1 and total > PAGE_SIZE
    rows = waiting(session, tally.unit_id, filters, tally.viewer_id, 1 if by_class else page,
                   1 if by_class else None) if total else []
    return QueueView(total, page, pages, by_class, per_section, [] if by_class else by_section(rows),
                     rows[0] if rows else None)


def by_section(rows: list[QueueRow]) -> list[SectionGroup]:
    """The rows per class or department (by name, those without one last), each kept in order."""
    groups: dict[str | None, list[QueueRow]] = {}
    for row in rows:
        groups.setdefault(row.section, []).append(row)
    ordered = sorted(groups, key=lambda section: (section is None, section or ""))
    return [SectionGroup(section, groups[section]) for section in ordered]


def returned(session: Session, tally: UnitTally, filters: QueueFilters = QueueFilters(),
             limit: int = RETURNED_SHOWN) -> list[QueueRow]:
    """Assessments sent back to the member and not yet resubmitted, most recent first; no
    statement when the tally counts none (most units, most of the time)."""
    if not tally.status_counts(filters)[S.RETURNED.value]:
        return []
    return _unit_rows(session, tally.unit_id, S.RETURNED, filters, limit)


@dataclass(frozen=True)
class TallyRow:
    """One group and class of the unit's rosters: its assessments per shown status, and those
    waiting for the viewer (not his own) with how many of them reached the title themselves."""

    appendix: str
    section: str | None
    per_status: dict[str, int]
    waiting: int
    preselected: int

    def matches(self, filters: QueueFilters) -> bool:
        if filters.appendix and self.appendix != filters.appendix:
            return False
        if filters.section == NO_SECTION:
            return self.section is None
        return not filters.section or self.section == filters.section


@dataclass(frozen=True)
class UnitTally:
    """The unit's roster lines of open years counted per group and class: one statement gives
    the queue page its filters, its count per status and its count per class."""

    unit_id: int
    viewer_id: int | None
    rows: list[TallyRow]

    def filter_choices(self) -> tuple[list[str], list[str]]:
        """The appendix groups and the sections present on the rosters."""
        appendices = sorted({row.appendix for row in self.rows})
        sections = sorted({row.section for row in self.rows if row.section})
        return appendices, sections

    def status_counts(self, filters: QueueFilters = QueueFilters()) -> dict[str, int]:
        """How many assessments are in each shown status (`SHOWN_STATUSES` keys, 0 if none): a
        confirmation counts as "Xác nhận đạt" or "Xác nhận chưa đạt"."""
        counts = {shown.value: 0 for shown in SHOWN_STATUSES}
        for row in self.rows:
            if row.matches(filters):
                for status, count in row.per_status.items():
                    counts[status] += count
        return counts

    def waiting_sections(self, filters: QueueFilters = QueueFilters()) -> list[SectionCount]:
        """The waiting forms per class or department, by name, those without one last."""
        waiting: dict[str | None, list[int]] = {}
        for row in self.rows:
            if row.waiting and row.matches(filters):
                counts = waiting.setdefault(row.section, [0, 0])
                counts[0] += row.waiting
                counts[1] += row.preselected
        ordered = sorted(waiting, key=lambda section: (section is None, section or ""))
        return [SectionCount(section, *waiting[section]) for section in ordered]


def tally(session: Session, unit_id: int, viewer_id: int | None = None) -> UnitTally:
    """Count the unit's open-year roster lines (see `UnitTally`) in one statement, from the
    stored counts: a school is counted without reading its lines."""
    merged: dict[tuple[str, str | None], list[int]] = {}
    for appendix, section, *numbers in session.execute(
            _tally_statement(), {"unit_id": unit_id, "viewer_id": viewer_id}):
        totals = merged.setdefault((appendix, section or None), [0] * len(numbers))
        for place, number in enumerate(numbers):
            totals[place] += number
    rows = [TallyRow(appendix, section,
                     {shown.value: count for shown, count in zip(SHOWN_STATUSES, counts, strict=True)},
                     waiting_count, picked)
            for (appendix, section), (waiting_count, picked, *counts) in sorted(merged.items(), key=_group_order)]
    return UnitTally(unit_id, viewer_id, rows)


def _group_order(item: tuple[tuple[str, str | None], list[int]]) -> tuple[str, bool, str]:
    (appendix, section), _numbers = item
    return appendix, section is None, section or ""


@functools.cache
def _tally_statement() -> CompoundSelect:
    """The tally's statement, built once (its ids are parameters): building it cost more than
    the database took to run it.

    The stored counts of the unit's open years (`RosterTally`, one row per year, group and
    class), and, taken away from those waiting, the viewer's own submitted form: another head
    or the area above confirms it. Rows of one group and class in several open years are
    added up by `tally`.
    """
    unit = bindparam("unit_id", type_=Integer)
    open_years = select(AssessmentYear.id).where(AssessmentYear.is_open.is_(True))
    stored = select(
        RosterTally.appendix, RosterTally.section, RosterTally.submitted, RosterTally.submitted_achieved,
        *(getattr(RosterTally, shown.value) for shown in SHOWN_STATUSES),
    ).where(RosterTally.unit_id == unit, RosterTally.year_id.in_(open_years))
    none = literal(0, Integer)
    own = (
        select(Membership.appendix, func.coalesce(Membership.section, ""), literal(-1, Integer),
               -case((Assessment.self_achieved.is_(True), 1), else_=0), *(none for _ in SHOWN_STATUSES))
        .join(Assessment, Assessment.membership_id == Membership.id)
        .where(Membership.unit_id == unit, Membership.user_id == bindparam("viewer_id", type_=Integer),
               Membership.year_id.in_(open_years), Assessment.status == S.SUBMITTED)
    )
    return union_all(stored, own)


def status_counts(session: Session, unit_id: int, filters: QueueFilters = QueueFilters()) -> dict[str, int]:
    """The unit's count per shown status (`UnitTally.status_counts`)."""
    return tally(session, unit_id).status_counts(filters)


def next_waiting(session: Session, unit_id: int, after: Assessment,
                 filters: QueueFilters = QueueFilters(), viewer_id: int | None = None) -> QueueRow | None:
    """The oldest other submitted assessment of the unit: where the head goes next."""
    rows = _unit_rows(session, unit_id, S.SUBMITTED, filters, 1, viewer_id=viewer_id, left_out_id=after.id)
    return rows[0] if rows else None


def unit_summaries(session: Session, unit_ids: Iterable[int]) -> list[UnitSummary]:
    """Per unit: assessments waiting, confirmed, and roster size in open years (two statements:
    the units, and their stored counts)."""
    ids = list(unit_ids)
    if not ids:
        return []
    units = session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name)).all()
    open_years = select(AssessmentYear.id).where(AssessmentYear.is_open.is_(True))
    counts = {row.unit_id: row for row in session.execute(
        select(RosterTally.unit_id, func.sum(RosterTally.submitted).label("waiting"),
               func.sum(RosterTally.confirmed_achieved).label("achieved"),
               func.sum(RosterTally.confirmed_not_achieved).label("not_achieved"),
               func.sum(RosterTally.lines).label("lines"))
        .where(RosterTally.unit_id.in_(ids), RosterTally.year_id.in_(open_years))
        .group_by(RosterTally.unit_id)
    )}
    summaries = []
    for unit in units:
        row = counts.get(unit.id)
        figures = (row.waiting, row.achieved, row.not_achieved, row.lines) if row else (0, 0, 0, 0)
        summaries.append(UnitSummary(unit, *(int(figure) for figure in figures)))
    return summaries


@dataclass(frozen=True)
class HeadRow:
    """A head's own submitted assessment, waiting for an aggregator of the area managing the unit."""

    assessment_id: int
    full_name: str
    unit_name: str
    self_total: int | None
    self_achieved: bool | None
    submitted_at: datetime | None


def heads_waiting(session: Session, area_ids: Iterable[int]) -> list[HeadRow]:
    """Submitted assessments of units' own heads, for units of these areas (open years), oldest first."""
    ids = list(area_ids)
    if not ids:
        return []
    query = (
        select(Assessment.id, Membership.full_name, Unit.name, Assessment.self_total,
               Assessment.self_achieved, Assessment.submitted_at)
        .join(Membership, Assessment.membership_id == Membership.id)
        .join(Unit, Membership.unit_id == Unit.id)
        .join(AssessmentYear, Membership.year_id == AssessmentYear.id)
        .where(Unit.area_id.in_(ids), AssessmentYear.is_open.is_(True), Assessment.status == S.SUBMITTED,
               select(RoleGrant.id).where(and_(RoleGrant.user_id == Membership.user_id,
                                               RoleGrant.role == Role.UNIT_HEAD,
                                               RoleGrant.unit_id == Membership.unit_id)).exists())
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    return [HeadRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class ReturnRound:
    """The last time the form was sent back: when, by whom, why (the per-index comments and the
    points it was returned with stay on its answers: `head_comment`, `head_value`)."""

    at: datetime
    by: str | None
    reason: str | None


def last_return(session: Session, assessment_id: int) -> ReturnRound | None:
    """From the audit log: the latest "return" of this assessment, or None if it never was."""
    row = session.execute(
        select(AuditEvent.at, User.full_name, AuditEvent.reason)
        .outerjoin(User, AuditEvent.actor_id == User.id)
        .where(AuditEvent.subject_type == Assessment.__tablename__, AuditEvent.subject_id == assessment_id,
               AuditEvent.action == "return")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return ReturnRound(*row) if row is not None else None
