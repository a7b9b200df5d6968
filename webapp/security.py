"""Access control helpers and response headers.

Views never decide access inline: they ask a domain predicate (`user.heads(unit)`,
`user.aggregates(area)`, ...) and pass the answer to `ensure`.
"""
from __future__ import annotations

from typing import NoReturn

from flask import Flask, Response, abort, request
from flask_login import LoginManager, current_user

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
login_manager.login_message_category = "info"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def deny() -> NoReturn:
    """Answer a refused request: log in first if anonymous, otherwise 403."""
    if not current_user.is_authenticated:
        if wants_json():
            abort(401)
        abort(login_manager.unauthorized())
    abort(403)


def ensure(allowed: bool) -> None:
    """Refuse the request unless `allowed` (the answer of a permission predicate)."""
    if not allowed:
        deny()


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Signed links travel in URLs: never leak them to another site.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.after_request(set_security_headers)


@login_manager.user_loader
def load_user(user_id: str):  # type: ignore[no-untyped-def]
    from .db import db
    from .models import User

    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
