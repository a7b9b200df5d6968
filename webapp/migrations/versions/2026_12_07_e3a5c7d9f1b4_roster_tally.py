"""roster tally: each unit's lines and assessments counted per year, group, class and status,
kept by triggers on `membership` and `assessment`

The head's queue counted the whole school on every view (4 ms of SQL for 3,000 lines). Now
every write keeps the counts: the database's own triggers, so no write path (the app's
operations, roster imports, bulk confirmation, cascading deletes, a console UPDATE) can forget.

A later SQLite migration that rebuilds `membership` or `assessment` (`batch_alter_table`)
drops their triggers with the old table: it must create them again (`create_triggers`
below is frozen here; copy it). `tests/app/test_ids_never_reused.py` fails if they are gone.

Revision ID: e3a5c7d9f1b4
Revises: c9e1f3a5b7d0
Create Date: 2026-12-07 01:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'e3a5c7d9f1b4'
down_revision = 'c9e1f3a5b7d0'
branch_labels = None
depends_on = None

# Each counted column and when an assessment row `{r}` falls in it (frozen: the shown statuses
# of webapp.models.assessments as of this revision, plus the waiting forms that reached the
# title by their own points, which bulk confirmation picks).
COUNTS = {
    'draft': "{r}.status = 'draft'",
    'submitted': "{r}.status = 'submitted'",
    'submitted_achieved': "{r}.status = 'submitted' AND {r}.self_achieved IS TRUE",
    'returned': "{r}.status = 'returned'",
    'confirmed_achieved': "{r}.status = 'confirmed' AND {r}.confirmed_achieved IS TRUE",
    'confirmed_not_achieved': "{r}.status = 'confirmed' AND {r}.confirmed_achieved IS NOT TRUE",
    'rejected': "{r}.status = 'rejected'",
    'revoked': "{r}.status = 'revoked'",
}
KEY = ('unit_id', 'year_id', 'appendix', 'section')
TRIGGERS = ('membership_tally_insert', 'membership_tally_move', 'membership_tally_delete',
            'assessment_tally_insert', 'assessment_tally_update', 'assessment_tally_delete')


def _one_if(condition: str, row: str) -> str:
    return f"CASE WHEN {condition.format(r=row)} THEN 1 ELSE 0 END"


def _line_key(line: str) -> str:
    """The tally row of a roster line (a class left blank is counted under '')."""
    return (f"unit_id = {line}.unit_id AND year_id = {line}.year_id AND appendix = {line}.appendix"
            f" AND section = COALESCE({line}.section, '')")


def _add_line(line: str) -> str:
    """Count the line, and its assessment if it has one (a line moved to another class)."""
    sums = ", ".join(f"COALESCE(SUM({_one_if(condition, 'a')}), 0)" for condition in COUNTS.values())
    updates = ", ".join(f"{column} = roster_tally.{column} + excluded.{column}" for column in ('lines', *COUNTS))
    return (f"INSERT INTO roster_tally ({', '.join(KEY)}, lines, {', '.join(COUNTS)}) "
            f"SELECT {line}.unit_id, {line}.year_id, {line}.appendix, COALESCE({line}.section, ''), 1, {sums} "
            f"FROM assessment a WHERE a.membership_id = {line}.id "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}")


def _remove_line(line: str) -> list[str]:
    """Uncount the line and its assessment; a class with no line left goes from the tally."""
    minus = ", ".join(
        f"{column} = {column} - (SELECT COALESCE(SUM({_one_if(condition, 'a')}), 0) "
        f"FROM assessment a WHERE a.membership_id = {line}.id)" for column, condition in COUNTS.items())
    return [f"UPDATE roster_tally SET lines = lines - 1, {minus} WHERE {_line_key(line)}",
            f"DELETE FROM roster_tally WHERE {_line_key(line)} AND lines = 0"]


def _change_assessment(row: str, sign: str) -> str:
    """Add (+) or take away (-) an assessment row in its line's tally row."""
    changes = ", ".join(f"{column} = {column} {sign} {_one_if(condition, row)}"
                        for column, condition in COUNTS.items())
    return (f"UPDATE roster_tally SET {changes} WHERE ({', '.join(KEY)}) = "
            f"(SELECT m.unit_id, m.year_id, m.appendix, COALESCE(m.section, '') FROM membership m "
            f"WHERE m.id = {row}.membership_id)")


def _differ(columns: tuple[str, ...], distinct: str) -> str:
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in columns)


def _triggers(distinct: str) -> list[tuple[str, str, str, str | None, list[str]]]:
    """(name, timing and event, table, condition, statements) of every trigger."""
    moved = _differ(KEY, distinct)
    changed = _differ(('membership_id', 'status', 'confirmed_achieved', 'self_achieved'), distinct)
    return [
        ('membership_tally_insert', 'AFTER INSERT', 'membership', None, [_add_line('NEW')]),
        # A line moved to another unit takes its assessment's copy of the unit along (the queue
        # reads a unit's forms by it); the app never moves a line, a console might.
        ('membership_tally_move', 'AFTER UPDATE OF unit_id, year_id, appendix, section', 'membership', moved,
         [*_remove_line('OLD'), _add_line('NEW'),
          "UPDATE assessment SET unit_id = NEW.unit_id WHERE membership_id = NEW.id AND unit_id <> NEW.unit_id"]),
        # Before the line goes, its assessment goes (uncounted by its own trigger while the line
        # still tells where it was counted); the cascade then finds nothing left to delete.
        ('membership_tally_delete', 'BEFORE DELETE', 'membership', None,
         ["DELETE FROM assessment WHERE membership_id = OLD.id", *_remove_line('OLD')]),
        ('assessment_tally_insert', 'AFTER INSERT', 'assessment', None, [_change_assessment('NEW', '+')]),
        ('assessment_tally_update', 'AFTER UPDATE OF membership_id, status, confirmed_achieved, self_achieved',
         'assessment', changed, [_change_assessment('OLD', '-'), _change_assessment('NEW', '+')]),
        ('assessment_tally_delete', 'AFTER DELETE', 'assessment', None, [_change_assessment('OLD', '-')]),
    ]


def create_triggers() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, event, table, condition, statements in _triggers('IS NOT' if sqlite else 'IS DISTINCT FROM'):
        body = "".join(f"{statement};\n" for statement in statements)
        if sqlite:
            when = f" WHEN {condition}" if condition else ""
            op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} BEGIN\n{body}END")
            continue
        # A BEFORE trigger returning NULL would cancel the row's deletion.
        result = 'OLD' if event.startswith('BEFORE') else 'NULL'
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}"
                   f"RETURN {result};\nEND\n$$")
        when = f" WHEN ({condition})" if condition else ""
        op.execute(f"CREATE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {name}()")


def drop_triggers() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for name, _event, table, _condition, _statements in _triggers(''):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if sqlite else f" ON {table}"))
        if not sqlite:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")


def _backfill() -> None:
    sums = ", ".join(f"SUM({_one_if(condition, 'a')})" for condition in COUNTS.values())
    op.execute(f"INSERT INTO roster_tally ({', '.join(KEY)}, lines, {', '.join(COUNTS)}) "
               f"SELECT m.unit_id, m.year_id, m.appendix, COALESCE(m.section, ''), COUNT(m.id), {sums} "
               f"FROM membership m LEFT JOIN assessment a ON a.membership_id = m.id "
               f"GROUP BY m.unit_id, m.year_id, m.appendix, COALESCE(m.section, '')")


def upgrade() -> None:
    # No foreign keys: the rows are derived, and go when their last line does (a deleted unit's
    # or year's lines go by their own cascade). PostgreSQL would check a key on every update
    # of a row written in the same transaction, and a unit's deletion updates its rows last.
    op.create_table(
        'roster_tally',
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year_id', sa.Integer(), nullable=False),
        sa.Column('appendix', sa.String(length=8), nullable=False),
        sa.Column('section', sa.String(length=80), nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        *(sa.Column(column, sa.Integer(), nullable=False, server_default='0') for column in COUNTS),
        sa.PrimaryKeyConstraint(*KEY, name=op.f('pk_roster_tally')),
    )
    _backfill()
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    op.drop_table('roster_tally')
