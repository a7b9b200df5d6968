"""Marshmallow schemas at the edge of the JSON API: `load` validates, `dump` shapes."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from ..assessments.operations import NOTE_LIMIT
from ..inputs import BAD_TEXT, has_bad_characters


class Text(fields.String):
    """A string without control characters or lone surrogates (`webapp.inputs`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_bad_characters(text):
            raise ValidationError(BAD_TEXT)
        return text


# Index codes are short ("1".."10"); anything longer is not a code of ours.
_IndexCode = Text(validate=validate.Length(min=1, max=16))


class AnswersSchema(Schema):
    """The member's answers so far: points per index (null = not answered) and notes."""

    answers = fields.Dict(
        keys=_IndexCode,
        values=fields.Integer(strict=True, allow_none=True),
        load_default=dict,
    )
    notes = fields.Dict(
        keys=_IndexCode,
        values=Text(validate=validate.Length(max=NOTE_LIMIT)),
        load_default=dict,
    )


class SubmitSchema(AnswersSchema):
    """A submission; `client_id` is made on the phone so a replay is applied once."""

    client_id = fields.UUID(required=True)


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
    if "notes" in errors:
        return f"Ghi chú mỗi chỉ số tối đa {NOTE_LIMIT} ký tự."
    if "answers" in errors:
        return "Điểm phải là số nguyên (hoặc để trống nếu chưa chấm)."
    return "Dữ liệu gửi lên không đúng định dạng."
