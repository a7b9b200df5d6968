"""Filter forms of the report pages (GET: nothing is changed, so no CSRF token)."""
from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField

from ..forms import year_choice
from ..groups import group_choices
from ..models import AssessmentYear, UnitKind

# Sortable columns of the area table: key -> label shown in the header.
SORT_COLUMNS = {
    "name": "Tên", "kind": "Loại", "roster": "Số người", "submitted": "Đã gửi",
    "self": "Tự đánh giá đạt", "confirmed": "Xác nhận đạt", "percent": "Tỷ lệ", "target": "Chỉ tiêu",
    "gap": "Chênh lệch",
}


def _optional_int(value: object) -> int | None:
    if value in (None, ""):
        return None
    return int(str(value))


class YearForm(Form):
    """The year selector shown on every report page."""

    year = SelectField("Năm đánh giá", coerce=_optional_int, validate_choice=True)

    def set_years(self, years: list[AssessmentYear]) -> None:
        self.year.choices = [year_choice(y) for y in years]


class AreaFilterForm(YearForm):
    appendix = SelectField("Nhóm đối tượng", choices=group_choices(all_groups=True), default="")
    kind = SelectField("Loại đơn vị", default="",
                       choices=[SelectChoice("", "Tất cả các loại")]
                       + [SelectChoice(kind.value, kind.label) for kind in UnitKind])
    vs_target = SelectField("So với chỉ tiêu", default="",
                            choices=[SelectChoice("", "Tất cả"),
                                     SelectChoice("below", "Chưa đạt chỉ tiêu"),
                                     SelectChoice("above", "Đạt chỉ tiêu trở lên")])
    sort = SelectField("Sắp xếp", default="",
                       choices=[SelectChoice("", "Mặc định")]
                       + [SelectChoice(key, label) for key, label in SORT_COLUMNS.items()]
                       + [SelectChoice(f"-{key}", f"{label} (giảm dần)")
                          for key, label in SORT_COLUMNS.items()])
