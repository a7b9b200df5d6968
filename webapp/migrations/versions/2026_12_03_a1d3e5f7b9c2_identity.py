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
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('token_nonce')
