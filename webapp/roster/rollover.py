"""Carrying a unit's roster into a new year: classes moved up, the last grade left out.

The head picks a source year, edits the class mapping (prefilled: 10A1 → 11A1, 12A1 → left
out), sees what would be created, then confirms; `apply_rollover` works out the same plan again
against the roster as it is then, so running it twice creates nothing the second time.

A carried line takes the person's name, contact, group and new class. Last year's account is
not linked to it but invited (`claims.invite`), as when a head lists an existing account: its
owner accepts on the start page. Other lines are claimed as usual when someone signs in.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .. import audit
from ..errors import DomainError
from ..models import AssessmentYear, Membership, Unit, UnitKind, User
from ..names import sort_key
from . import claims
from .operations import _clean_section, _flush_or_conflict, _require_open_year

# "10A1", "Lớp 10A1", "12", "6/1": a class whose name starts with its grade.
_GRADE = re.compile(r"^(lớp\s*)?(\d{1,2})(?!\d)(.*)$", re.IGNORECASE)
_SCHOOL_KINDS = {UnitKind.HIGH_SCHOOL: 12, UnitKind.CONTINUING_ED: 12, UnitKind.SCHOOL: None}


@dataclass
class MappingRow:
    """One class (or department) of the source roster and where its people go."""

    source: str | None
    people: int
    target: str | None  # None: left out
    carried: bool = True


@dataclass
class PlanRow:
    source: str | None
    target: str | None
    create: int = 0
    already: int = 0
    left_out: int = 0


@dataclass
class RolloverPlan:
    source: AssessmentYear
    target: AssessmentYear
    rows: list[PlanRow]
    lines: list[Membership] = field(default_factory=list)  # to create, not yet added
    accounts: list[User | None] = field(default_factory=list)  # last year's account of each
    by_target: list[tuple[str | None, int]] = field(default_factory=list)  # new lines per class

    @property
    def create(self) -> int:
        return sum(row.create for row in self.rows)

    @property
    def already(self) -> int:
        return sum(row.already for row in self.rows)

    @property
    def left_out(self) -> int:
        return sum(row.left_out for row in self.rows)


def _grade(section: str) -> int | None:
    match = _GRADE.match(section)
    return int(match[2]) if match and 1 <= int(match[2]) <= 12 else None


def _top_grade(unit: Unit, sections: list[str]) -> int | None:
    """The grade that leaves the school; None for units that have no grades."""
    if unit.kind not in _SCHOOL_KINDS:
        return None
    top = _SCHOOL_KINDS[unit.kind]
    if top is not None:
        return top
    grades = [g for g in map(_grade, sections) if g is not None]
    highest = max(grades, default=9)  # primary schools end at 5, lower secondary at 9
    return 5 if highest <= 5 else 9 if highest <= 9 else 12


def promoted(section: str | None, top_grade: int | None) -> tuple[str | None, bool]:
    """The class a year on (10A1 → 11A1) and whether its people are carried at all."""
    if section is None or top_grade is None:
        return section, True
    match = _GRADE.match(section)
    grade = _grade(section)
    if match is None or grade is None:
        return section, True  # a department ("Tổ Toán") keeps its name
    if grade >= top_grade:
        return None, False
    return f"{match[1] or ''}{grade + 1}{match[3]}", True


def source_years(session: Session, unit: Unit, target: AssessmentYear) -> list[AssessmentYear]:
    """Years before the target in which the unit has a roster, newest first."""
    return list(session.scalars(
        select(AssessmentYear)
        .where(AssessmentYear.starts_on < target.starts_on,
               AssessmentYear.id.in_(select(Membership.year_id).where(Membership.unit_id == unit.id)))
        .order_by(AssessmentYear.starts_on.desc(), AssessmentYear.id.desc())
    ))


def default_mapping(session: Session, unit: Unit, source: AssessmentYear) -> list[MappingRow]:
    """Every class of the source roster with its head count, moved up a grade."""
    counts = session.execute(
        select(Membership.section, func.count(Membership.id))
        .where(Membership.unit_id == unit.id, Membership.year_id == source.id)
        .group_by(Membership.section)
    ).all()
    top = _top_grade(unit, [section for section, _ in counts if section])
    rows = []
    for section, people in counts:
        target, carried = promoted(section, top)
        rows.append(MappingRow(section, people, target, carried))
    return sorted(rows, key=lambda row: _class_order(row.source))


def _class_order(section: str | None) -> tuple[int, int, str]:
    """Classes by grade then name (9A before 10A), departments after, no class last."""
    if section is None:
        return (2, 0, "")
    grade = _grade(section)
    return (0 if grade is not None else 1, grade or 0, sort_key(section))


def plan_rollover(session: Session, unit: Unit, source: AssessmentYear, target: AssessmentYear,
                  mapping: dict[str | None, str | None]) -> RolloverPlan:
    """What carrying `source` into `target` with this mapping would do; nothing is written.

    `mapping` gives each carried source class (None: the lines without one) its target class
    (None: without one); a class missing from it is left out.
    """
    _check_years(source, target)
    present = _present_contacts(session, unit, target)
    rows: dict[str | None, PlanRow] = {}
    plan = RolloverPlan(source, target, [])
    for line in session.scalars(
        select(Membership).where(Membership.unit_id == unit.id, Membership.year_id == source.id)
        .options(selectinload(Membership.user)).order_by(Membership.sort_key, Membership.id)
    ):
        carried = line.section in mapping
        target_section = _clean_section(mapping[line.section]) if carried else None
        row = rows.setdefault(line.section, PlanRow(line.section, target_section if carried else None))
        if not carried:
            row.left_out += 1
        elif present & _logins(line):
            row.already += 1
        else:
            present.update(_logins(line))
            row.create += 1
            plan.lines.append(Membership(unit_id=unit.id, year_id=target.id, full_name=line.full_name,
                                         contact=line.contact, appendix=line.appendix,
                                         section=target_section))
            plan.accounts.append(line.user)
    plan.rows = sorted(rows.values(), key=lambda row: _class_order(row.source))
    plan.by_target = sorted(Counter(line.section for line in plan.lines).items(),
                            key=lambda item: (item[0] is None, sort_key(item[0] or "")))
    return plan


def apply_rollover(session: Session, head: User, unit: Unit, source: AssessmentYear,
                   target: AssessmentYear, mapping: dict[str | None, str | None]) -> RolloverPlan:
    """Create the planned lines in one transaction, each audited with where it came from."""
    plan = plan_rollover(session, unit, source, target, mapping)
    session.add_all(plan.lines)
    _flush_or_conflict(session)
    for line, account in zip(plan.lines, plan.accounts, strict=True):
        audit.record(session, head, line, "roster_rollover_add",
                     reason=f"Chuyển từ năm {source.label}: {line.full_name}, Phụ lục {line.appendix}"
                            + (f", {line.section}" if line.section else ""))
        if account is not None:
            # Last year's account is invited, as when a head lists it: its owner says yes.
            claims.invite(session, head, line, account)
    session.flush()
    return plan


def _check_years(source: AssessmentYear, target: AssessmentYear) -> None:
    _require_open_year(target)
    if source.id == target.id:
        raise DomainError("Hãy chọn một năm khác với năm đang chuyển danh sách đến.", "source")
    if source.starts_on >= target.starts_on:
        raise DomainError(f"Năm {source.label} không trước năm {target.label}; chỉ chuyển được "
                          "danh sách của một năm trước sang năm sau.", "source")


def _logins(line: Membership) -> set[str]:
    """Every contact that identifies the line's person: its own, and its account's."""
    logins = {line.contact}
    if line.user is not None:
        logins.update(login for login in (line.user.phone, line.user.email) if login)
    return logins


def _present_contacts(session: Session, unit: Unit, target: AssessmentYear) -> set[str]:
    """Contacts already on the target roster, with the phone and email of linked accounts."""
    present: set[str] = set()
    for line in session.scalars(
        select(Membership).where(Membership.unit_id == unit.id, Membership.year_id == target.id)
        .options(selectinload(Membership.user))
    ):
        present.update(_logins(line))
    return present
