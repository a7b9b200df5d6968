"""Assessment years and the targets set for them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .areas import Area
from .base import NEVER_REUSE_IDS, Base, LabelledEnum, str_enum


class YearKind(LabelledEnum):
    """Staff are assessed per calendar year, students per school year (September to May)."""

    STAFF = "staff", "Năm công tác"
    SCHOOL = "school", "Năm học"


class AssessmentYear(Base):
    """An assessment year ("năm đánh giá"), e.g. "2026" or "2026–2027"."""

    __tablename__ = "assessment_year"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[YearKind] = mapped_column(str_enum(YearKind))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Closing a year freezes its assessments.
    is_open: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<AssessmentYear {self.label}>"


class Target(Base):
    """A plan target ("chỉ tiêu"): the percentage of members holding the title.

    Set per year and area, for one appendix group or for all (`appendix` is NULL). The most
    specific target applies: the nearest area up the tree, a group's own before "all groups".
    """

    __tablename__ = "target"
    __table_args__ = (
        Index(
            "uq_target_scope", "year_id", "area_id", text("coalesce(appendix, '')"), unique=True
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    appendix: Mapped[str | None] = mapped_column(String(8))
    percentage: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    year: Mapped[AssessmentYear] = relationship()
    area: Mapped[Area] = relationship()
