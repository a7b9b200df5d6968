"""Error pages in Vietnamese (JSON under /api/), and never a traceback."""
from __future__ import annotations

from typing import NoReturn

from flask import Flask, abort, current_app, jsonify, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .db import db
from .security import wants_json

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không đúng. Vui lòng quay lại và thử lại."),
    401: ("Cần đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền xem trang này."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc đã bị xoá."),
    405: ("Thao tác không được hỗ trợ", "Trang này không nhận thao tác vừa gửi."),
    409: ("Dữ liệu đã thay đổi", "Có người vừa thay đổi dữ liệu này. Vui lòng tải lại trang."),
    410: ("Không còn hiệu lực", "Nội dung này không còn hiệu lực."),
    413: ("Dữ liệu quá lớn", "Tệp hoặc nội dung gửi lên quá lớn."),
    500: ("Đã xảy ra lỗi", "Hệ thống gặp sự cố. Dữ liệu chưa được lưu; vui lòng thử lại sau."),
}
CSRF_MESSAGE = (
    "Phiên làm việc đã hết hạn",
    "Trang đã mở quá lâu hoặc phiên đăng nhập đã thay đổi. Vui lòng quay lại, tải lại trang và gửi lại.",
)


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    title, message = title or default_title, message or default_message
    if wants_json():
        return jsonify(error=title, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def fail(code: int, message: str, title: str | None = None) -> NoReturn:
    """Stop the request with an error page that says, in Vietnamese, what went wrong."""
    abort(make_response(render_error(code, title, message)))


def handle_http_error(error: HTTPException):
    if error.response is not None:  # a login redirect or a page made by `fail`
        return error.response
    return render_error(error.code or 500)


def handle_csrf_error(_error: CSRFError):
    return render_error(400, *CSRF_MESSAGE)


def handle_unexpected(error: Exception):
    db.remove(commit=False)
    current_app.logger.exception("Unhandled error")
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
