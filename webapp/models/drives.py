"""Drives: a head invites a class or department to join and assess through one QR poster."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .areas import Unit
from .base import NEVER_REUSE_IDS, Base, as_utc, utcnow
from .people import User
from .years import AssessmentYear


class Drive(Base):
    """An assessment drive ("đợt vận động") with a link and a poster QR."""

    __tablename__ = "drive"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    appendix: Mapped[str] = mapped_column(String(8))
    section: Mapped[str | None] = mapped_column(String(80))
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    year: Mapped[AssessmentYear] = relationship()
    created_by: Mapped[User | None] = relationship()

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.closed_at is None and as_utc(self.expires_at) > now
