"""Forms for sign-up, login, logout and deleting one's account (Vietnamese messages)."""
from __future__ import annotations

from typing import Any

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError

from ..contacts import MAX_LENGTH, normalise_contact
from ..forms import BaseForm
from .passwords import password_problem

CONTACT_LABEL = "Số điện thoại hoặc email"
CONTACT_MESSAGE = (
    "Vui lòng nhập số điện thoại (ví dụ 0901234567) hoặc địa chỉ email (ví dụ ten@gmail.com)."
)
EMAIL_MESSAGE = "Địa chỉ email chưa đúng. Ví dụ đúng: ten@gmail.com."
PHONE_MESSAGE = "Số điện thoại chưa đúng. Số điện thoại có 10 chữ số, ví dụ 0901234567."


def _strip(value: str | None) -> str:
    """Trim and collapse spaces, so '  Nguyễn   Văn An ' is stored as 'Nguyễn Văn An'."""
    return " ".join((value or "").split())


class ContactField(StringField):
    """'Số điện thoại hoặc email': `normalised` holds the comparable form once validated."""

    normalised: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The browser stops at the bound too; the server checks it again below.
        kwargs["render_kw"] = {"maxlength": MAX_LENGTH, **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: BaseForm) -> None:
        self.normalised = None
        value = (self.data or "").strip()
        if not value:
            raise ValidationError(CONTACT_MESSAGE)
        if len(value) > MAX_LENGTH:
            raise ValidationError(f"Tối đa {MAX_LENGTH} ký tự.")
        self.normalised = normalise_contact(value)
        if self.normalised is None:
            raise ValidationError(EMAIL_MESSAGE if "@" in value else PHONE_MESSAGE)


def allowed_password(_form: BaseForm, field: PasswordField) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class RegisterForm(BaseForm):
    full_name = StringField(
        "Họ và tên",
        filters=[_strip],
        validators=[
            DataRequired("Vui lòng nhập họ và tên."),
            Length(min=2, max=120, message="Họ và tên cần từ 2 đến 120 ký tự."),
        ],
    )
    contact = ContactField(CONTACT_LABEL)
    password = PasswordField("Mật khẩu", validators=[InputRequired("Vui lòng đặt mật khẩu."), allowed_password])
    password_repeat = PasswordField(
        "Nhập lại mật khẩu",
        validators=[
            InputRequired("Vui lòng nhập lại mật khẩu."),
            EqualTo("password", message="Hai lần nhập mật khẩu không giống nhau."),
        ],
    )
    # A phone is personal: staying logged in is the default, so closing the browser does not
    # log a new student out mid-drive. People on a shared computer untick it.
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này", default=True)
    consent = BooleanField(
        "Tôi đã đọc thông báo trên và đồng ý cho lưu, xử lý dữ liệu cá nhân của tôi như vậy.",
        validators=[
            DataRequired("Bạn cần đánh dấu đồng ý với thông báo về dữ liệu cá nhân để đăng ký."),
        ],
    )


class LoginForm(BaseForm):
    # The login is checked against accounts, not validated for shape: a typo gets the same
    # generic message as a wrong password.
    contact = StringField(CONTACT_LABEL, validators=[DataRequired(CONTACT_MESSAGE),
                                                     Length(max=MAX_LENGTH, message=f"Tối đa {MAX_LENGTH} ký tự.")])
    password = PasswordField("Mật khẩu", validators=[InputRequired("Vui lòng nhập mật khẩu.")])
    remember = BooleanField("Ghi nhớ đăng nhập")


class DeleteAccountForm(BaseForm):
    password = PasswordField(
        "Mật khẩu của bạn", validators=[InputRequired("Vui lòng nhập mật khẩu để xác nhận.")]
    )


class NewPasswordForm(BaseForm):
    """A new password typed twice, under the password rules (change, reset, set-password link)."""

    password = PasswordField("Mật khẩu mới", validators=[InputRequired("Vui lòng đặt mật khẩu mới."),
                                                         allowed_password])
    password_repeat = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[InputRequired("Vui lòng nhập lại mật khẩu mới."),
                    EqualTo("password", message="Hai lần nhập mật khẩu không giống nhau.")],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[InputRequired("Vui lòng nhập mật khẩu hiện tại.")])
