"""Assessments ("phiếu tự đánh giá") and their answers per index."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from .base import NEVER_REUSE_IDS, Base, LabelledEnum, str_enum, utcnow
from .criteria_versions import CriteriaVersion
from .people import User
from .roster import Membership


class AssessmentStatus(LabelledEnum):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã gửi, chờ xác nhận"
    RETURNED = "returned", "Được trả lại để sửa"
    CONFIRMED = "confirmed", "Đã xác nhận"
    REJECTED = "rejected", "Không được xác nhận đạt"
    # A confirmed title later withdrawn by the head, with a reason.
    REVOKED = "revoked", "Đã bị thu hồi"


@dataclass(frozen=True)
class ShownStatus:
    """A status as people read it and count it: a confirmation is split by its result."""

    value: str  # a stable key: the status code, or confirmed_achieved / confirmed_not_achieved
    label: str
    badge_class: str


CONFIRMED_ACHIEVED = ShownStatus("confirmed_achieved", "Xác nhận đạt", "confirmed")
CONFIRMED_NOT_ACHIEVED = ShownStatus("confirmed_not_achieved", "Xác nhận chưa đạt", "confirmed not-achieved")
SHOWN_STATUSES: tuple[ShownStatus, ...] = tuple(
    shown for status in AssessmentStatus
    for shown in ((CONFIRMED_ACHIEVED, CONFIRMED_NOT_ACHIEVED) if status is AssessmentStatus.CONFIRMED
                  else (ShownStatus(status.value, status.label, status.value),))
)


def shown_status(status: AssessmentStatus, confirmed_achieved: bool | None) -> ShownStatus:
    """How a status is shown and counted everywhere (badges, counts, downloads' labels)."""
    if status is AssessmentStatus.CONFIRMED:
        # As `holds_title`: only a confirmation that reached the title reads "đạt".
        return CONFIRMED_ACHIEVED if confirmed_achieved else CONFIRMED_NOT_ACHIEVED
    return ShownStatus(status.value, status.label, status.value)


def status_text(status: AssessmentStatus | None, confirmed_achieved: bool | None) -> str:
    """`shown_status`'s label, for a roster line that may have no assessment yet."""
    return "Chưa bắt đầu" if status is None else shown_status(status, confirmed_achieved).label


class Assessment(Base):
    """One member's assessment for one roster line (so one per member, unit and year)."""

    __tablename__ = "assessment"
    __table_args__ = (
        # The head's queue (`review.queries.waiting`, `returned`): one unit's forms in a status,
        # oldest first, read in order and stopped at the page. Through the roster lines instead,
        # the database reads every line of the school or every school's submitted forms.
        Index("ix_assessment_unit_status", "unit_id", "status", "submitted_at", "id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), unique=True
    )
    # The roster line's unit, copied when the assessment is created, for the index above (the
    # app never moves a line; the `membership_tally_move` trigger keeps the copy if one is moved).
    # Queries still filter on `Membership.unit_id` too, so a wrong copy could only hide a form
    # from its head, never show it to another unit's.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    criteria_version_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_version.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus), default=AssessmentStatus.DRAFT, index=True
    )
    # Part of every member-QR and certificate token: a printed code names this assessment and
    # no other, even one that came to hold the same id (see `webapp.assessments.tokens`).
    token_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8), server_default="")
    # Generated on the phone, so a submission replayed from an offline queue is applied once.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    self_total: Mapped[int | None]
    self_achieved: Mapped[bool | None]
    self_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    head_total: Mapped[int | None]
    confirmed_achieved: Mapped[bool | None]
    head_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # Why it was returned, rejected or revoked.
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic lock: two heads acting at once, the second gets StaleDataError, not an overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1)

    membership: Mapped[Membership] = relationship(back_populates="assessment")
    criteria_version: Mapped[CriteriaVersion] = relationship()
    decided_by: Mapped[User | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Answer.id",
        lazy="selectin",
    )

    # The answers as [index code, points, note, head's points, head's comment] lists, read
    # with the row by the member's form and saves (`assessments.queries.answers_of`) instead of
    # as objects; None when not read so. `answers_read` gives either way.
    answers_as_read: Mapped[list[list[Any]] | None] = query_expression()

    __mapper_args__ = {"version_id_col": version}

    @property
    def holds_title(self) -> bool:
        """Confirmed by the head as reaching the title (a revoked title no longer counts)."""
        return self.status is AssessmentStatus.CONFIRMED and bool(self.confirmed_achieved)

    @property
    def status_label(self) -> str:
        """The status as people read it: a confirmation says whether the title was reached."""
        return shown_status(self.status, self.confirmed_achieved).label

    @property
    def badge_class(self) -> str:
        """The badge's CSS class: the status code, and `not-achieved` for a confirmed failure."""
        return shown_status(self.status, self.confirmed_achieved).badge_class

    def answers_by_index(self) -> dict[str, Answer]:
        return {answer.index_code: answer for answer in self.answers}

    def answers_read(self) -> dict[str, AnswerRead]:
        """Each index's stored answer: from the JSON column where the statement read one,
        else from the answer objects (loading them if need be)."""
        if self.answers_as_read is not None:
            return {row[0]: AnswerRead(*row) for row in self.answers_as_read}
        return {a.index_code: AnswerRead(a.index_code, a.self_value, a.evidence_note, a.head_value, a.head_comment)
                for a in self.answers}

    def __repr__(self) -> str:
        return f"<Assessment {self.id} {self.status.value}>"


class AnswerRead(NamedTuple):
    """A stored answer as a page shows it (`Assessment.answers_read`): a tuple, in the order of
    the JSON column's arrays (`queries.answers_of`), since the saves make and copy ten of them
    per request (a frozen dataclass, copied with `replace` and `astuple`, cost ~70 µs more there)."""

    index_code: str
    self_value: int | None
    evidence_note: str | None
    head_value: int | None
    head_comment: str | None


class Answer(Base):
    """The member's and the head's answer to one index ("chỉ số"), with notes."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("assessment_id", "index_code"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"))
    index_code: Mapped[str] = mapped_column(String(16))
    # Points, or 0/1 for count-based sets.
    self_value: Mapped[int | None]
    evidence_note: Mapped[str | None] = mapped_column(String(500))
    head_value: Mapped[int | None]
    head_comment: Mapped[str | None] = mapped_column(String(500))

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


def shown_status_condition(shown: str) -> ColumnElement[bool]:
    """SQL for "this assessment is in the shown status" (a `SHOWN_STATUSES` key)."""
    if shown == CONFIRMED_ACHIEVED.value:
        return and_(Assessment.status == AssessmentStatus.CONFIRMED, Assessment.confirmed_achieved.is_(True))
    if shown == CONFIRMED_NOT_ACHIEVED.value:
        return and_(Assessment.status == AssessmentStatus.CONFIRMED, Assessment.confirmed_achieved.is_not(True))
    return Assessment.status == AssessmentStatus(shown)
