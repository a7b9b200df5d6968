"""Assessment years as every page lists them, and which one a page starts on."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AssessmentYear


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
