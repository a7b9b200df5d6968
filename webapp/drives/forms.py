"""Forms of the drive pages."""
from __future__ import annotations

from datetime import datetime, timedelta

from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from ..forms import BaseForm, YearField
from ..groups import group_choices
from ..roster.operations import SECTION_LIMIT
from ..templating import VIETNAM


def default_expiry() -> datetime:
    """Seven days from now, to the minute, in Vietnam time (what the datetime-local shows)."""
    return (datetime.now(VIETNAM) + timedelta(days=7)).replace(second=0, microsecond=0, tzinfo=None)


class DriveForm(BaseForm):
    year_id = YearField()
    appendix = SelectField("Nhóm", choices=group_choices(),
                           validators=[InputRequired("Vui lòng chọn nhóm.")])
    section = StringField(
        "Lớp / Tổ, phòng (không bắt buộc)",
        validators=[Length(max=SECTION_LIMIT, message=f"Tối đa {SECTION_LIMIT} ký tự.")],
    )
    expires_at = DateTimeLocalField(
        "Hết hạn lúc (giờ Việt Nam)", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        default=default_expiry, invalid_value_message="Ngày giờ không hợp lệ.",
        validators=[InputRequired("Vui lòng chọn ngày giờ hết hạn.")],
    )
