"""The base of every form: CSRF (Flask-WTF) and WTForms' built-in messages in Vietnamese."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from .inputs import BAD_TEXT, has_bad_characters
from .models import AssessmentYear

REQUIRED = "Vui lòng nhập thông tin này."
CHOOSE = "Vui lòng chọn một mục."
SESSION_EXPIRED = "Phiên làm việc đã hết hạn. Vui lòng tải lại trang."

# WTForms' own messages (its validators and the values it cannot parse), in Vietnamese.
MESSAGES_VI = {
    "This field is required.": REQUIRED,
    "Not a valid choice.": CHOOSE,
    "Not a valid choice": CHOOSE,
    "Invalid Choice: could not coerce.": CHOOSE,
    "Invalid Choice: could not coerce": CHOOSE,
    "'%(value)s' is not a valid choice for this field.": CHOOSE,
    "'%(value)s' are not valid choices for this field.": CHOOSE,
    "Invalid choice(s): one or more data inputs could not be coerced.": CHOOSE,
    "Invalid value, must be one of: %(values)s.": CHOOSE,
    "Invalid value, can't be any of: %(values)s.": "Giá trị này không được chấp nhận.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày phải không sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải trong khoảng %(min)s đến %(max)s.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Invalid URL.": "Địa chỉ trang web chưa đúng.",
    "Invalid UUID.": "Mã không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP chưa đúng.",
    "Invalid Mac address.": "Địa chỉ MAC chưa đúng.",
    "This field cannot be edited.": "Ô này không sửa được.",
    "This field is disabled and cannot have a value.": "Ô này không sửa được.",
    "Not a valid decimal value.": "Vui lòng nhập một số, ví dụ 55 hoặc 55,5.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid date value.": "Vui lòng nhập ngày theo dạng ngày/tháng/năm.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ.",
    "Invalid email address.": "Địa chỉ email chưa đúng.",
    "Invalid input.": "Giá trị chưa hợp lệ.",
    "Field must be equal to %(other_name)s.": "Hai ô phải giống nhau.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Cần đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Cần đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Cần từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "The CSRF token is missing.": SESSION_EXPIRED,
    "The CSRF token is invalid.": SESSION_EXPIRED,
    "The CSRF token has expired.": SESSION_EXPIRED,
    "The CSRF tokens do not match.": SESSION_EXPIRED,
    "The CSRF session token is missing.": SESSION_EXPIRED,
    "The referrer header is missing.": SESSION_EXPIRED,
    "The referrer does not match the host.": SESSION_EXPIRED,
}


class _Vietnamese:
    def gettext(self, string: str) -> str:
        return MESSAGES_VI.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class BaseForm(FlaskForm):
    """A FlaskForm (CSRF on every POST) whose built-in messages are Vietnamese.

    No text field takes control characters or lone surrogates (`webapp.inputs`).
    """

    class Meta:
        def get_translations(self, form: Any) -> _Vietnamese:
            return _Vietnamese()

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if any(isinstance(raw, str) and has_bad_characters(raw) for raw in field.raw_data or ()):
                field.errors = [*field.errors, BAD_TEXT]
                valid = False
        return valid


class ConfirmForm(BaseForm):
    """A one-button action (start, withdraw, close, remove, log out): only the CSRF token."""


class YearField(SelectField):
    """An assessment-year select ("Năm đánh giá"); `offer_years` fills its choices."""

    def __init__(self, label: str = "Năm đánh giá", **kwargs: Any):
        super().__init__(label, coerce=int, validators=[InputRequired("Vui lòng chọn năm đánh giá.")], **kwargs)


def year_choice(year: AssessmentYear) -> SelectChoice:
    return SelectChoice(year.id, f"{year.label} ({year.kind.label.lower()})")


def offer_years(field: SelectField, years: list[AssessmentYear], preselect: AssessmentYear | None = None) -> None:
    """Fill a year select; on a first display (no posted value) start on `preselect`."""
    field.choices = [year_choice(year) for year in years]
    if preselect is not None and field.data is None:
        field.data = preselect.id
