"""membership year index: which years have a roster, for the year a report opens on

Revision ID: d7e9f1a3b5c8
Revises: a1d3e5f7b9c2
Create Date: 2026-12-03 12:30:00
"""
from __future__ import annotations

from alembic import op

revision = 'd7e9f1a3b5c8'
down_revision = 'a1d3e5f7b9c2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_membership_year', 'membership', ['year_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_membership_year', table_name='membership')
