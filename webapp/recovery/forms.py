"""Forms of recovery: the new password twice behind a one-time link; the e-mail for a self-service link."""
from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from ..auth.forms import EMAIL_MESSAGE, NewPasswordForm
from ..contacts import MAX_LENGTH, normalise_email
from ..forms import BaseForm


class SetPasswordForm(NewPasswordForm):
    consent = BooleanField(
        "Tôi đã đọc thông báo trên và đồng ý cho lưu, xử lý dữ liệu cá nhân của tôi như vậy.")
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này", default=True)


class ForgotForm(BaseForm):
    """The e-mail a member logs in with, to receive a reset link (only with SMTP configured)."""

    email = StringField("Email bạn dùng để đăng nhập", render_kw={"maxlength": MAX_LENGTH})
    normalised: str | None = None

    def validate_email(self, field: StringField) -> None:
        value = (field.data or "").strip()
        if len(value) > MAX_LENGTH:
            raise ValidationError(f"Tối đa {MAX_LENGTH} ký tự.")
        self.normalised = normalise_email(value)
        if self.normalised is None:
            raise ValidationError(EMAIL_MESSAGE)
