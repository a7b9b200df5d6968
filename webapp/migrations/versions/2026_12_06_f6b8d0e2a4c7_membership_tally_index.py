"""membership tally index: a unit's lines in group and class order, covering the head's tally

Revision ID: f6b8d0e2a4c7
Revises: e5a7c9b1d3f6
Create Date: 2026-12-06 22:40:00
"""
from __future__ import annotations

from alembic import op

revision = 'f6b8d0e2a4c7'
down_revision = 'e5a7c9b1d3f6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_membership_unit_group_section', 'membership',
                    ['unit_id', 'appendix', 'section', 'year_id', 'user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_membership_unit_group_section', table_name='membership')
