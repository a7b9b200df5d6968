"""Filter forms of the report pages (GET: nothing is changed, so no CSRF token)."""
from __future__ import annotations

from wtforms import Form, SelectChoice, SelectField

from ..models import AssessmentYear, UnitKind
from ..models.areas import UNIT_KIND_LABELS

GROUPS = [SelectChoice("", "Tất cả các nhóm"), SelectChoice("III", "Phụ lục III – Người lao động"),
          SelectChoice("IV", "Phụ lục IV – Cán bộ, công chức, viên chức"),
          SelectChoice("V", "Phụ lục V – Học sinh, sinh viên")]
GROUP_LABELS = {"III": "Người lao động (PL III)", "IV": "Cán bộ, công chức, viên chức (PL IV)",
                "V": "Học sinh, sinh viên (PL V)"}

# Sortable columns of the area table: key -> label shown in the header.
SORT_COLUMNS = {
    "name": "Tên", "kind": "Loại", "roster": "Danh sách", "submitted": "Đã gửi",
    "self": "Tự đạt", "confirmed": "Được xác nhận", "percent": "Tỉ lệ", "target": "Chỉ tiêu",
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
        self.year.choices = [SelectChoice(y.id, f"{y.label} ({y.kind.label.lower()})")  # type: ignore[arg-type]
                             for y in years]


class AreaFilterForm(YearForm):
    appendix = SelectField("Nhóm đối tượng", choices=GROUPS, default="")
    kind = SelectField("Loại đơn vị", default="",
                       choices=[SelectChoice("", "Tất cả các loại")]
                       + [SelectChoice(kind.value, UNIT_KIND_LABELS[kind]) for kind in UnitKind])
    vs_target = SelectField("So với chỉ tiêu", default="",
                            choices=[SelectChoice("", "Tất cả"),
                                     SelectChoice("below", "Chưa đạt chỉ tiêu"),
                                     SelectChoice("above", "Đạt chỉ tiêu trở lên")])
    sort = SelectField("Sắp xếp", default="",
                       choices=[SelectChoice("", "Mặc định")]
                       + [SelectChoice(key, label) for key, label in SORT_COLUMNS.items()]
                       + [SelectChoice(f"-{key}", f"{label} (giảm dần)")
                          for key, label in SORT_COLUMNS.items()])
