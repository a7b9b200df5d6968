"""The app factory, configuration checks, and what every response carries."""
from __future__ import annotations

import warnings

import pytest
from sqlalchemy import inspect, text

from webapp import create_app
from webapp.config import ConfigError


def test_factory_refuses_missing_or_short_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CDHT_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": "short"})


def test_factory_has_no_side_effects(tmp_path, monkeypatch):
    monkeypatch.setenv("CDHT_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SECRET_KEY": "k" * 40})
    app.test_client().get("/healthz")
    # No instance folder, database file or secret is written by building the app.
    assert not (tmp_path / "instance").exists()


def test_secret_read_from_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CDHT_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "secret_key").write_text("s" * 48)
    assert create_app().config["SECRET_KEY"] == "s" * 48


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_are_vietnamese_and_errors_have_no_traceback(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404
    body = missing.get_data(as_text=True)
    assert "Không tìm thấy trang" in body and "Traceback" not in body


def test_api_errors_are_json(client):
    response = client.get("/api/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"] == "Không tìm thấy trang"


def test_unexpected_error_shows_vietnamese_page_without_traceback():
    app = create_app({"SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://"})

    @app.get("/__boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/__boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Đã xảy ra lỗi" in body and "RuntimeError" not in body


def test_sqlite_runs_with_wal_and_foreign_keys(app, db_session):
    if db_session.bind.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only apply to the embedded database")
    assert db_session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db_session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    # NORMAL (1): commits do not wait for fsync while writers queue for the lock.
    assert db_session.execute(text("PRAGMA synchronous")).scalar() == 1


def test_migrations_match_the_models(db_session):
    """A model change without its migration fails here, not on a user's database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from webapp.models import Base

    connection = db_session.connection()
    assert "alembic_version" in inspect(connection).get_table_names()
    with warnings.catch_warnings():
        # SQLite cannot reflect expression indexes; Alembic says so with a warning.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
