"""session secret per user: cookies prove it, rotating it ends every session

Revision ID: 6b1d0c2a9e11
Revises: 433e55abf1b0
Create Date: 2026-11-23 07:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '6b1d0c2a9e11'
down_revision = '433e55abf1b0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_secret', sa.String(length=32), server_default='', nullable=False))
    # Every existing account gets its own random secret (old cookies, which carry none, end).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("UPDATE user_account SET session_secret = lower(hex(randomblob(16)))")
    else:
        op.execute("UPDATE user_account SET session_secret = md5(random()::text || id::text)")


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_secret')
