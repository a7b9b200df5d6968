"""assessment unit index: each assessment carries its roster line's unit, so a unit's queue
reads its own waiting forms in order instead of every line of the school or every school's forms

Revision ID: c9e1f3a5b7d0
Revises: f6b8d0e2a4c7
Create Date: 2026-12-07 00:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'c9e1f3a5b7d0'
down_revision = 'f6b8d0e2a4c7'
branch_labels = None
depends_on = None

# SQLite rebuilds the table to make the column NOT NULL and add its foreign key: keep it
# AUTOINCREMENT (ids never reused).
KEEP_IDS_UNIQUE = {'sqlite_autoincrement': True}


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
    # Existing assessments take the unit of their roster line (one statement on both databases).
    op.execute('UPDATE assessment SET unit_id = '
               '(SELECT membership.unit_id FROM membership WHERE membership.id = assessment.membership_id)')
    with op.batch_alter_table('assessment', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.alter_column('unit_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_assessment_unit_id_unit'), 'unit', ['unit_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_index('ix_assessment_unit_status', ['unit_id', 'status', 'submitted_at', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None, table_kwargs=KEEP_IDS_UNIQUE) as batch_op:
        batch_op.drop_index('ix_assessment_unit_status')
        batch_op.drop_constraint(batch_op.f('fk_assessment_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('unit_id')
