"""Forms of the drive pages."""
from __future__ import annotations

from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..forms import BaseForm, YearField
from ..groups import group_choices
from ..roster.operations import SECTION_LIMIT


class DriveForm(BaseForm):
    year_id = YearField()
    appendix = SelectField("Nhóm", choices=group_choices(),
                           validators=[InputRequired("Vui lòng chọn nhóm.")])
    section = StringField(
        "Lớp / Tổ, phòng (không bắt buộc)",
        validators=[Length(max=SECTION_LIMIT, message=f"Tối đa {SECTION_LIMIT} ký tự.")],
    )
    # Empty means the end of the chosen year: a printed poster lasts the whole year.
    expires_at = DateTimeLocalField(
        "Hết hạn lúc (giờ Việt Nam, không bắt buộc)", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        invalid_value_message="Ngày giờ không hợp lệ.", validators=[Optional()],
    )
