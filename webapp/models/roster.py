"""Rosters: who belongs to a unit in an assessment year."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .areas import Unit
from .base import Base, utcnow
from .people import User
from .years import AssessmentYear

if TYPE_CHECKING:
    from .assessments import Assessment


class Membership(Base):
    """One line of a unit's roster ("danh sách") for a year: the denominator of its figures.

    A head may list a person before they have an account; `contact` (normalised phone or
    lower-cased email) matches them to a user on first login and keeps re-imports from
    creating duplicates.
    """

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("unit_id", "year_id", "contact"),
        UniqueConstraint("unit_id", "year_id", "user_id"),
        Index("ix_membership_unit_year_appendix", "unit_id", "year_id", "appendix"),
        # Which years have a roster at all (the year a report opens on).
        Index("ix_membership_year", "year_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(254))
    appendix: Mapped[str] = mapped_column(String(8))
    # Class ("lớp") for students, department ("phòng, tổ") for staff.
    section: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The drive ("đợt vận động") through which the person first joined: its "joined" count.
    drive_id: Mapped[int | None] = mapped_column(ForeignKey("drive.id", ondelete="SET NULL"), index=True)

    unit: Mapped[Unit] = relationship()
    year: Mapped[AssessmentYear] = relationship()
    user: Mapped[User | None] = relationship()
    assessment: Mapped[Assessment | None] = relationship(back_populates="membership", uselist=False)

    def __repr__(self) -> str:
        return f"<Membership {self.id} unit={self.unit_id} year={self.year_id}>"
