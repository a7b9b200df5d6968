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
    """Bring the database schema up to `revision`."""
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def make_revision(engine: Engine, message: str) -> None:
    """Write a new migration comparing the models with the (upgraded) database."""
    with engine.begin() as connection:
        command.revision(_alembic_config(connection), message=message, autogenerate=True)
