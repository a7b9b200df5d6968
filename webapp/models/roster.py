"""Rosters: who belongs to a unit in an assessment year."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..names import SORT_KEY_LIMIT, search_text, sort_key
from .areas import Unit
from .base import NEVER_REUSE_IDS, Base, LabelledEnum, str_enum, utcnow
from .people import User
from .years import AssessmentYear

if TYPE_CHECKING:
    from .assessments import Assessment


class PendingLink(LabelledEnum):
    """A roster line and an account waiting for the other side's yes (see `roster.claims`)."""

    # The account's login matches the line's contact: the head confirms it is the right person.
    CLAIM = "claim", "Chờ xác nhận đúng người"
    # The head listed a phone/email that already has an account: its owner accepts.
    INVITE = "invite", "Chờ người được mời đồng ý"


class Membership(Base):
    """One line of a unit's roster ("danh sách") for a year: the denominator of its figures.

    A head may list a person before they have an account; `contact` (normalised phone or
    lower-cased email) keeps re-imports from creating duplicates and proposes the line to the
    account with that login, which is linked (`user_id`) only once the other side says yes:
    a typed phone proves nothing (`pending_user_id`, `pending_kind`).
    """

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("unit_id", "year_id", "contact"),
        UniqueConstraint("unit_id", "year_id", "user_id"),
        Index("ix_membership_unit_year_appendix", "unit_id", "year_id", "appendix"),
        Index("ix_membership_unit_year_sort_key", "unit_id", "year_id", "sort_key"),
        # The head's tally (`review.queries.tally`): read from the index alone, already grouped.
        Index("ix_membership_unit_group_section", "unit_id", "appendix", "section", "year_id", "user_id"),
        # Which years have a roster at all (the year a report opens on).
        Index("ix_membership_year", "year_id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    year_id: Mapped[int] = mapped_column(ForeignKey("assessment_year.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # Derived from full_name whenever it is set (see `_derive_from_name`): the class-list order
    # and the name without diacritics, so the database sorts, searches and paginates.
    sort_key: Mapped[str] = mapped_column(String(SORT_KEY_LIMIT), default="", server_default="")
    search_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact: Mapped[str] = mapped_column(String(254))
    appendix: Mapped[str] = mapped_column(String(8))
    # Class ("lớp") for students, department ("phòng, tổ") for staff.
    section: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    pending_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"),
                                                        index=True)
    pending_kind: Mapped[PendingLink | None] = mapped_column(str_enum(PendingLink))
    # Refused by the head, or declined by its owner: never proposed for this line again.
    declined_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # The drive ("đợt vận động") through which the person first joined: its "joined" count.
    drive_id: Mapped[int | None] = mapped_column(ForeignKey("drive.id", ondelete="SET NULL"), index=True)

    unit: Mapped[Unit] = relationship()
    year: Mapped[AssessmentYear] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    pending_user: Mapped[User | None] = relationship(foreign_keys=[pending_user_id])
    assessment: Mapped[Assessment | None] = relationship(back_populates="membership", uselist=False)

    @validates("full_name")
    def _derive_from_name(self, _key: str, full_name: str) -> str:
        self.sort_key = sort_key(full_name)
        self.search_name = search_text(full_name)[:120]
        return full_name

    def __repr__(self) -> str:
        return f"<Membership {self.id} unit={self.unit_id} year={self.year_id}>"


class RosterTally(Base):
    """A unit's roster lines of one year, group and class, and their assessments per status.

    Kept by the database's own triggers on `membership` and `assessment` (migration
    `e3a5c7d9f1b4`), so every write path keeps it, deletions and imports included; the app only
    reads it (the head's queue counts a school without reading its lines). A line without a
    class is counted under `section` '' (a key column cannot be NULL).
    """

    __tablename__ = "roster_tally"

    # No foreign keys: a row goes with the last line of its unit, year, group and class.
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(primary_key=True)
    appendix: Mapped[str] = mapped_column(String(8), primary_key=True)
    section: Mapped[str] = mapped_column(String(80), primary_key=True)
    lines: Mapped[int]
    # One column per shown status (`SHOWN_STATUSES` keys), and the waiting forms that reached
    # the title by their own points (what bulk confirmation picks).
    draft: Mapped[int] = mapped_column(server_default="0")
    submitted: Mapped[int] = mapped_column(server_default="0")
    submitted_achieved: Mapped[int] = mapped_column(server_default="0")
    returned: Mapped[int] = mapped_column(server_default="0")
    confirmed_achieved: Mapped[int] = mapped_column(server_default="0")
    confirmed_not_achieved: Mapped[int] = mapped_column(server_default="0")
    rejected: Mapped[int] = mapped_column(server_default="0")
    revoked: Mapped[int] = mapped_column(server_default="0")
