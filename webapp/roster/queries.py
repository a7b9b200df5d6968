"""Read-only queries behind the roster pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    SHOWN_STATUSES,
    Assessment,
    AssessmentStatus,
    AssessmentYear,
    Membership,
    PendingLink,
    Unit,
    shown_status,
    shown_status_condition,
)
from ..names import search_text

PAGE_SIZE = 50
NOT_STARTED = "not_started"
# The statuses a roster page can be filtered on: its counts, each a link to its people.
STATUS_FILTERS = {NOT_STARTED: "Chưa bắt đầu", **{shown.value: shown.label for shown in SHOWN_STATUSES}}


@dataclass
class RosterFilter:
    """What the roster page is asked to show: group, class/department, words typed."""

    appendix: str | None = None
    section: str | None = None
    search: str | None = None
    claims: bool = False  # only the lines whose claim waits for the head
    status: str | None = None  # a `STATUS_FILTERS` key

    @property
    def active(self) -> bool:
        return bool(self.appendix or self.section or self.search or self.claims or self.status)


@dataclass
class Page:
    lines: list[Membership]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.size, self.total)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matches(words: str) -> ColumnElement[bool]:
    """Every word typed is in the name without diacritics; or the digits are in the phone."""
    name = and_(*(Membership.search_name.like(f"%{_escaped(w)}%", escape="\\")
                  for w in search_text(words).split()))
    digits = "".join(ch for ch in words if ch.isdigit())
    if len(digits) == 11 and digits.startswith("84"):  # "+84 912 …" as people read it out
        digits = "0" + digits[2:]
    if len(digits) >= 3 and not any(ch.isalpha() for ch in words):
        return or_(name, Membership.contact.like(f"%{digits}%"))
    if "@" in words:
        return or_(name, Membership.contact.like(f"%{_escaped(words.strip().lower())}%", escape="\\"))
    return name


def _filtered(unit: Unit, year: AssessmentYear, wanted: RosterFilter) -> Select[Membership]:
    query = select(Membership).where(Membership.unit_id == unit.id, Membership.year_id == year.id)
    if wanted.appendix:
        query = query.where(Membership.appendix == wanted.appendix)
    if wanted.section:
        query = query.where(Membership.section == wanted.section)
    if wanted.search and search_text(wanted.search):
        query = query.where(_matches(wanted.search))
    if wanted.claims:
        query = query.where(Membership.pending_kind == PendingLink.CLAIM)
    if wanted.status in STATUS_FILTERS:
        assessment = select(Assessment.id).where(Assessment.membership_id == Membership.id)
        query = query.where(~assessment.exists() if wanted.status == NOT_STARTED
                            else assessment.where(shown_status_condition(wanted.status)).exists())
    return query


def page(session: Session, unit: Unit, year: AssessmentYear, wanted: RosterFilter,
         number: int = 1, size: int = PAGE_SIZE) -> Page:
    """One page of the roster lines with their assessments, in class-list order."""
    query = _filtered(unit, year, wanted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = min(max(number, 1), max(1, -(-total // size)))
    rows = session.scalars(
        # Each line shows its form's status, never its answers (ten a form, loaded with it by default).
        query.options(selectinload(Membership.assessment).lazyload(Assessment.answers),
                      selectinload(Membership.pending_user))
        .order_by(Membership.sort_key, Membership.id)
        .limit(size).offset((number - 1) * size)
    )
    return Page(list(rows), number, total, size)


def sections(session: Session, unit: Unit, year: AssessmentYear) -> list[str]:
    return list(session.scalars(
        select(Membership.section).distinct()
        .where(Membership.unit_id == unit.id, Membership.year_id == year.id,
               Membership.section.is_not(None))
        .order_by(Membership.section)
    ))


@dataclass
class RosterCounts:
    total: int = 0
    with_account: int = 0
    by_group: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def not_started(self) -> int:
        return self.total - sum(self.by_status.values())


def counts(session: Session, unit: Unit, year: AssessmentYear) -> RosterCounts:
    """Totals for the whole roster of the year, counted by the database."""
    result = RosterCounts()
    rows = session.execute(
        select(Membership.appendix, Assessment.status, Assessment.confirmed_achieved,
               func.count(Membership.id), func.count(Membership.user_id))
        .outerjoin(Assessment, Assessment.membership_id == Membership.id)
        .where(Membership.unit_id == unit.id, Membership.year_id == year.id)
        .group_by(Membership.appendix, Assessment.status, Assessment.confirmed_achieved)
    )
    for appendix, status, achieved, number, with_account in rows:
        result.total += number
        result.with_account += with_account
        result.by_group[appendix] = result.by_group.get(appendix, 0) + number
        if status is not None:
            # Keyed as `SHOWN_STATUSES`: a confirmation counts as achieved or not achieved.
            key = shown_status(status, achieved).value
            result.by_status[key] = result.by_status.get(key, 0) + number
    return result


@dataclass
class SectionCount:
    """One class or department: how many are listed, have an account, have submitted."""

    section: str | None
    total: int = 0
    with_account: int = 0
    submitted: int = 0


_SUBMITTED = [s for s in AssessmentStatus if s is not AssessmentStatus.DRAFT]


def section_counts(session: Session, unit: Unit, year: AssessmentYear) -> list[SectionCount]:
    """Per class/department counts for the whole year, by the database; unnamed ones last."""
    submitted = func.count(Assessment.id).filter(Assessment.status.in_(_SUBMITTED))
    rows = session.execute(
        select(Membership.section, func.count(Membership.id), func.count(Membership.user_id), submitted)
        .outerjoin(Assessment, Assessment.membership_id == Membership.id)
        .where(Membership.unit_id == unit.id, Membership.year_id == year.id)
        .group_by(Membership.section)
        .order_by(Membership.section.nulls_last())
    )
    return [SectionCount(section, total, accounts, done) for section, total, accounts, done in rows]
def claims_waiting(session: Session, unit_ids: list[int]) -> list[tuple[Unit, AssessmentYear, int]]:
    """Per unit and year, the claims its heads have to confirm or refuse (one statement)."""
    if not unit_ids:
        return []
    rows = session.execute(
        select(Unit, AssessmentYear, func.count(Membership.id))
        .join(Membership, Membership.unit_id == Unit.id)
        .join(AssessmentYear, AssessmentYear.id == Membership.year_id)
        .where(Unit.id.in_(unit_ids), Membership.pending_kind == PendingLink.CLAIM)
        .group_by(Unit.id, AssessmentYear.id)
        .order_by(Unit.name, AssessmentYear.starts_on.desc())
    )
    return [(unit, year, number) for unit, year, number in rows]
