"""The Flask application for "Công dân học tập" self-assessment.

`create_app` only builds the app: it never migrates, seeds or writes files. Those are
explicit `cdht` commands (see `webapp.cli`).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_wtf import CSRFProtect

from . import config as app_config
from . import errors, inputs, security
from .db import db

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, overridden by `config` (tests pass theirs)."""
    folder = app_config.instance_path()
    app = Flask(__name__, instance_path=str(folder))
    app.config.from_mapping(app_config.from_environment(folder))
    if config:
        app.config.update(config)
    app_config.check(app.config)

    db.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    inputs.init_app(app)
    _bind_session_lifecycle(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    return app


def _bind_session_lifecycle(app: Flask) -> None:
    """One commit per request: commit a successful response, roll back anything else."""

    @app.after_request
    def _commit(response: Response) -> Response:
        db.remove(commit=response.status_code < 400)
        return response

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        db.remove(commit=False)


def _register_blueprints(app: Flask) -> None:
    from .admin.routes import bp as admin_bp
    from .api.routes import bp as api_bp
    from .assess.routes import bp as assess_bp
    from .auth.routes import bp as auth_bp
    from .certificates.routes import bp as certificates_bp
    from .drives.routes import bp as drives_bp
    from .main.routes import bp as main_bp
    from .pwa.routes import bp as pwa_bp
    from .recovery.routes import bp as recovery_bp
    from .reports.routes import bp as reports_bp
    from .review.routes import bp as review_bp
    from .roster.routes import bp as roster_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(assess_bp, url_prefix="/assess")
    app.register_blueprint(certificates_bp)
    app.register_blueprint(roster_bp, url_prefix="/units")
    app.register_blueprint(drives_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(recovery_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(api_bp, url_prefix="/api")


def _register_template_helpers(app: Flask) -> None:
    from .templating import init_app as init_templating

    init_templating(app)
