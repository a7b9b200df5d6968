"""On a real engine, on PostgreSQL: a GET, a draft save and a submission run without a transaction
around their statements; downloads and other writes keep one.

Read committed gives each statement its own snapshot anyway; what goes are BEGIN and COMMIT,
two round trips of a form page's three. A save writes with one statement, all or nothing by
itself (`assessments.writes`). A download reads its rows through a server-side cursor, which
PostgreSQL keeps only inside a transaction, and any other request that writes commits once.
(The savepoint-isolated tests bind their session to one connection, which keeps its
transaction: these tests build an app of their own on the live database.)
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

from webapp import create_app
from webapp.models import Role, RoleGrant, User

from .conftest import ANSWERS, SECRET, Live, seed_line, seed_school


@pytest.fixture
def app(live: Live) -> Iterator[Any]:
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": live.app.config["DATABASE_URL"],
                      "WTF_CSRF_ENABLED": False})
    yield app
    app.extensions["cdht_db"].kw["bind"].dispose()


@pytest.fixture
def school(live: Live) -> dict[str, int]:
    tag = uuid.uuid4().hex[:8]
    with live.session() as session:
        unit, year = seed_school(session, tag)
        member, assessment = seed_line(session, unit, year, "Nguyễn Thị Hoa", f"09{tag[:8].encode().hex()[:8]}", "IV")
        officer = User(full_name="Cán bộ tổng hợp", phone=f"08{uuid.uuid4().int % 10**8:08d}", password_hash="x")
        session.add_all([officer, RoleGrant(user=officer, role=Role.AGGREGATOR, area=unit.area)])
        session.commit()
        return {"member": member.id, "assessment": assessment.id, "officer": officer.id, "area": unit.area_id}


@pytest.fixture
def in_transaction(app) -> Iterator[list[bool]]:  # type: ignore[no-untyped-def]
    """For each statement the app runs on PostgreSQL: whether the driver holds a transaction
    open around it (none noted on SQLite)."""
    engine = app.extensions["cdht_db"].kw["bind"]
    seen: list[bool] = []
    if engine.dialect.name == "sqlite":
        yield seen
        return

    def note(conn, _cursor, _statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(not conn.connection.dbapi_connection.autocommit)

    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def postgresql_only(live: Live) -> None:
    if live.app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite keeps its transaction: its BEGIN is no round trip to a server")


def _client(app, live: Live, user_id: int):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.set_cookie("session", live.cookie(user_id).removeprefix("session="))
    return client


def test_a_page_reads_without_a_transaction(postgresql_only, app, live, school, in_transaction):
    reply = _client(app, live, school["member"]).get(f"/assess/{school['assessment']}")
    assert reply.status_code == 200 and "Nguyễn Thị Hoa" in reply.get_data(as_text=True)
    assert in_transaction and not any(in_transaction)


@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_save_is_a_read_and_one_write_without_a_transaction(postgresql_only, app, live, school,
                                                              in_transaction, action):
    client = _client(app, live, school["member"])
    body = {"answers": {**ANSWERS, "1": 5}, "notes": {}}
    if action == "submit":
        body["client_id"] = str(uuid.uuid4())
    reply = (client.put if action == "draft" else client.post)(f"/api/assessments/{school['assessment']}/{action}",
                                                                json=body)
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert in_transaction == [False, False]  # the read, then the answers, the row and the event at once
    stored = client.get(f"/api/assessments/{school['assessment']}").get_json()
    assert stored["answers"]["1"] == 5 and stored["status"] == ("draft" if action == "draft" else "submitted")


def test_a_withdrawal_writes_in_one_transaction(postgresql_only, app, live, school, in_transaction):
    client = _client(app, live, school["member"])
    sent = client.post(f"/api/assessments/{school['assessment']}/submit",
                       json={"answers": ANSWERS, "notes": {}, "client_id": str(uuid.uuid4())})
    assert sent.status_code == 200, sent.get_data(as_text=True)
    in_transaction.clear()
    reply = client.post(f"/assess/{school['assessment']}/withdraw")
    assert reply.status_code in (302, 303), reply.get_data(as_text=True)[:300]
    assert in_transaction and all(in_transaction)


@pytest.mark.parametrize("path", ["units.csv", "results.csv", "units.xlsx", "results.xlsx"])
def test_a_download_reads_its_rows_in_a_transaction(app, live, school, in_transaction, path):
    """Runs on SQLite too: the download itself must work on both."""
    reply = _client(app, live, school["officer"]).get(f"/reports/areas/{school['area']}/{path}")
    body = reply.get_data()  # streamed: the rows are read now
    assert reply.status_code == 200
    assert ("Nguyễn Thị Hoa".encode() in body) if path == "results.csv" else len(body) > 100
    if in_transaction:  # PostgreSQL
        assert in_transaction[-1], "the rows were read outside a transaction"
