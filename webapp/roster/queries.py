"""Read-only queries behind the roster pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import Assessment, AssessmentYear, Membership, PendingLink, Unit, shown_status


def lines(session: Session, unit: Unit, year: AssessmentYear,
          appendix: str | None = None, section: str | None = None) -> list[Membership]:
    """The roster lines with their assessments, by class/department then name."""
    query = (
        select(Membership)
        .where(Membership.unit_id == unit.id, Membership.year_id == year.id)
        .options(selectinload(Membership.assessment), selectinload(Membership.pending_user))
        .order_by(Membership.section.nulls_last(), Membership.full_name, Membership.id)
    )
    if appendix:
        query = query.where(Membership.appendix == appendix)
    if section:
        query = query.where(Membership.section == section)
    return list(session.scalars(query))


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
