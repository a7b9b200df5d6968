"""Forms of the roster pages (CSRF on every POST, including one-button actions)."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import BaseForm, YearField
from ..groups import group_choices
from .operations import NAME_LIMIT, SECTION_LIMIT


class MemberForm(BaseForm):
    """Edit a line: name, group, class/department (the contact identifies the line)."""

    full_name = StringField(
        "Họ và tên", validators=[DataRequired("Vui lòng nhập họ và tên."),
                                 Length(max=NAME_LIMIT, message=f"Tối đa {NAME_LIMIT} ký tự.")],
        render_kw={"autocomplete": "off"},
    )
    appendix = SelectField("Nhóm", choices=group_choices(),
                           validators=[InputRequired("Vui lòng chọn nhóm.")])
    section = StringField(
        "Lớp / Tổ, phòng (không bắt buộc)",
        validators=[Length(max=SECTION_LIMIT, message=f"Tối đa {SECTION_LIMIT} ký tự.")],
    )


class AddMemberForm(MemberForm):
    year_id = YearField()
    contact = StringField(
        "Số điện thoại hoặc email",
        validators=[DataRequired("Vui lòng nhập số điện thoại hoặc email."),
                    Length(max=254, message="Tối đa 254 ký tự.")],
        render_kw={"inputmode": "email", "autocomplete": "off"},
    )


class ImportUploadForm(BaseForm):
    year_id = YearField()
    file = FileField("Tệp danh sách (.xlsx, .csv hoặc .txt)",
                     validators=[FileRequired("Vui lòng chọn tệp danh sách (Excel hoặc CSV) để tải lên.")],
                     render_kw={"accept": ".xlsx,.csv,.txt,text/csv,text/plain,"
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    default_group = SelectField("Nhóm cho các dòng không ghi nhóm",
                                choices=[SelectChoice("", "Không chọn: mỗi dòng phải ghi nhóm"),
                                         *group_choices()],
                                default="")


class ImportConfirmForm(BaseForm):
    """Carries the previewed file back, signed; the server keeps nothing in between."""

    payload = HiddenField(validators=[DataRequired()])


class RolloverForm(BaseForm):
    """The class mapping of a roster carried into a new year; its rows are read by the route,
    one per class of the source roster (`to-N`, `keep-N`, `from-N`)."""

    source_id = HiddenField(validators=[DataRequired()])
    target_id = HiddenField(validators=[DataRequired()])
    previewed = HiddenField()
