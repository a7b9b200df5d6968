"""Business actions on assessments ("phiếu tự đánh giá"): the status machine.

Each action takes the session, the acting user and the assessment, checks that the action is
allowed in the current status, changes state, writes the audit event and flushes. The request
commits. Access (who may act) is checked by the caller with the predicates in
`webapp.assess.permissions`; these functions check *state* (status, open year, version).

    draft ──submit──▶ submitted ──confirm──▶ confirmed ──revoke──▶ revoked
      ▲                 │  │ └──reject──▶ rejected
      └───withdraw──────┘  └──return──▶ returned ──submit──▶ submitted
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from criteria import CriteriaSet
from scoring import AnswerError

from .. import audit, criteria_store
from ..models import Answer, Assessment, AssessmentStatus, Membership, User, utcnow

S = AssessmentStatus
EDITABLE = (S.DRAFT, S.RETURNED)
NOTE_LIMIT = 500


class OperationError(Exception):
    """An action that cannot happen now; `message` is Vietnamese, for the person acting."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Conflict(OperationError):
    """Someone else changed the assessment first (HTTP 409)."""

    status_code = 409


CHANGED_MESSAGE = "Phiếu này vừa được người khác thay đổi. Vui lòng tải lại trang để xem trạng thái mới."


def criteria_of(assessment: Assessment) -> CriteriaSet:
    """The criteria set the assessment was made under (pinned, never the newest file)."""
    return criteria_store.criteria_set_of(assessment.criteria_version)


def start(session: Session, member: User, membership: Membership) -> Assessment:
    """The member's assessment for this roster line, created as a draft on first use."""
    if membership.assessment is not None:
        return membership.assessment
    _require_open_year(membership)
    version = criteria_store.newest_version(session, membership.appendix)
    if version is None:
        raise OperationError(f"Chưa có bộ tiêu chí cho Phụ lục {membership.appendix}.")
    assessment = Assessment(membership=membership, criteria_version=version, status=S.DRAFT)
    session.add(assessment)
    session.flush()
    audit.record(session, member, assessment, "create", None, S.DRAFT.value)
    session.flush()
    return assessment


def save_draft(
    session: Session, member: User, assessment: Assessment,
    values: Mapping[str, int | bool | None], notes: Mapping[str, str] | None = None,
) -> Assessment:
    """Store the member's answers so far; incomplete answers are fine in a draft."""
    _require_status(assessment, EDITABLE)
    _require_open_year(assessment.membership)
    _store_self_answers(assessment, values, notes or {})
    return _flush(session, assessment)


def submit(
    session: Session, member: User, assessment: Assessment,
    values: Mapping[str, int | bool | None] | None = None,
    notes: Mapping[str, str] | None = None, client_id: str | None = None,
) -> Assessment:
    """Send the assessment to the head; every index must be answered."""
    if client_id and assessment.client_id == client_id:
        # The same submission replayed from the phone's queue: even after a withdrawal,
        # an old queued copy must not submit again.
        return assessment
    _require_status(assessment, EDITABLE)
    _require_open_year(assessment.membership)
    if values is not None:
        _store_self_answers(assessment, values, notes or {})
    result = _score(criteria_of(assessment), {a.index_code: a.self_value for a in assessment.answers})
    previous = assessment.status
    assessment.self_result = result.to_dict()
    assessment.self_total = result.total
    assessment.self_achieved = result.achieved
    assessment.status = S.SUBMITTED
    assessment.submitted_at = utcnow()
    if client_id:
        assessment.client_id = client_id
    audit.record(session, member, assessment, "submit", previous.value, S.SUBMITTED.value)
    return _flush(session, assessment)


def withdraw(session: Session, member: User, assessment: Assessment) -> Assessment:
    """Take a submitted assessment back to edit it, while the head has not acted."""
    return _move(session, member, assessment, "withdraw", (S.SUBMITTED,), S.DRAFT)


def confirm(
    session: Session, head: User, assessment: Assessment, expected_version: int,
    head_values: Mapping[str, int | bool | None] | None = None,
    comments: Mapping[str, str] | None = None,
) -> Assessment:
    """The head confirms: the result is scored on the head's points (default: the member's)."""
    _require_version(assessment, expected_version)
    _require_status(assessment, (S.SUBMITTED,))
    _require_open_year(assessment.membership)
    _store_head_answers(assessment, head_values or {}, comments or {})
    result = _score(criteria_of(assessment), {a.index_code: a.head_value for a in assessment.answers})
    assessment.head_result = result.to_dict()
    assessment.head_total = result.total
    assessment.confirmed_achieved = result.achieved
    return _decide(session, head, assessment, "confirm", S.CONFIRMED, None)


def return_for_correction(
    session: Session, head: User, assessment: Assessment, expected_version: int,
    comments: Mapping[str, str], reason: str | None = None,
) -> Assessment:
    """Send the assessment back to the member with comments per index."""
    _require_version(assessment, expected_version)
    _require_status(assessment, (S.SUBMITTED,))
    _require_open_year(assessment.membership)
    if not any(text.strip() for text in comments.values()) and not (reason or "").strip():
        raise OperationError("Hãy ghi nhận xét cho ít nhất một chỉ số để người đánh giá biết cần sửa gì.")
    _store_head_answers(assessment, {}, comments)
    return _decide(session, head, assessment, "return", S.RETURNED, reason)


def reject(session: Session, head: User, assessment: Assessment, expected_version: int,
           reason: str) -> Assessment:
    """Refuse the title for this year, with a reason."""
    _require_version(assessment, expected_version)
    _require_status(assessment, (S.SUBMITTED,))
    _require_open_year(assessment.membership)
    return _decide(session, head, assessment, "reject", S.REJECTED, _required_reason(reason))


def revoke(session: Session, head: User, assessment: Assessment, expected_version: int,
           reason: str) -> Assessment:
    """Withdraw a confirmed title; its certificate then answers that it was revoked."""
    _require_version(assessment, expected_version)
    _require_status(assessment, (S.CONFIRMED,))
    return _decide(session, head, assessment, "revoke", S.REVOKED, _required_reason(reason))


def find_by_client_id(session: Session, client_id: str) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.client_id == client_id))


# Helpers ---------------------------------------------------------------------------------

def _score(criteria_set: CriteriaSet, values: Mapping[str, int | bool | None]):  # type: ignore[no-untyped-def]
    answered = {code: value for code, value in values.items() if value is not None}
    missing = [i.code for c in criteria_set.criteria for i in c.indices if i.code not in answered]
    if missing:
        raise OperationError("Còn chỉ số chưa chấm điểm: " + ", ".join(missing) + ".")
    typed = {code: _typed(criteria_set, value) for code, value in answered.items()}
    try:
        return criteria_set.score(typed)
    except AnswerError as error:
        raise OperationError(f"Câu trả lời không hợp lệ: {error}") from None


def _typed(criteria_set: CriteriaSet, value: int | bool) -> int | bool:
    """Answers are stored as integers; boolean sets score True/False."""
    return bool(value) if criteria_set.answer_kind == "boolean" else int(value)


def _check_value(criteria_set: CriteriaSet, code: str, value: int | bool | None) -> int | None:
    index = next((i for c in criteria_set.criteria for i in c.indices if i.code == code), None)
    if index is None:
        raise OperationError(f"Không có chỉ số “{code}” trong bộ tiêu chí.")
    if value is None:
        return None
    if criteria_set.answer_kind == "boolean":
        return int(bool(value))
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= index.max_points:
        raise OperationError(f"Điểm của chỉ số {code} phải từ 0 đến {index.max_points}.")
    return value


def _answer(assessment: Assessment, code: str) -> Answer:
    answer = assessment.answers_by_index().get(code)
    if answer is None:
        answer = Answer(index_code=code)
        assessment.answers.append(answer)
    return answer


def _clean_note(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > NOTE_LIMIT:
        raise OperationError(f"Ghi chú dài quá {NOTE_LIMIT} ký tự.")
    return text or None


def _checked(assessment: Assessment, values: Mapping[str, int | bool | None],
             notes: Mapping[str, str]) -> tuple[dict[str, int | None], dict[str, str | None]]:
    """Validate every value and note before anything is written, so nothing is half-saved."""
    criteria_set = criteria_of(assessment)
    checked = {code: _check_value(criteria_set, code, value) for code, value in values.items()}
    cleaned = {code: _clean_note(text) for code, text in notes.items()}
    for code in cleaned:
        _check_value(criteria_set, code, None)
    return checked, cleaned


def _store_self_answers(assessment: Assessment, values: Mapping[str, int | bool | None],
                        notes: Mapping[str, str]) -> None:
    checked, cleaned = _checked(assessment, values, notes)
    for code, value in checked.items():
        _answer(assessment, code).self_value = value
    for code, note in cleaned.items():
        _answer(assessment, code).evidence_note = note


def _store_head_answers(assessment: Assessment, values: Mapping[str, int | bool | None],
                        comments: Mapping[str, str]) -> None:
    checked, cleaned = _checked(assessment, values, comments)
    for answer in assessment.answers:
        given = checked.get(answer.index_code)
        answer.head_value = given if given is not None else answer.self_value
        answer.head_comment = cleaned.get(answer.index_code)


def _decide(session: Session, head: User, assessment: Assessment, action: str,
            to_status: AssessmentStatus, reason: str | None) -> Assessment:
    previous = assessment.status
    assessment.status = to_status
    assessment.decided_at = utcnow()
    assessment.decided_by = head
    assessment.decision_reason = reason
    audit.record(session, head, assessment, action, previous.value, to_status.value, reason)
    return _flush(session, assessment)


def _move(session: Session, actor: User, assessment: Assessment, action: str,
          allowed: tuple[AssessmentStatus, ...], to_status: AssessmentStatus) -> Assessment:
    _require_status(assessment, allowed)
    _require_open_year(assessment.membership)
    previous = assessment.status
    assessment.status = to_status
    audit.record(session, actor, assessment, action, previous.value, to_status.value)
    return _flush(session, assessment)


def _flush(session: Session, assessment: Assessment) -> Assessment:
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise Conflict(CHANGED_MESSAGE) from None
    return assessment


def _require_status(assessment: Assessment, allowed: tuple[AssessmentStatus, ...]) -> None:
    if assessment.status not in allowed:
        raise Conflict(
            f"Phiếu đang ở trạng thái “{assessment.status.label}”, không thể thực hiện thao tác này."
        )


def _require_version(assessment: Assessment, expected_version: int) -> None:
    if assessment.version != expected_version:
        raise Conflict(CHANGED_MESSAGE)


def _require_open_year(membership: Membership) -> None:
    if not membership.year.is_open:
        raise OperationError(f"Năm đánh giá {membership.year.label} đã khoá; không thể thay đổi phiếu.")


def _required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OperationError("Vui lòng ghi lý do.")
    if len(reason) > 1000:
        raise OperationError("Lý do dài quá 1000 ký tự.")
    return reason
