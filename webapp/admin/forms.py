"""Forms of the administration pages, with Vietnamese messages."""
from __future__ import annotations

import re
from typing import Any

from wtforms import DateField, DecimalField, SelectChoice, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from ..auth.forms import ContactField
from ..contacts import MAX_LENGTH
from ..forms import CHOOSE, REQUIRED, BaseForm
from ..groups import group_choices
from ..inputs import parse_id
from ..models import Role, UnitKind, YearKind

PERCENT_RANGE = "Nhập một số từ 0 đến 100."

LEVEL_SUGGESTIONS = ("Tỉnh/Thành phố", "Xã/Phường/Đặc khu", "Quận/Huyện (trước 7/2025)")


def optional_id(value: object) -> int | None:
    """Coerce a select's value to an id; the empty choice means None."""
    if value in (None, "", "None"):
        return None
    found = parse_id(str(value))
    if found is None:
        raise ValueError("not an id")  # WTForms shows its "choose an item" message
    return found


_PLAIN_DECIMAL = re.compile("[0-9]{1,6}([.,][0-9]{1,6})?")


class CommaDecimalField(DecimalField):
    """Accepts "55,5" as typed on a Vietnamese keyboard; a text box keeps whatever was typed."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            raw = valuelist[0].strip()
            # Plain digits only: Decimal() would also take "sNaN", "Infinity", "1e999" and "٥".
            if raw and not _PLAIN_DECIMAL.fullmatch(raw):
                raise ValueError(self.gettext("Not a valid decimal value."))
            valuelist = [raw.replace(",", ".")]
        super().process_formdata(valuelist)


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class AreaForm(BaseForm):
    code = StringField("Mã địa bàn", filters=[_stripped],
                       validators=[DataRequired(REQUIRED), Length(max=32, message="Tối đa 32 ký tự.")])
    name = StringField("Tên địa bàn", filters=[_stripped],
                       validators=[DataRequired(REQUIRED), Length(max=200, message="Tối đa 200 ký tự.")])
    level = StringField("Cấp", filters=[_stripped],
                        validators=[DataRequired(REQUIRED), Length(max=60, message="Tối đa 60 ký tự.")])


class AreaCreateForm(AreaForm):
    parent_id = SelectField("Thuộc địa bàn", coerce=optional_id)


class AreaMoveForm(BaseForm):
    parent_id = SelectField("Chuyển vào địa bàn", coerce=optional_id)


class UnitForm(BaseForm):
    code = StringField("Mã đơn vị", filters=[_stripped],
                       validators=[DataRequired(REQUIRED), Length(max=32, message="Tối đa 32 ký tự.")])
    name = StringField("Tên đơn vị", filters=[_stripped],
                       validators=[DataRequired(REQUIRED), Length(max=200, message="Tối đa 200 ký tự.")])
    kind = SelectField("Loại đơn vị", choices=[SelectChoice(k.value, k.label) for k in UnitKind],
                       validators=[DataRequired(CHOOSE)])
    area_id = SelectField("Địa bàn quản lý", coerce=optional_id)
    recognition_threshold = CommaDecimalField(
        "Ngưỡng công nhận đơn vị học tập (%)", places=2,
        validators=[Optional(), NumberRange(0, 100, message=PERCENT_RANGE)])

    def validate_area_id(self, field: SelectField) -> None:
        _require_choice(field)


class YearForm(BaseForm):
    label = StringField("Tên năm đánh giá", filters=[_stripped],
                        validators=[DataRequired(REQUIRED), Length(max=40, message="Tối đa 40 ký tự.")])
    kind = SelectField("Loại năm", choices=[SelectChoice(k.value, k.label) for k in YearKind],
                       validators=[DataRequired(CHOOSE)])
    starts_on = DateField("Ngày bắt đầu", validators=[InputRequired(REQUIRED)])
    ends_on = DateField("Ngày kết thúc", validators=[InputRequired(REQUIRED)])

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")


class GrantForm(BaseForm):
    contact = StringField("Số điện thoại hoặc email của người được cấp quyền", filters=[_stripped],
                          validators=[DataRequired(REQUIRED), Length(max=254, message="Quá dài.")])
    role = SelectField("Quyền", choices=[SelectChoice(r.value, r.label) for r in Role],
                       validators=[DataRequired(CHOOSE)])
    unit_id = SelectField("Đơn vị (với thủ trưởng đơn vị)", coerce=optional_id)
    area_id = SelectField("Địa bàn (với cán bộ tổng hợp)", coerce=optional_id)


class TargetForm(BaseForm):
    year_id = SelectField("Năm đánh giá", coerce=optional_id)
    area_id = SelectField("Địa bàn", coerce=optional_id)
    appendix = SelectField("Nhóm", choices=group_choices(all_groups=True))
    percentage = CommaDecimalField("Chỉ tiêu (%)", places=2, validators=[
        InputRequired(REQUIRED), NumberRange(0, 100, message=PERCENT_RANGE)])

    def validate_year_id(self, field: SelectField) -> None:
        _require_choice(field)

    def validate_area_id(self, field: SelectField) -> None:
        _require_choice(field)


def _require_choice(field: SelectField) -> None:
    if field.data is None:
        raise ValidationError(CHOOSE)


class AccountCreateForm(BaseForm):
    full_name = StringField("Họ và tên", filters=[_stripped], validators=[
        DataRequired(REQUIRED), Length(min=2, max=120, message="Họ và tên cần từ 2 đến 120 ký tự.")])
    contact = ContactField("Số điện thoại hoặc email để đăng nhập")


class AccountLoginForm(BaseForm):
    phone = StringField("Số điện thoại", filters=[_stripped],
                        validators=[Length(max=MAX_LENGTH, message=f"Tối đa {MAX_LENGTH} ký tự.")])
    email = StringField("Email", filters=[_stripped],
                        validators=[Length(max=MAX_LENGTH, message=f"Tối đa {MAX_LENGTH} ký tự.")])
