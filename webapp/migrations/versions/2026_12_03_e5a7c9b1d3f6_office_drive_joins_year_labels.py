"""office: the drive a roster line joined through (drive counts); year labels with one en dash

Revision ID: e5a7c9b1d3f6
Revises: c3f5a7b9d1e2
Create Date: 2026-12-03 12:45:00
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = 'e5a7c9b1d3f6'
down_revision = 'c3f5a7b9d1e2'
branch_labels = None
depends_on = None

# The same rule as webapp.admin.operations.normalise_label, frozen here: a migration must not
# change when the app's code does.
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")


def _normalise(label: str) -> str:
    return _DASHES.sub("\u2013", " ".join(label.split()))


# SQLite rebuilds the table to add a foreign key: keep it AUTOINCREMENT (ids never reused).
KEEP_IDS_UNIQUE = {'sqlite_autoincrement': True}


def upgrade() -> None:
    with op.batch_alter_table('membership', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(sa.Column('drive_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_membership_drive_id'), ['drive_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_membership_drive_id_drive'), 'drive',
                                    ['drive_id'], ['id'], ondelete='SET NULL')
    _normalise_year_labels()


def _normalise_year_labels() -> None:
    """Rewrite "2027-2028" as "2027–2028", unless that label is already taken (left for an admin)."""
    connection = op.get_bind()
    years = sa.table('assessment_year', sa.column('id', sa.Integer), sa.column('label', sa.String))
    rows = connection.execute(sa.select(years.c.id, years.c.label)).all()
    taken = {label for _, label in rows}
    for year_id, label in rows:
        normalised = _normalise(label)
        if normalised != label and normalised not in taken:
            connection.execute(years.update().where(years.c.id == year_id).values(label=normalised))
            taken.discard(label)
            taken.add(normalised)


def downgrade() -> None:
    with op.batch_alter_table('membership', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_membership_drive_id_drive'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_membership_drive_id'))
        batch_op.drop_column('drive_id')
