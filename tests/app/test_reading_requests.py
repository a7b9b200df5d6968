"""A GET (or HEAD) request only reads: a write in it is refused and nothing is written.

On PostgreSQL such a request reads without a transaction around its statements (autocommit,
`tests/live/test_reading_requests.py`), so a write there would not be undone with the rest of
the request; the refusal holds on SQLite too, so the suite catches a GET that writes anywhere.
"""
from __future__ import annotations

import logging

import pytest
from flask_login import current_user
from sqlalchemy import update

from webapp.db import WriteWhileReading, db
from webapp.models import User

RENAMED = "Đổi tên trong một trang xem"


def _flush_a_change() -> None:
    current_user.full_name = RENAMED
    db.session.flush()


def _update_a_row() -> None:
    db.session.execute(update(User).where(User.id == current_user.id).values(full_name=RENAMED))


@pytest.mark.parametrize("write", [_flush_a_change, _update_a_row], ids=["orm-flush", "core-update"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_reading_request_that_writes_is_refused_and_writes_nothing(app, login, cast, db_session, caplog,
                                                                      monkeypatch, write, method):
    def writing_view(**_kwargs):
        write()
        return "written"

    monkeypatch.setitem(app.view_functions, "assess.index", writing_view)
    caplog.set_level(logging.ERROR)

    reply = login(cast.head).open("/assess/", method=method)

    assert reply.status_code == 500
    refused = [record.exc_info[1] for record in caplog.records if record.exc_info]
    assert len(refused) == 1 and isinstance(refused[0], WriteWhileReading)
    db_session.expire_all()
    assert cast.head.full_name == "Hiệu trưởng Lê Lợi"


def test_a_writing_request_still_writes(app, login, cast, db_session, monkeypatch):
    def writing_view(**_kwargs):
        _flush_a_change()
        return "written"

    monkeypatch.setitem(app.view_functions, "assess.start", writing_view)
    reply = login(cast.head).post(f"/assess/start/{cast.assessment.membership_id}")
    assert reply.status_code == 200
    db_session.expire_all()
    assert cast.head.full_name == RENAMED
