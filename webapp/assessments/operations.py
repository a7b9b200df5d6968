"""Business actions on assessments ("phiếu tự đánh giá"): the status machine.

Each action takes the session, the acting user and the assessment, checks that the action is
allowed in the current status, changes state, writes the audit event and flushes (a member's
save or submission writes its answers, row and event all or nothing, guarded by the version it
read: `_write_if_unchanged`, `writes`). The request commits. A member's save and submission work
on the assessment as plain values (`records.AssessmentRecord`: the JSON API reads it so);
`save_draft` and `submit` take the object for callers that hold one.
Who may act is decided by `webapp.access`; these functions check *state* (status, open year,
version) and the answers (`CriteriaSet.allowed_points` is the one rule).

    draft ──submit──▶ submitted ──confirm──▶ confirmed ──revoke──▶ revoked
      ▲                 │  │ └──reject──▶ rejected
      └───withdraw──────┘  └──return──▶ returned ──submit──▶ submitted
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from criteria import CriteriaSet
from scoring import AnswerError, Result

from .. import audit, criteria_store
from ..db import WRITE_LOCK
from ..errors import DomainError
from ..inputs import BAD_TEXT, has_bad_characters
from ..models import Answer, Assessment, AssessmentStatus, AssessmentYear, Membership, User, utcnow
from ..models.assessments import AnswerRead
from . import records, writes
from .records import AssessmentRecord, YearState

S = AssessmentStatus
EDITABLE = (S.DRAFT, S.RETURNED)
NOTE_LIMIT = 500
REASON_LIMIT = 1000

CHANGED_MESSAGE = "Phiếu này vừa được người khác thay đổi. Vui lòng tải lại trang để xem trạng thái mới."
CLIENT_ID_TAKEN = "Mã lần gửi này đã dùng cho một phiếu khác. Vui lòng tải lại trang và gửi lại."

Values = Mapping[str, int | bool | None]


def conflict(message: str = CHANGED_MESSAGE) -> DomainError:
    """Someone else changed the assessment first (HTTP 409)."""
    return DomainError(message, status=409)


class RowMovedOn(DomainError):
    """The assessment's row is no longer the version this request read: another request wrote
    it in between (a 409 unless the caller reads it again and retries)."""

    def __init__(self) -> None:
        super().__init__(CHANGED_MESSAGE, status=409)


def criteria_of(assessment: Assessment) -> CriteriaSet:
    """The criteria set the assessment was made under (pinned, never the newest file)."""
    return criteria_store.criteria_set_of(assessment.criteria_version)


def start(session: Session, member: User, membership: Membership) -> Assessment:
    """The member's assessment for this roster line, created as a draft on first use.

    Two taps at once create one assessment: the second finds the first one's row.
    """
    if membership.assessment is not None:
        return membership.assessment
    _require_open_year(membership.year)
    version = criteria_store.newest_version(session, membership.appendix)
    if version is None:
        raise DomainError(f"Chưa có bộ tiêu chí cho Phụ lục {membership.appendix}.")
    # Linked by id and added inside the savepoint, so a lost race leaves nothing pending.
    assessment = Assessment(membership_id=membership.id, unit_id=membership.unit_id, criteria_version=version,
                            status=S.DRAFT)
    try:
        with session.begin_nested():
            session.add(assessment)
            session.flush()
    except IntegrityError:
        pass
    session.expire(membership, ["assessment"])
    if membership.assessment is not assessment:
        if membership.assessment is None:
            raise DomainError("Không tạo được phiếu lúc này. Vui lòng thử lại.", status=409)
        return membership.assessment
    audit.record(session, member, assessment, "create", None, S.DRAFT.value)
    session.flush()
    return assessment


def save_draft(session: Session, member: User, assessment: Assessment, values: Values,
               notes: Mapping[str, str] | None = None) -> Assessment:
    """`save_draft_record` for a caller holding the assessment as an object (the form page's
    POST, the demo); the object then holds what was written."""
    form = AssessmentRecord.of(assessment)
    save_draft_record(session, member, form, values, notes)
    _hold(session, assessment, form)
    return assessment


def save_draft_record(session: Session, member: User, form: AssessmentRecord, values: Values,
                      notes: Mapping[str, str] | None = None) -> AssessmentRecord:
    """Store the member's answers so far; incomplete answers are fine in a draft.

    A save that changed something moves the version on, guarded by the version it read, as
    the submit is: an autosave racing the "Gửi" tap (or a second tab) then never lands on a
    form already sent. The loser reads what the winner left and tries once more, where a form
    sent meanwhile is refused (409). Returns the record as the save left it (read again after a
    lost race).
    """
    try:
        return _save_draft(session, form, values, notes or {})
    except RowMovedOn:
        form = _reread_after_writer(session, form)
    return _save_draft(session, form, values, notes or {})


def _save_draft(session: Session, form: AssessmentRecord, values: Values,
                notes: Mapping[str, str]) -> AssessmentRecord:
    _require_status(form.status, EDITABLE)
    _require_open_year(form.year)
    changed = _changed_answers(form, values, notes)
    if changed:
        _write_if_unchanged(session, form, {}, changed)
    return form


def submit(session: Session, member: User, assessment: Assessment, values: Values | None = None,
           notes: Mapping[str, str] | None = None, client_id: str | None = None) -> Assessment:
    """`submit_record` for a caller holding the assessment as an object (the form page's POST,
    the demo); the object then holds what was written."""
    form = AssessmentRecord.of(assessment)
    submit_record(session, member, form, values, notes, client_id)
    _hold(session, assessment, form)
    return assessment


def submit_record(session: Session, member: User, form: AssessmentRecord, values: Values | None = None,
                  notes: Mapping[str, str] | None = None, client_id: str | None = None) -> AssessmentRecord:
    """Send the assessment to the head; every index must be answered.

    `client_id` is made on the phone once per attempt: the same id again (a replay from the
    offline queue, even after a withdrawal, or the same tap arriving from two tabs at once)
    returns the assessment as the first request left it, and an id already used by another
    assessment is refused.

    The row is written only if its version is still the one read with the answers (no lock
    while reading: a lock taken with the read would let the answers come from before the other
    writer's commit). The loser of a race reads what the winner left: the same id is the
    winner's reply; a save from an autosave or another tab is submitted over once more.
    Returns the record as the submission left it (read again after a lost race).
    """
    if client_id and form.client_id == client_id:
        return form
    try:
        # An id used by another assessment is caught by its unique constraint.
        return _submit(session, member, form, values, notes, client_id)
    except (RowMovedOn, IntegrityError, OperationalError) as error:
        form = _reread_after_writer(session, form)
        if client_id and form.client_id == client_id:
            return form
        if isinstance(error, IntegrityError):
            raise conflict(CLIENT_ID_TAKEN) from None
    # Once more on what the winner left (a form it sent is refused by the status check).
    return _submit(session, member, form, values, notes, client_id)


def _submit(session: Session, member: User, form: AssessmentRecord, values: Values | None,
            notes: Mapping[str, str] | None, client_id: str | None) -> AssessmentRecord:
    _require_status(form.status, EDITABLE)
    _require_open_year(form.year)
    changed = _changed_answers(form, values, notes or {}) if values is not None else []
    sent = _answers_after(form.answers, changed)
    result = _score(form.criteria_set, {code: answer.self_value for code, answer in sent.items()})
    _require_evidence(form.criteria_set, sent)
    changes: dict[str, Any] = {"self_result": result.to_dict(), "self_total": result.total,
                               "self_achieved": result.achieved, "status": S.SUBMITTED, "submitted_at": utcnow()}
    if client_id:
        changes["client_id"] = client_id
    event = audit.event_values(member, form, "submit", form.status.value, S.SUBMITTED.value)
    _write_if_unchanged(session, form, changes, changed, event)
    return form


# What a save keeps of the values it wrote, besides the version.
_RECORDED = ("status", "client_id", "self_total", "self_achieved")


def _write_if_unchanged(session: Session, form: AssessmentRecord, changes: dict[str, Any],
                        answers: list[writes.AnswerRow], event: dict[str, Any] | None = None) -> None:
    """Write the changed answers, the row's `changes` and the audit event if the assessment's
    version is still the one read, else a 409 with nothing written (`writes.write`); then the
    record holds what was written."""
    written = {**changes, "version": form.version + 1, "updated_at": utcnow()}
    if not writes.write(session, form, written, answers, event):
        raise RowMovedOn()
    form.answers = _answers_after(form.answers, answers)
    form.version = written["version"]
    for key in _RECORDED:
        if key in written:
            setattr(form, key, written[key])
    form.written, form.written_answers = written, answers


def _hold(session: Session, assessment: Assessment, form: AssessmentRecord) -> None:
    """The object holds what the record's save wrote. Values a lost race's re-read expired (the
    rollback expires every object) are read again when next used; answer objects for new answers
    too."""
    for key, value in form.written.items():
        set_committed_value(assessment, key, value)
    if not form.written_answers:
        return
    loaded = inspect(assessment).dict
    if loaded.get("answers_as_read") is not None:
        set_committed_value(assessment, "answers_as_read", [list(answer) for answer in form.answers.values()])
    if "answers" not in loaded:
        return
    stored = assessment.answers_by_index()
    for row in form.written_answers:
        answer = stored.get(row["index_code"])
        if answer is not None:
            set_committed_value(answer, "self_value", row["self_value"])
            set_committed_value(answer, "evidence_note", row["evidence_note"])
    if any(row["index_code"] not in stored for row in form.written_answers):
        session.expire(assessment, ["answers"])


def _reread_after_writer(session: Session, form: AssessmentRecord) -> AssessmentRecord:
    """Start afresh once the request that won has committed, and read the assessment it left."""
    session.rollback()
    # SQLite: the new transaction takes the write lock first, so it waits for the winner's
    # commit (busy_timeout) before it reads.
    session.connection(execution_options={WRITE_LOCK: True})
    fresh = records.read(session, form.id)
    if fresh is None:
        raise conflict()  # deleted meanwhile (its roster line removed)
    return fresh


def withdraw(session: Session, member: User, assessment: Assessment) -> Assessment:
    """Take a submitted assessment back to edit it, while the head has not acted."""
    _require_status(assessment.status, (S.SUBMITTED,))
    _require_open_year(assessment.membership.year)
    with _changing(session):
        previous = assessment.status
        assessment.status = S.DRAFT
        audit.record(session, member, assessment, "withdraw", previous.value, S.DRAFT.value)
    return assessment


BELOW_TITLE = "below_title"


def below_title_message(result: Result, boolean: bool = False) -> str:
    total = f"{result.total} chỉ số đạt" if boolean else f"tổng {result.total} điểm"
    return (f"Theo điểm xác nhận, phiếu này chưa đạt danh hiệu ({total}). "
            "Nếu đúng như vậy, bấm “Xác nhận chưa đạt”; nếu không, hãy sửa lại điểm.")


def confirm(session: Session, head: User, assessment: Assessment, expected_version: int,
            head_values: Values | None = None, comments: Mapping[str, str] | None = None,
            below_title_ok: bool = True) -> Assessment:
    """The head confirms: the result is scored on the head's points (default: the member's).

    Points that differ from the member's need a comment on that index: the member reads why.
    With `below_title_ok=False` a result below the title is refused (field `BELOW_TITLE`), so
    the review page can ask the head to confirm that outcome explicitly.
    """
    _require_decidable(assessment, expected_version)
    _require_comments_on_changes(assessment, head_values or {}, comments or {})
    if not below_title_ok:
        preview = head_preview(assessment, head_values or {})
        if not preview.achieved:
            boolean = criteria_of(assessment).answer_kind == "boolean"
            raise DomainError(below_title_message(preview, boolean), BELOW_TITLE, status=422)
    with _changing(session):
        _store_head_answers(assessment, head_values or {}, comments or {})
        result = _score(criteria_of(assessment), {a.index_code: a.head_value for a in assessment.answers})
        assessment.head_result = result.to_dict()
        assessment.head_total = result.total
        assessment.confirmed_achieved = result.achieved
        _decide(session, head, assessment, "confirm", S.CONFIRMED, None)
    return assessment


def head_preview(assessment: Assessment, head_values: Values) -> Result:
    """The result the head's points would give, without storing them (missing: the member's)."""
    answers = assessment.answers_by_index()
    checked, _ = _checked(criteria_of(assessment), head_values, {})
    values = {code: checked.get(code) if checked.get(code) is not None else answer.self_value
              for code, answer in answers.items()}
    return _score(criteria_of(assessment), values)


@dataclass
class BulkOutcome:
    """What `confirm_many` did: the assessments it confirmed, and why it left the others."""

    confirmed: list[Assessment] = field(default_factory=list)
    skipped: list[tuple[Assessment, str]] = field(default_factory=list)


OWN_ASSESSMENT = "Không thể tự xác nhận phiếu của chính mình."


def confirm_many(session: Session, head: User, unit_id: int, picks: Mapping[int, int]) -> BulkOutcome:
    """Confirm the picked assessments of one unit at the members' own points, in one transaction.

    `picks` maps an assessment id to the version the head saw. One that changed since (another
    head acted, the member withdrew) is reported in `skipped` and left as it is; ids outside the
    unit are ignored, so a forged form cannot reach another unit. Each confirmation is audited.
    Two heads at once: PostgreSQL makes the second wait on the row locks; on SQLite the second
    cannot take the write lock it needs after reading, so it starts afresh once the first has
    committed (as `submit` does) and reports what the first one confirmed.
    """
    try:
        return _confirm_many(session, head, unit_id, picks)
    except OperationalError:
        session.rollback()
        session.connection(execution_options={WRITE_LOCK: True})
        return _confirm_many(session, head, unit_id, picks)


def _confirm_many(session: Session, head: User, unit_id: int, picks: Mapping[int, int]) -> BulkOutcome:
    found = session.scalars(
        select(Assessment).join(Membership, Assessment.membership_id == Membership.id)
        .where(Assessment.id.in_(list(picks)), Membership.unit_id == unit_id)
        # One order for everyone, so two heads' row locks cannot deadlock: the forms', and then
        # the stored tally's rows (one per year, group and class), which each confirmation updates.
        .order_by(Membership.year_id, Membership.appendix, Membership.section, Assessment.id)
        .with_for_update(of=Assessment)
    ).all()
    outcome = BulkOutcome()
    for assessment in found:
        if assessment.membership.user_id == head.id:
            outcome.skipped.append((assessment, OWN_ASSESSMENT))
            continue
        try:
            confirm(session, head, assessment, picks[assessment.id])
        except DomainError as error:
            outcome.skipped.append((assessment, error.message))
        else:
            outcome.confirmed.append(assessment)
    return outcome


def return_for_correction(session: Session, head: User, assessment: Assessment, expected_version: int,
                          comments: Mapping[str, str], reason: str | None = None,
                          head_values: Values | None = None) -> Assessment:
    """Send the assessment back to the member with comments per index.

    The head's points are kept as they were at the return (default: the member's), so the member
    sees which ones the head would change; as on a confirmation, a changed one needs a comment.
    """
    _require_decidable(assessment, expected_version)
    if not any(text.strip() for text in comments.values()) and not (reason or "").strip():
        raise DomainError("Hãy ghi nhận xét cho ít nhất một chỉ số để người tự đánh giá biết cần sửa gì.")
    _require_comments_on_changes(assessment, head_values or {}, comments)
    reason = _optional_reason(reason)
    with _changing(session):
        _store_head_answers(assessment, head_values or {}, comments)
        _decide(session, head, assessment, "return", S.RETURNED, reason)
    return assessment


def reject(session: Session, head: User, assessment: Assessment, expected_version: int,
           reason: str) -> Assessment:
    """Refuse the title for this year, with a reason."""
    _require_decidable(assessment, expected_version)
    reason = _required_reason(reason)
    with _changing(session):
        _decide(session, head, assessment, "reject", S.REJECTED, reason)
    return assessment


def revoke(session: Session, head: User, assessment: Assessment, expected_version: int,
           reason: str) -> Assessment:
    """Withdraw a confirmed title; its certificate then answers that it was revoked."""
    _require_version(assessment, expected_version)
    _require_status(assessment.status, (S.CONFIRMED,))
    reason = _required_reason(reason)
    with _changing(session):
        _decide(session, head, assessment, "revoke", S.REVOKED, reason)
    return assessment


# Answers -----------------------------------------------------------------------------------

def points_message(criteria_set: CriteriaSet, code: str) -> str:
    """What an index accepts, in one Vietnamese sentence (from `allowed_points`)."""
    allowed = criteria_set.allowed_points(code)
    if list(allowed) == list(range(allowed[0], allowed[-1] + 1)):
        return f"Điểm của chỉ số {code} phải là số nguyên từ {allowed[0]} đến {allowed[-1]}."
    return f"Điểm của chỉ số {code} phải là một trong các mức: {', '.join(map(str, allowed))}."


def check_value(criteria_set: CriteriaSet, code: str, value: int | bool | None) -> int | None:
    """The stored form of one answer, or DomainError (field = the index code)."""
    try:
        allowed = criteria_set.allowed_points(code)
    except KeyError:
        raise DomainError(f"Không có chỉ số “{code}” trong bộ tiêu chí.", code) from None
    if value is None:
        return None
    if criteria_set.answer_kind == "boolean" and isinstance(value, bool):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise DomainError(points_message(criteria_set, code), code)
    return value


def _score(criteria_set: CriteriaSet, values: Values) -> Result:
    answered = {code: value for code, value in values.items() if value is not None}
    missing = [i.code for c in criteria_set.criteria for i in c.indices if i.code not in answered]
    if missing:
        raise DomainError("Còn chỉ số chưa chấm điểm: " + ", ".join(missing) + ".")
    boolean = criteria_set.answer_kind == "boolean"
    typed = {code: bool(value) if boolean else int(value) for code, value in answered.items()}
    try:
        return criteria_set.score(typed)
    except AnswerError as error:
        raise DomainError(f"Câu trả lời không hợp lệ: {error}") from None


def evidence_message(criteria_set: CriteriaSet, code: str) -> str:
    hint = criteria_set.index(code).evidence_hint
    example = f" (ví dụ: {hint})" if hint else ""
    return f"Chỉ số {code} cần ghi minh chứng{example}."


def _require_evidence(criteria_set: CriteriaSet, sent: Mapping[str, AnswerRead]) -> None:
    """Indices whose file requires evidence need a note once the member claims any points (the
    first such index in the criteria's order is named)."""
    for index in (i for c in criteria_set.criteria for i in c.indices if i.evidence_required):
        answer = sent.get(index.code)
        if answer is not None and answer.self_value and not answer.evidence_note:
            raise DomainError(evidence_message(criteria_set, index.code), index.code)


def _answer(assessment: Assessment, code: str) -> Answer:
    answer = assessment.answers_by_index().get(code)
    if answer is None:
        answer = Answer(index_code=code)
        assessment.answers.append(answer)
    return answer


def _clean_note(code: str, text: str | None) -> str | None:
    text = (text or "").strip()
    if has_bad_characters(text):
        raise DomainError(BAD_TEXT, code)
    if len(text) > NOTE_LIMIT:
        raise DomainError(f"Ghi chú dài quá {NOTE_LIMIT} ký tự.", code)
    return text or None


def _checked(criteria_set: CriteriaSet, values: Values,
             notes: Mapping[str, str]) -> tuple[dict[str, int | None], dict[str, str | None]]:
    """Validate every value and note before anything is written, so nothing is half-saved."""
    checked = {code: check_value(criteria_set, code, value) for code, value in values.items()}
    cleaned = {code: _clean_note(code, text) for code, text in notes.items()}
    for code in cleaned:
        check_value(criteria_set, code, None)
    return checked, cleaned


def _changed_answers(form: AssessmentRecord, values: Values, notes: Mapping[str, str]) -> list[writes.AnswerRow]:
    """The answers that differ from the stored ones, checked (nothing is written yet), in index
    order (two writers lock the rows in one order)."""
    checked, cleaned = _checked(form.criteria_set, values, notes)
    stored = form.answers
    rows = []
    for code in sorted(checked.keys() | cleaned.keys()):
        answer = stored.get(code)
        value = checked[code] if code in checked else (answer.self_value if answer else None)
        note = cleaned[code] if code in cleaned else (answer.evidence_note if answer else None)
        if answer is None or (answer.self_value, answer.evidence_note) != (value, note):
            rows.append({"assessment_id": form.id, "index_code": code, "self_value": value,
                         "evidence_note": note})
    return rows


def _answers_after(stored: Mapping[str, AnswerRead], changed: list[writes.AnswerRow]) -> dict[str, AnswerRead]:
    """Each index's answer once `changed` is written (the head's points and comment kept)."""
    after = dict(stored)
    for row in changed:
        code = row["index_code"]
        before = after.get(code) or AnswerRead(code, None, None, None, None)
        after[code] = before._replace(self_value=row["self_value"], evidence_note=row["evidence_note"])
    return after


def changed_points_message(code: str) -> str:
    return (f"Bạn đã chấm chỉ số {code} khác với điểm tự đánh giá; "
            "vui lòng ghi nhận xét để người tự đánh giá biết lý do.")


def _require_comments_on_changes(assessment: Assessment, values: Values, comments: Mapping[str, str]) -> None:
    checked, cleaned = _checked(criteria_of(assessment), values, comments)
    for answer in assessment.answers:
        given = checked.get(answer.index_code)
        if given is not None and given != answer.self_value and not cleaned.get(answer.index_code):
            raise DomainError(changed_points_message(answer.index_code), answer.index_code)


def _store_head_answers(assessment: Assessment, values: Values, comments: Mapping[str, str]) -> None:
    checked, cleaned = _checked(criteria_of(assessment), values, comments)
    for answer in assessment.answers:
        given = checked.get(answer.index_code)
        answer.head_value = given if given is not None else answer.self_value
        answer.head_comment = cleaned.get(answer.index_code)


# State -------------------------------------------------------------------------------------

def _decide(session: Session, head: User, assessment: Assessment, action: str,
            to_status: AssessmentStatus, reason: str | None) -> None:
    previous = assessment.status
    assessment.status = to_status
    assessment.decided_at = utcnow()
    assessment.decided_by = head
    assessment.decision_reason = reason
    audit.record(session, head, assessment, action, previous.value, to_status.value, reason)


@contextmanager
def _changing(session: Session) -> Iterator[None]:
    """Change the assessment inside a savepoint opened before the first change, so when another
    request changed it meanwhile (its version moved on) only this change is undone: a 409."""
    try:
        with session.begin_nested():
            yield
    except StaleDataError:
        raise conflict() from None


def _require_decidable(assessment: Assessment, expected_version: int) -> None:
    _require_version(assessment, expected_version)
    _require_status(assessment.status, (S.SUBMITTED,))
    _require_open_year(assessment.membership.year)


def _require_status(status: AssessmentStatus, allowed: tuple[AssessmentStatus, ...]) -> None:
    if status not in allowed:
        raise conflict(f"Phiếu đang ở trạng thái “{status.label}”, không thể thực hiện thao tác này.")


def _require_version(assessment: Assessment, expected_version: int) -> None:
    if assessment.version != expected_version:
        raise conflict()


def _require_open_year(year: AssessmentYear | YearState) -> None:
    if not year.is_open:
        raise DomainError(f"Năm đánh giá {year.label} đã khóa; không thể thay đổi phiếu.")


def _optional_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip()
    if has_bad_characters(reason):
        raise DomainError(BAD_TEXT, "reason")
    if len(reason) > REASON_LIMIT:
        raise DomainError(f"Lý do dài quá {REASON_LIMIT} ký tự.", "reason")
    return reason or None


def _required_reason(reason: str | None) -> str:
    cleaned = _optional_reason(reason)
    if cleaned is None:
        raise DomainError("Vui lòng ghi lý do.", "reason")
    return cleaned
