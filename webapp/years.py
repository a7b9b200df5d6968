"""Assessment years as every page lists them, and which one a page starts on."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from .models import AssessmentYear, Membership
from .templating import VIETNAM


def all_years(session: Session) -> list[AssessmentYear]:
    """Every assessment year, newest first."""
    return list(session.scalars(
        select(AssessmentYear).order_by(AssessmentYear.starts_on.desc(), AssessmentYear.id.desc())
    ))


def open_years(session: Session) -> list[AssessmentYear]:
    """Years whose assessments can still change, newest first."""
    return [year for year in all_years(session) if year.is_open]


def pick_year(years: list[AssessmentYear], year_id: int | None) -> AssessmentYear | None:
    """The asked-for year, else the newest open year, else the newest year."""
    for year in years:
        if year.id == year_id:
            return year
    return next((y for y in years if y.is_open), years[0] if years else None)


def vietnam_today() -> date:
    return datetime.now(VIETNAM).date()


def report_year(session: Session, years: list[AssessmentYear], unit_id: int | None = None,
                today: date | None = None) -> AssessmentYear | None:
    """The year a report opens on: one whose dates include today and that has a roster (in the
    unit, when given), else the newest year with a roster, else the newest year.

    A next year created in advance is still empty: opening on it would show "no roster".
    """
    if not years:
        return None
    today = today or vietnam_today()
    current = [year for year in years if year.starts_on <= today <= year.ends_on]
    later = [year for year in years if year not in current]
    for year in current + later:
        if _has_roster(session, year.id, unit_id):
            return year
    return current[0] if current else years[0]


def _has_roster(session: Session, year_id: int, unit_id: int | None) -> bool:
    lines = select(Membership.id).where(Membership.year_id == year_id)
    if unit_id is not None:
        lines = lines.where(Membership.unit_id == unit_id)
    return bool(session.scalar(select(exists(lines))))
