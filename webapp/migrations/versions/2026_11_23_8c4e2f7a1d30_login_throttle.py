"""login throttle: wrong passwords counted per account and per address in the database

Revision ID: 8c4e2f7a1d30
Revises: 6b1d0c2a9e11
Create Date: 2026-11-23 07:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '8c4e2f7a1d30'
down_revision = '6b1d0c2a9e11'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_throttle',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
        sa.UniqueConstraint('key', name=op.f('uq_login_throttle_key')),
    )


def downgrade() -> None:
    op.drop_table('login_throttle')
