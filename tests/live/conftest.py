"""A real threaded server on its own committed database, for requests that race each other.

SQLite: a file database in a temporary folder. PostgreSQL (CDHT_TEST_DATABASE_URL): a schema
of its own in the test database, dropped afterwards, so the rolled-back tests never see it.
"""
from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine

from webapp.assessments import operations
from webapp.models import Area, AssessmentYear, Membership, Unit, UnitKind, User, YearKind

SECRET = "live-suite-secret-key-long-enough-for-the-check"


@dataclass
class Live:
    url: str
    app: Flask

    def session(self):  # type: ignore[no-untyped-def]
        return self.app.extensions["cdht_db"]()

    def cookie(self, user_id: int) -> str:
        """A signed session cookie that logs `user_id` in (the login form has its own tests)."""
        from webapp.models import User

        with self.session() as session:
            cookie_id = session.get(User, user_id).get_id()
        serializer = self.app.session_interface.get_signing_serializer(self.app)  # type: ignore[attr-defined]
        return "session=" + serializer.dumps({"_user_id": cookie_id, "_fresh": True})


def _database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("CDHT_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.sqlite3'}"
        return
    from webapp.db import normalise_url

    schema = f"live_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    from werkzeug.serving import make_server

    from webapp import create_app, criteria_store, migrate

    databases = _database(tmp_path_factory)
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": next(databases), "WTF_CSRF_ENABLED": False})
    engine: Any = app.extensions["cdht_db"].kw["bind"]
    migrate.upgrade(engine)
    with app.extensions["cdht_db"]() as session:
        criteria_store.sync_shipped(session)
        session.commit()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-suite-server", daemon=True)
    thread.start()
    try:
        yield Live(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        engine.dispose()
        next(databases, None)


ANSWERS = {str(code): 8 for code in range(1, 11)}
NOTES = {str(code): f"Minh chứng cho chỉ số {code}" for code in range(1, 11)}


def seed_school(session: Any, tag: str, kind: YearKind = YearKind.STAFF) -> tuple[Unit, AssessmentYear]:
    """A school in its own area, with an open year (codes made unique by `tag`)."""
    area = Area(code=f"A{tag}", name="Thành phố Hồ Chí Minh", level="Tỉnh/Thành phố")
    session.add(area)
    session.flush()
    area.set_path()
    unit = Unit(code=f"U{tag}", name="Trường THPT Lê Quý Đôn", kind=UnitKind.HIGH_SCHOOL, area=area)
    today = date.today()
    year = AssessmentYear(label=f"N{tag}", kind=kind, is_open=True,
                          starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300))
    session.add_all([unit, year])
    return unit, year


def seed_line(session: Any, unit: Unit, year: AssessmentYear, name: str, phone: str, appendix: str,
              section: str | None = None) -> tuple[User, Any]:
    """A member on the school's roster with a started assessment holding a full draft."""
    user = User(full_name=name, phone=phone, password_hash="x")
    line = Membership(unit=unit, year=year, user=user, appendix=appendix, contact=phone, full_name=name,
                      section=section)
    session.add_all([user, line])
    session.flush()
    assessment = operations.start(session, user, line)
    operations.save_draft(session, user, assessment, ANSWERS, NOTES)
    return user, assessment


def seed_members(live: Live, pairs: int) -> list[tuple[int, int]]:
    """`pairs` members, each with a saved draft: [(user id, assessment id)]."""
    tag = uuid.uuid4().hex[:8]
    with live.session() as session:
        unit, year = seed_school(session, tag)
        made = []
        for number in range(pairs):
            phone = f"09{abs(hash((tag, number))) % 10**8:08d}"
            user, assessment = seed_line(session, unit, year, f"Thành viên {number}", phone, "IV")
            made.append((user.id, assessment.id))
        session.commit()
    return made
