"""Criteria set versions as stored: an assessment pins the version it was made under."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import NEVER_REUSE_IDS, Base, utcnow


class CriteriaVersion(Base):
    """A snapshot of one criteria file ("bộ tiêu chí"), e.g. appendix IV version 2023.1.

    `body` and `source_text` hold the whole set as loaded, so a later file never changes old results.
    """

    __tablename__ = "criteria_version"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    appendix: Mapped[str] = mapped_column(String(8), index=True)
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(500))
    verified: Mapped[bool] = mapped_column(default=False)
    digest: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The file as it was loaded: parsing it again gives back the exact set and its rule.
    source_text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CriteriaVersion {self.key}>"
