"""The administrative tree and the units it manages."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSE_IDS, Base, LabelledEnum, str_enum

if TYPE_CHECKING:
    from .people import RoleGrant


class Area(Base):
    """A node of the administrative tree ("địa bàn"): province, ward, commune, ...

    Any depth, with the level named per node, because the tree changed in 2025 (two-tier
    local government). `path` is the materialised path of ids from the root ("/1/4/9/"),
    so "this node and everything beneath" is one indexed prefix query.
    """

    __tablename__ = "area"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(60))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="")

    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.name")
    units: Mapped[list[Unit]] = relationship(back_populates="area", order_by="Unit.name")

    def set_path(self) -> None:
        """Derive `path` from the parent's; call after a flush has given this node its id."""
        prefix = self.parent.path if self.parent is not None else "/"
        self.path = f"{prefix}{self.id}/"

    def is_within(self, other: Area) -> bool:
        """True when this node is `other` or lies beneath it."""
        return self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Area {self.code}>"


class UnitKind(LabelledEnum):
    """Kinds of unit; the label is what the UI shows."""

    HIGH_SCHOOL = "high_school", "Trường THPT"
    SCHOOL = "school", "Trường mầm non, tiểu học, THCS"
    CONTINUING_ED = "continuing_ed", "Trung tâm GDNN-GDTX"
    COLLEGE = "college", "Trường cao đẳng, đại học"
    OFFICE = "office", "Cơ quan"
    PUBLIC_UNIT = "public_unit", "Đơn vị sự nghiệp"
    ENTERPRISE = "enterprise", "Doanh nghiệp"
    OTHER = "other", "Khác"


class Unit(Base):
    """An office, school or enterprise ("đơn vị"), belonging to the area that manages it."""

    __tablename__ = "unit"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    # The unit's own recognition threshold (e.g. 90 or 95 percent), set by an administrator.
    recognition_threshold: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    area: Mapped[Area] = relationship(back_populates="units")
    role_grants: Mapped[list[RoleGrant]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
