"""Where an error becomes a response: Vietnamese pages (JSON under /api/), never a traceback.

Business rules raise `DomainError`; a route that wants to show the message next to a form
field catches it, anything else reaches `handle_domain_error` here.
"""
from __future__ import annotations

from typing import NoReturn

from flask import Flask, abort, current_app, jsonify, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from .db import db
from .security import wants_json

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không đúng. Vui lòng quay lại và thử lại."),
    401: ("Cần đăng nhập", "Vui lòng đăng nhập để tiếp tục."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không có quyền xem trang này."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc đã bị xóa."),
    405: ("Thao tác không được hỗ trợ", "Trang này không nhận thao tác vừa gửi."),
    409: ("Dữ liệu đã thay đổi", "Có người vừa thay đổi dữ liệu này. Vui lòng tải lại trang."),
    410: ("Không còn hiệu lực", "Nội dung này không còn hiệu lực."),
    413: ("Dữ liệu quá lớn", "Tệp hoặc nội dung gửi lên quá lớn."),
    503: ("Hệ thống đang bận", "Nhiều người đang gửi cùng lúc nên dữ liệu chưa được lưu. "
                               "Vui lòng thử lại sau ít giây."),
    422: ("Dữ liệu chưa hợp lệ", "Vui lòng kiểm tra lại thông tin vừa nhập."),
    500: ("Đã xảy ra lỗi", "Hệ thống gặp sự cố. Dữ liệu chưa được lưu; vui lòng thử lại sau."),
}
CSRF_MESSAGE = (
    "Phiên làm việc đã hết hạn",
    "Trang đã mở quá lâu hoặc phiên đăng nhập đã thay đổi. Vui lòng quay lại, tải lại trang và gửi lại.",
)


class DomainError(Exception):
    """A business rule refused an action: `message` is Vietnamese, for the person acting.

    `field` names the form field it concerns (if any); `status` is the HTTP answer when the
    error reaches `handle_domain_error`: 422 for input that cannot be taken, 409 when someone
    else changed the data first, 404/410 for what is gone.
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    @property
    def is_conflict(self) -> bool:
        return self.status == 409


def render_error(code: int, title: str | None = None, message: str | None = None) -> ResponseReturnValue:
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    title, message = title or default_title, message or default_message
    if wants_json():
        return jsonify(error=title, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def fail(code: int, message: str, title: str | None = None) -> NoReturn:
    """Stop the request with an error page that says, in Vietnamese, what went wrong."""
    abort(make_response(render_error(code, title, message)))


def handle_domain_error(error: DomainError) -> ResponseReturnValue:
    return render_error(error.status, None, error.message)


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    if error.response is not None:  # a login redirect or a page made by `fail`
        return error.response
    return render_error(error.code or 500)


def handle_csrf_error(_error: CSRFError) -> ResponseReturnValue:
    return render_error(400, *CSRF_MESSAGE)


# PostgreSQL: lock_not_available, deadlock_detected: another writer held what this one needed.
BUSY_SQLSTATES = frozenset({"55P03", "40P01"})


def handle_database_busy(error: OperationalError) -> ResponseReturnValue:
    """The database stayed locked past its timeout (SQLite's busy timeout, a PostgreSQL lock
    timeout or deadlock), or its connection dropped mid-request (a server restart): try
    again, never a 500."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    busy = "locked" in str(error.orig) or sqlstate in BUSY_SQLSTATES or error.connection_invalidated
    if not busy:
        return handle_unexpected(error)
    db.give_up_writing()
    current_app.logger.warning("Database busy: %s", error.orig)
    response = make_response(render_error(503))
    response.headers["Retry-After"] = "2"
    return response


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    # Roll back but keep the session open: the error page still shows who is logged in.
    db.rollback()
    current_app.logger.exception("Unhandled error")
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(OperationalError, handle_database_busy)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
