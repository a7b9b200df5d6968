"""The form behind a one-time link: the new password twice (the shipped password rules)."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField
from wtforms.validators import EqualTo, InputRequired

from ..auth.forms import allowed_password
from ..forms import BaseForm


class SetPasswordForm(BaseForm):
    password = PasswordField("Mật khẩu mới", validators=[InputRequired("Vui lòng đặt mật khẩu mới."),
                                                         allowed_password])
    password_repeat = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[InputRequired("Vui lòng nhập lại mật khẩu mới."),
                    EqualTo("password", message="Hai lần nhập mật khẩu không giống nhau.")],
    )
    consent = BooleanField(
        "Tôi đã đọc thông báo trên và đồng ý cho lưu, xử lý dữ liệu cá nhân của tôi như vậy.")
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này", default=True)
