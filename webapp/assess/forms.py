"""Forms of the member's journey.

The assessment form's fields follow the criteria set (one choice group and one note per
index, named `answer-<code>` and `note-<code>`, which the offline script also reads), so they
are read by `read_answers` rather than declared; the app-wide CSRF check covers its POST and
the page writes the token with `csrf_token()`.
Which points an index accepts is `CriteriaSet.allowed_points`: this form only describes it,
the operations enforce it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from criteria import CriteriaSet

from ..assessments.operations import NOTE_LIMIT, points_message
from ..inputs import BAD_TEXT, has_bad_characters, parse_natural
from ..models import Assessment


@dataclass
class AnswerSheet:
    """What the member typed, as typed (to show again) and as checked values."""

    raw: dict[str, str] = field(default_factory=dict)
    values: dict[str, int | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def missing(self) -> list[str]:
        return [code for code, value in self.values.items() if value is None and code not in self.errors]


def _index_codes(criteria_set: CriteriaSet) -> list[str]:
    return [index.code for criterion in criteria_set.criteria for index in criterion.indices]


def sheet_of(criteria_set: CriteriaSet, assessment: Assessment) -> AnswerSheet:
    """The answers stored so far, ready to show on the form."""
    stored = assessment.answers_read()
    sheet = AnswerSheet()
    for code in _index_codes(criteria_set):
        answer = stored.get(code)
        value = answer.self_value if answer else None
        sheet.values[code] = value
        sheet.raw[code] = "" if value is None else str(value)
        sheet.notes[code] = (answer.evidence_note if answer else None) or ""
    return sheet


def _parse_points(raw: str) -> int | None:
    """Whole numbers in ASCII digits only ("²".isdigit() is true, int("²") is not)."""
    return parse_natural(raw, 9999)


def read_answers(criteria_set: CriteriaSet, formdata: Mapping[str, str]) -> AnswerSheet:
    """Read the posted answers; values outside `allowed_points` are marked per index."""
    sheet = AnswerSheet()
    for code in _index_codes(criteria_set):
        raw = (formdata.get(f"answer-{code}") or "").strip()
        note = (formdata.get(f"note-{code}") or "").strip()
        sheet.raw[code] = raw
        sheet.notes[code] = note
        sheet.values[code] = None
        if raw:
            value = _parse_points(raw)
            if value is None or value not in criteria_set.allowed_points(code):
                sheet.errors[code] = "Mức đã chọn không hợp lệ. " + points_message(criteria_set, code)
            else:
                sheet.values[code] = value
        if has_bad_characters(note):
            sheet.errors[code] = BAD_TEXT
        elif len(note) > NOTE_LIMIT:
            sheet.errors[code] = f"Ghi chú dài {len(note)} ký tự; tối đa {NOTE_LIMIT} ký tự. Vui lòng rút gọn."
    return sheet
