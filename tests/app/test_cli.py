"""The `cdht` console script: migrate, the development secret, and one-line errors."""
from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from webapp.cli import ensure_development_secret, main


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    monkeypatch.setenv("CDHT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "c" * 40)
    return tmp_path


def test_db_upgrade_migrates_and_stores_the_criteria(cli_env):
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "III@2023.1, III@2026.1, IV@2023.1, IV@2026.1, V@2023.1, V@2026.1" in result.output
    with sqlite3.connect(cli_env / "cli.sqlite3") as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM criteria_version ORDER BY key")]
    assert keys == ["III@2023.1", "III@2026.1", "IV@2023.1", "IV@2026.1", "V@2023.1", "V@2026.1"]
    # Running it again is harmless.
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0


def test_commands_on_the_embedded_database_need_no_secret(cli_env, monkeypatch):
    """Like `serve`, every command on SQLite makes the development key when there is none."""
    monkeypatch.delenv("SECRET_KEY")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (cli_env / "secret_key").exists()


def test_missing_secret_for_a_server_database_is_one_line_not_a_traceback(cli_env, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/none")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code != 0
    assert "SECRET_KEY" in result.output and "Traceback" not in result.output


def test_development_secret_only_for_the_embedded_database(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    ensure_development_secret(tmp_path)
    secret = (tmp_path / "secret_key").read_text()
    assert len(secret) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    ensure_development_secret(tmp_path)
    assert (tmp_path / "secret_key").read_text() == secret

    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/cdht")
    with pytest.raises(Exception, match="SECRET_KEY must be set"):
        ensure_development_secret(tmp_path / "elsewhere")


def test_criteria_check_through_the_console_script():
    result = CliRunner().invoke(main, ["criteria", "check"])
    assert result.exit_code == 0
    assert result.output.count("OK ") == 6


def test_serve_creates_the_secret_before_building_the_app(tmp_path, monkeypatch):
    """`cdht serve` on a fresh machine: no SECRET_KEY, no instance folder yet."""
    import waitress

    served = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: served.append((app, kwargs)))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CDHT_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["serve", "--demo", "--port", "8123", "--server", "waitress"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "secret_key").exists()
    assert (tmp_path / "instance" / "cdht.sqlite3").exists()
    assert "hoctap2026" in result.output and "/join/" in result.output
    assert served and served[0][1]["port"] == 8123


def test_demo_prints_only_its_own_logins(tmp_path, monkeypatch):
    """On a database that also holds real accounts, nobody real is listed under the demo password."""
    import waitress

    monkeypatch.setattr(waitress, "serve", lambda app, **kwargs: None)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CDHT_INSTANCE_PATH", str(tmp_path))
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    with sqlite3.connect(tmp_path / "cdht.sqlite3") as connection:
        connection.execute("INSERT INTO user_account (full_name, phone, password_hash, created_at, active) "
                           "VALUES ('Nguyễn Thị Thật', '0987654321', 'x', '2026-01-01', 1)")
        user_id = connection.execute("SELECT id FROM user_account WHERE phone = '0987654321'").fetchone()[0]
        connection.execute("INSERT INTO role_grant (user_id, role) VALUES (?, 'admin')", (user_id,))
    result = CliRunner().invoke(main, ["serve", "--demo", "--server", "waitress"])
    assert result.exit_code == 0, result.output
    assert "quantri@demo.cdht.vn" in result.output and "0901000001" in result.output
    assert "0987654321" not in result.output and "Nguyễn Thị Thật" not in result.output


def test_serve_help_lists_the_operating_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    for option in ("--workers", "--threads", "--connections", "--timeout", "--server"):
        assert option in result.output
