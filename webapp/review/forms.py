"""Forms of the heads' pages. The decision form has one points select and one comment per index,
so its class is built from the assessment's own criteria set."""
from __future__ import annotations

from typing import Any

from wtforms import IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from criteria import CriteriaSet, Index

from ..assessments.operations import NOTE_LIMIT, REASON_LIMIT
from ..forms import BaseForm
from ..models import Assessment

# "confirm_below": the head has seen that his points give "chưa đạt" and confirms that outcome.
ACTIONS = ("confirm", "confirm_below", "return", "reject")
STALE_PAGE = "Trang đã cũ, vui lòng tải lại trang."


class DecisionForm(BaseForm):
    """The head's decision on a submitted assessment; per-index fields are added by `decision_form`."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(STALE_PAGE)])
    reason = TextAreaField(
        "Lý do, nhận xét chung",
        validators=[Optional(), Length(max=REASON_LIMIT, message=f"Lý do dài quá {REASON_LIMIT} ký tự.")],
    )
    # Set by whichever of the three buttons was pressed (they share name="action").
    action = StringField(validators=[AnyOf(ACTIONS, message="Vui lòng chọn một thao tác.")])

    def index_fields(self, index: Index) -> tuple[Any, Any]:
        """The points select and the comment field of one index."""
        return self[points_name(index.code)], self[comment_name(index.code)]

    def head_values(self, criteria_set: CriteriaSet) -> dict[str, int]:
        return {i.code: self[points_name(i.code)].data for c in criteria_set.criteria for i in c.indices}

    def comments(self, criteria_set: CriteriaSet) -> dict[str, str]:
        return {i.code: self[comment_name(i.code)].data or "" for c in criteria_set.criteria
                for i in c.indices}


class RevokeForm(BaseForm):
    """Second step of withdrawing a confirmed title: a reason is required."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(STALE_PAGE)])
    reason = TextAreaField(
        "Lý do thu hồi",
        validators=[DataRequired("Vui lòng ghi lý do thu hồi."),
                    Length(max=REASON_LIMIT, message=f"Lý do dài quá {REASON_LIMIT} ký tự.")],
    )


def points_name(code: str) -> str:
    return f"points_{code}"


def comment_name(code: str) -> str:
    return f"comment_{code}"


def points_choices(criteria_set: CriteriaSet, index: Index) -> list[SelectChoice]:
    """The index's allowed points, highest first, named after the level they match."""
    if criteria_set.answer_kind == "boolean":
        return [SelectChoice(1, "Đạt"), SelectChoice(0, "Chưa đạt")]
    return [SelectChoice(points, _points_label(index, points))
            for points in reversed(criteria_set.allowed_points(index.code))]


def _points_label(index: Index, points: int) -> str:
    band = index.band_of(points)
    return f"{points} điểm — {band.label}" if band else f"{points} điểm"


def decision_form(criteria_set: CriteriaSet, assessment: Assessment, **kwargs: Any) -> DecisionForm:
    """A decision form for this assessment; on GET, each index defaults to the member's points."""

    class _Form(DecisionForm):
        pass

    answers = assessment.answers_by_index()
    for criterion in criteria_set.criteria:
        for index in criterion.indices:
            answer = answers.get(index.code)
            default = answer.self_value if answer is not None else None
            setattr(_Form, points_name(index.code), SelectField(
                f"Điểm xác nhận chỉ số {index.code}", coerce=int, default=default,
                choices=points_choices(criteria_set, index),
                validators=[InputRequired(f"Vui lòng chọn điểm cho chỉ số {index.code}.")],
            ))
            setattr(_Form, comment_name(index.code), TextAreaField(
                f"Nhận xét chỉ số {index.code}",
                validators=[Optional(), Length(max=NOTE_LIMIT,
                                               message=f"Nhận xét dài quá {NOTE_LIMIT} ký tự.")],
            ))
    return _Form(**kwargs)
