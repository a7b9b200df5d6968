"""Schema migrations (Alembic), run explicitly by `cdht serve` or `cdht db upgrade`."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Dated names, so the order of migrations reads at a glance.
    config.set_main_option(
        "file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"
    )
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`.

    On SQLite, foreign keys are off while migrating: batch mode rebuilds a table by dropping
    the old one, and with foreign keys on that drop deletes its rows first, cascading into
    every child table. The pragma is ignored inside a transaction, so it is set on the bare
    connection before the migration's transaction, and `PRAGMA foreign_key_check` runs before
    the commit: a migration that broke a reference is rolled back whole.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _set_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                command.upgrade(_alembic_config(connection), revision)
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _set_foreign_keys(connection, on=True)


def _set_foreign_keys(connection: Connection, on: bool) -> None:
    """The pragma through the driver: SQLAlchemy would wrap it in a BEGIN first."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"migration left {len(broken)} broken references in: {', '.join(tables)}")


def make_revision(engine: Engine, message: str) -> None:
    """Write a new migration comparing the models with the (upgraded) database."""
    with engine.begin() as connection:
        command.revision(_alembic_config(connection), message=message, autogenerate=True)
