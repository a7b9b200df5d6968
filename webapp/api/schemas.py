"""Marshmallow schemas at the edge of the JSON API: `load` validates, `dump` shapes."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, ValidationError, fields

from ..assessments.operations import NOTE_LIMIT
from ..inputs import BAD_TEXT, has_bad_characters

POINTS_MESSAGE = "Điểm phải là số nguyên (hoặc để trống nếu chưa chấm)."
NOTE_MESSAGE = f"Ghi chú mỗi chỉ số tối đa {NOTE_LIMIT} ký tự."
NOTE_TEXT_MESSAGE = "Ghi chú của mỗi chỉ số phải là chữ."
CODE_MESSAGE = "Mã chỉ số không hợp lệ."
OBJECT_MESSAGE = "Dữ liệu gửi lên không đúng định dạng."


def _points_problem(value: Any) -> str | None:
    """Points are a JSON integer, or null for an index not answered yet (true/false are not)."""
    return None if value is None or type(value) is int else POINTS_MESSAGE


def _note_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return NOTE_TEXT_MESSAGE
    if len(value) > NOTE_LIMIT:
        return NOTE_MESSAGE
    return BAD_TEXT if has_bad_characters(value) else None


def _code_problem(code: Any) -> str | None:
    """Index codes are short ("1".."10"); anything longer is not a code of ours."""
    if not isinstance(code, str) or not 1 <= len(code) <= 16:
        return CODE_MESSAGE
    return BAD_TEXT if has_bad_characters(code) else None


class ByIndex(fields.Field):
    """A JSON object of index code -> value, each checked by `problem` in one pass.

    A phone sends the whole form on every autosave and submission; marshmallow's nested
    `Dict(keys=..., values=...)` took 160 us to check ten answers and ten notes, this 17 us.
    Errors name the index, in Vietnamese.
    """

    def __init__(self, problem: Callable[[Any], str | None]) -> None:
        super().__init__(load_default=dict, error_messages={"null": OBJECT_MESSAGE})
        self.problem = problem

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValidationError(OBJECT_MESSAGE)
        errors = {}
        for code, item in value.items():
            problem = _code_problem(code) or self.problem(item)
            if problem:
                errors[str(code)] = [problem]
        if errors:
            raise ValidationError(errors)
        return dict(value)


class AnswersSchema(Schema):
    """The member's answers so far: points per index (null = not answered) and notes."""

    error_messages = {"unknown": "Trường này không được nhận.", "type": OBJECT_MESSAGE}

    answers = ByIndex(_points_problem)
    notes = ByIndex(_note_problem)


class SubmitSchema(AnswersSchema):
    """A submission; `client_id` is made on the phone so a replay is applied once."""

    client_id = fields.UUID(required=True, error_messages={
        "required": "Thiếu mã lần gửi.", "null": "Thiếu mã lần gửi.", "invalid_uuid": "Mã lần gửi không hợp lệ."})


class AssessmentSchema(Schema):
    """What the page needs to know about the member's own assessment."""

    id = fields.Integer()
    status = fields.Function(lambda a: a.status.value)
    status_label = fields.Function(lambda a: a.status_label)
    version = fields.Integer()
    answers = fields.Function(lambda a: {x.index_code: x.self_value for x in a.answers})
    notes = fields.Function(lambda a: {x.index_code: x.evidence_note or "" for x in a.answers})
    criteria_key = fields.Function(lambda a: a.criteria_version.key)


class SubmittedSchema(Schema):
    """The reply to a submission; the same for every replay of one `client_id`."""

    status = fields.Constant("submitted")
    assessment_id = fields.Integer(attribute="id")
    self_total = fields.Integer()
    self_achieved = fields.Boolean()
    status_url = fields.String()


def first_message(errors: dict) -> str:
    """A Vietnamese sentence for a validation failure (the details travel in `fields`)."""
    if BAD_TEXT in repr(errors):
        return BAD_TEXT
    if "client_id" in errors:
        return "Mã lần gửi không hợp lệ. Vui lòng tải lại trang và gửi lại."
    for name in ("notes", "answers"):
        if name in errors:
            return _first_text(errors[name])
    return OBJECT_MESSAGE


def _first_text(detail: Any) -> str:
    """The first message of one field's errors (a list, or a dict of lists per index)."""
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), [])
    return detail[0] if isinstance(detail, list) and detail and isinstance(detail[0], str) else OBJECT_MESSAGE
