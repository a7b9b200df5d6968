"""password links: one-time reset and set-password links, stored as a hash of their token

Revision ID: b2e4f6a8c0d1
Revises: d7e9f1a3b5c8
Create Date: 2026-12-03 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b2e4f6a8c0d1'
down_revision = 'd7e9f1a3b5c8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'password_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.Enum('reset', 'setup', name='linkpurpose', native_enum=False,
                                     create_constraint=True, length=16), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'],
                                name=op.f('fk_password_link_issued_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_password_link_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_password_link_token_hash')),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_password_link_issued', 'password_link', ['issued_by_id', 'created_at'])
    op.create_index(op.f('ix_password_link_user_id'), 'password_link', ['user_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_password_link_user_id'), table_name='password_link')
    op.drop_index('ix_password_link_issued', table_name='password_link')
    op.drop_table('password_link')
