"""Alembic environment. Run through `cdht db upgrade` / `cdht db revision`, which pass the
connection in `config.attributes`."""
from __future__ import annotations

from alembic import context

from webapp.models import Base

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
