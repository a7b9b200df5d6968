"""Login management and the headers every response carries (access itself is `webapp.access`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, Response, current_app, request
from flask_login import LoginManager
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from .models import User

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


HSTS = "max-age=31536000"


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Signed links travel in URLs: never leak them to another site.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if (current_app.config.get("PUBLIC_URL") or "").startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.after_request(set_security_headers)
    hops = app.config.get("TRUST_PROXY") or 0
    if hops:
        # Behind that many reverse proxies: take the client's address, scheme and host from them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]



@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    from .db import db
    from .inputs import parse_id
    from .models import User

    found = parse_id(user_id)
    user = db.session.get(User, found) if found else None
    return user if user is not None and user.active else None
