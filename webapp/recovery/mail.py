"""Sending a reset link by e-mail, only where an operator configured an SMTP server.

Nothing else in the app sends mail: without `CDHT_SMTP_HOST` the self-service page does not
exist and recovery goes through the unit's head or an administrator.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from flask import current_app

from ..templating import format_datetime


def configured(config: Any = None) -> bool:
    return bool((config or current_app.config).get("SMTP_HOST"))


def send_reset_link(to: str, full_name: str, url: str, expires_at: Any) -> bool:
    """Send the link; False (and a log line) when the server cannot be reached."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = "Đặt lại mật khẩu – Công dân học tập"
    message["From"] = config.get("MAIL_FROM") or f"no-reply@{config['SMTP_HOST']}"
    message["To"] = to
    message.set_content(
        f"Chào {full_name},\n\n"
        "Có người (có thể là bạn) vừa yêu cầu đặt lại mật khẩu tài khoản Công dân học tập "
        "đăng nhập bằng email này. Mở đường dẫn dưới đây để đặt mật khẩu mới:\n\n"
        f"{url}\n\n"
        f"Đường dẫn dùng được một lần, đến {format_datetime(expires_at)}.\n"
        "Nếu bạn không yêu cầu, hãy bỏ qua email này: mật khẩu của bạn không thay đổi.\n")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config.get("SMTP_PORT") or 587, timeout=10) as server:
            if config.get("SMTP_STARTTLS", True):
                server.starttls()
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.error("reset e-mail not sent: %s", error)
        return False
    return True
