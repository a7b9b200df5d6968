"""roster sort key and search name: class-list order and search without diacritics in SQL

Revision ID: c3f5a7b9d1e2
Revises: b2e4f6a8c0d1
Create Date: 2026-12-03 12:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from webapp.names import search_text, sort_key

revision = 'c3f5a7b9d1e2'
down_revision = 'b2e4f6a8c0d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', sa.String(length=400), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_name', sa.String(length=120), server_default='', nullable=False))
    # Existing lines get the keys the model computes when a name is written.
    membership = sa.table('membership', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                          sa.column('sort_key', sa.String), sa.column('search_name', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(membership.c.id, membership.c.full_name)).all()
    if rows:
        bind.execute(
            membership.update().where(membership.c.id == sa.bindparam('line_id')),
            [{'line_id': row.id, 'sort_key': sort_key(row.full_name),
              'search_name': search_text(row.full_name)[:120]} for row in rows],
        )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index('ix_membership_unit_year_sort_key', ['unit_id', 'year_id', 'sort_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index('ix_membership_unit_year_sort_key')
        batch_op.drop_column('search_name')
        batch_op.drop_column('sort_key')
