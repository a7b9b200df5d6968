"""Read-only queries of the member's journey."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import AssessmentYear, Membership, Unit, User


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
