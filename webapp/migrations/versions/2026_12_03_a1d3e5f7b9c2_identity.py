"""identity: ids never reused on SQLite, a nonce in certificate/QR tokens, pending roster links

Revision ID: a1d3e5f7b9c2
Revises: 8c4e2f7a1d30
Create Date: 2026-12-03 12:00:00

SQLite hands a deleted row's id to the next row unless the table was created AUTOINCREMENT,
and a table cannot be altered into one: each is rebuilt (batch mode, `recreate="always"`).
`webapp.migrate.upgrade` runs this with foreign keys off (so dropping the old table cascades
nowhere) and checks every reference before committing. PostgreSQL's sequences never go back:
there the rebuild is skipped.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a1d3e5f7b9c2'
down_revision = '8c4e2f7a1d30'
branch_labels = None
depends_on = None

# Every table of the schema at this revision; children after parents is not needed (foreign
# keys are off), but reads naturally.
TABLES = (
    'area', 'unit', 'assessment_year', 'target', 'criteria_version', 'user_account', 'role_grant',
    'membership', 'assessment', 'answer', 'drive', 'audit_event', 'login_throttle',
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    # SQLAlchemy does not reflect expression indexes, so batch mode would lose this one.
    op.drop_index('uq_target_scope', table_name='target')
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass
    op.create_index('uq_target_scope', 'target', ['year_id', 'area_id', sa.text("coalesce(appendix, '')")],
                    unique=True)


def _random_hex(length: int) -> str:
    if op.get_bind().dialect.name == 'sqlite':
        return f"lower(hex(randomblob({length // 2})))"
    return f"substr(md5(random()::text || id::text), 1, {length})"


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_nonce', sa.String(length=32), server_default='', nullable=False))
    # Existing assessments get their nonce now; tokens printed before carry none (see
    # `webapp.assessments.tokens` for how those are still read).
    op.execute(f"UPDATE assessment SET token_nonce = {_random_hex(16)}")
    # A listed line and an account wait for the other side's yes; lines linked before stay linked.
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pending_kind', sa.Enum('claim', 'invite', name='pendinglink',
                                                              native_enum=False, length=16,
                                                              create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('declined_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_membership_pending_user_id'), ['pending_user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_membership_pending_user_id_user_account'), 'user_account',
                                    ['pending_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_membership_declined_user_id_user_account'), 'user_account',
                                    ['declined_user_id'], ['id'], ondelete='SET NULL')
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_membership_declined_user_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_membership_pending_user_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_membership_pending_user_id'))
        batch_op.drop_constraint(batch_op.f('ck_membership_pendinglink'), type_='check')
        batch_op.drop_column('declined_user_id')
        batch_op.drop_column('pending_kind')
        batch_op.drop_column('pending_user_id')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('token_nonce')
