"""tally update one row: a status change counts its form out and in with one UPDATE of its
class's tally row (was two, each finding the roster line again)

Every submission, confirmation and return goes through this trigger. Two UPDATEs of the same
row cost twice the row lock, the line lookup and the row version (the hottest rows of a drive
week, each version left behind until vacuum); PostgreSQL spent about 40 of its 130 us per
status change on the second. A form whose roster line changes (a console edit; the app never
moves one) still takes from the old line's row and adds to the new one's.

Same trigger name on both databases (`tests/app/test_ids_never_reused.py` lists them).

Revision ID: b4d6f8a0c2e5
Revises: e3a5c7d9f1b4
Create Date: 2026-12-07 07:00:00
"""
from __future__ import annotations

from alembic import op

revision = 'b4d6f8a0c2e5'
down_revision = 'e3a5c7d9f1b4'
branch_labels = None
depends_on = None

# Frozen copies of e3a5c7d9f1b4's counted columns and tally key: a migration never imports
# another's code, which may change after it ran.
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
NAME = 'assessment_tally_update'
EVENT = 'AFTER UPDATE OF membership_id, status, confirmed_achieved, self_achieved'
WATCHED = ('membership_id', 'status', 'confirmed_achieved', 'self_achieved')


def _one_if(row: str, condition: str) -> str:
    return f"CASE WHEN {condition.format(r=row)} THEN 1 ELSE 0 END"


def _tally_row_of(row: str) -> str:
    return (f"({', '.join(KEY)}) = (SELECT m.unit_id, m.year_id, m.appendix, COALESCE(m.section, '') "
            f"FROM membership m WHERE m.id = {row}.membership_id)")


def _take_out(row: str) -> str:
    return ", ".join(f"{column} = {column} - {_one_if(row, condition)}" for column, condition in COUNTS.items())


def _one_update(distinct: str) -> list[str]:
    """Out of the old line's row only when the line changed; into the new line's row, taking the
    old flags away there when it is the same line (the usual case: one UPDATE in all)."""
    moved = f"OLD.membership_id {distinct} NEW.membership_id"
    into = ", ".join(f"{column} = {column} + {_one_if('NEW', condition)} "
                     f"- CASE WHEN {moved} THEN 0 ELSE {_one_if('OLD', condition)} END"
                     for column, condition in COUNTS.items())
    return [f"UPDATE roster_tally SET {_take_out('OLD')} WHERE {moved} AND {_tally_row_of('OLD')}",
            f"UPDATE roster_tally SET {into} WHERE {_tally_row_of('NEW')}"]


def _two_updates(_distinct: str) -> list[str]:
    """e3a5c7d9f1b4's body: out of the old line's row, then into the new line's."""
    into = ", ".join(f"{column} = {column} + {_one_if('NEW', condition)}" for column, condition in COUNTS.items())
    return [f"UPDATE roster_tally SET {_take_out('OLD')} WHERE {_tally_row_of('OLD')}",
            f"UPDATE roster_tally SET {into} WHERE {_tally_row_of('NEW')}"]


def _replace(body_of) -> None:  # type: ignore[no-untyped-def]
    sqlite = op.get_bind().dialect.name == 'sqlite'
    distinct = 'IS NOT' if sqlite else 'IS DISTINCT FROM'
    body = "".join(f"{statement};\n" for statement in body_of(distinct))
    changed = " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in WATCHED)
    if sqlite:
        op.execute(f"DROP TRIGGER IF EXISTS {NAME}")
        op.execute(f"CREATE TRIGGER {NAME} {EVENT} ON assessment FOR EACH ROW WHEN {changed} BEGIN\n{body}END")
        return
    # The trigger stays; only the function it runs changes.
    op.execute(f"CREATE OR REPLACE FUNCTION {NAME}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}"
               "RETURN NULL;\nEND\n$$")


def upgrade() -> None:
    _replace(_one_update)


def downgrade() -> None:
    _replace(_two_updates)
