"""Forms of the member's journey.

The assessment form's fields follow the criteria set (one radio group and one note per
index, named `answer-<code>` and `note-<code>` as FORM_CONTRACT.md fixes), so they are read
by `read_answers` rather than declared; the FlaskForm carries the CSRF check.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_wtf import FlaskForm

from criteria import CriteriaSet

from ..models import Assessment
from .operations import NOTE_LIMIT
from .progress import choices


class ActionForm(FlaskForm):
    """A one-button action (start, withdraw): CSRF only."""


class AnswerForm(FlaskForm):
    """The assessment form: CSRF here, the answers in `read_answers`."""


@dataclass
class AnswerSheet:
    """What the member typed, as typed (to show again) and as checked values."""

    raw: dict[str, str] = field(default_factory=dict)
    values: dict[str, int | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def missing(self) -> list[str]:
        return [code for code, value in self.values.items() if value is None and code not in self.errors]


def sheet_of(criteria_set: CriteriaSet, assessment: Assessment) -> AnswerSheet:
    """The answers stored so far, ready to show on the form."""
    stored = assessment.answers_by_index()
    sheet = AnswerSheet()
    for criterion in criteria_set.criteria:
        for index in criterion.indices:
            answer = stored.get(index.code)
            value = answer.self_value if answer else None
            sheet.values[index.code] = value
            sheet.raw[index.code] = "" if value is None else str(value)
            sheet.notes[index.code] = (answer.evidence_note if answer else None) or ""
    return sheet


def read_answers(criteria_set: CriteriaSet, formdata: Mapping[str, str]) -> AnswerSheet:
    """Check the posted answers against the set; errors are Vietnamese, per index."""
    sheet = AnswerSheet()
    for criterion in criteria_set.criteria:
        for index in criterion.indices:
            code = index.code
            raw = (formdata.get(f"answer-{code}") or "").strip()
            note = (formdata.get(f"note-{code}") or "").strip()
            sheet.raw[code] = raw
            sheet.notes[code] = note
            sheet.values[code] = None
            if raw:
                allowed = {c.points for c in choices(criteria_set, index)}
                value = int(raw) if raw.isdigit() else None
                if value is None or value not in allowed:
                    sheet.errors[code] = "Mức đã chọn không hợp lệ. Vui lòng chọn một trong các mức bên dưới."
                else:
                    sheet.values[code] = value
            if len(note) > NOTE_LIMIT:
                sheet.errors[code] = (
                    f"Ghi chú dài {len(note)} ký tự; tối đa {NOTE_LIMIT} ký tự. Vui lòng rút gọn."
                )
    return sheet
