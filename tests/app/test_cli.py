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


def test_missing_secret_is_one_line_not_a_traceback(cli_env, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
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
    result = CliRunner().invoke(main, ["serve", "--demo", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "instance" / "secret_key").exists()
    assert (tmp_path / "instance" / "cdht.sqlite3").exists()
    assert "hoctap2026" in result.output and "/join/" in result.output
    assert served and served[0][1]["port"] == 8123
