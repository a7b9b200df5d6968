"""The only two administrators lock each other at the same moment: one of them stays active.

Each check counts the other as still active unless the second waits for the first; on
PostgreSQL the check locks the administrators' rows. SQLite runs one writing request at a time
(BEGIN IMMEDIATE when it begins), so there is no race to lose there.
"""
from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import select, update

from webapp.admin import accounts
from webapp.errors import DomainError
from webapp.models import Role, RoleGrant, User

from .conftest import Live


def _two_admins(live: Live) -> tuple[int, int]:
    tag = uuid.uuid4().hex[:8]
    with live.session() as session:
        # This database is the live suite's own: nobody else may count as an active administrator.
        session.execute(update(User).where(User.id.in_(
            select(RoleGrant.user_id).where(RoleGrant.role == Role.ADMIN))).values(active=False))
        admins = [User(full_name=name, phone=f"07{abs(hash((tag, name))) % 10**8:08d}", password_hash="x")
                  for name in ("Quản trị một", "Quản trị hai")]
        session.add_all(admins)
        session.add_all([RoleGrant(user=admin, role=Role.ADMIN) for admin in admins])
        session.commit()
        return admins[0].id, admins[1].id


def test_two_administrators_locking_each_other_at_once_leave_one_active(live: Live) -> None:
    if live.app.extensions["cdht_db"].kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite runs one writing request at a time: the check cannot race")
    first_id, second_id = _two_admins(live)
    outcome: list[str] = []

    def second_locks_first() -> None:
        with live.session() as session:
            try:
                accounts.deactivate(session, session.get(User, second_id), session.get(User, first_id))
                session.commit()
                outcome.append("locked")
            except DomainError:
                session.rollback()
                outcome.append("refused")

    with live.session() as session:
        accounts.deactivate(session, session.get(User, first_id), session.get(User, second_id))
        other = threading.Thread(target=second_locks_first)
        other.start()
        other.join(timeout=1)  # it waits for this transaction, which is still open
        session.commit()
    other.join(timeout=30)
    assert outcome == ["refused"]
    with live.session() as session:
        active = session.scalars(select(User.id).where(User.id.in_([first_id, second_id]), User.active)).all()
    assert active == [first_id]
