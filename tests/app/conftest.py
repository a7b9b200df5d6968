"""A site on a SQLite file of its own, for tests of the write lock that other connections share."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import TEST_SECRET, evidence_notes, full_answers
from webapp import create_app, criteria_store, migrate
from webapp.assessments import operations
from webapp.models import Area, AssessmentYear, Membership, Unit, UnitKind, User, YearKind


@pytest.fixture
def busy_site(tmp_path):  # type: ignore[no-untyped-def]
    """One member with a full draft, a 150 ms busy timeout: (app, file path, (cookie id, assessment id))."""
    path = tmp_path / "busy.sqlite3"
    app = create_app({"SECRET_KEY": TEST_SECRET, "DATABASE_URL": f"sqlite:///{path}", "SQLITE_BUSY_MS": 150,
                      "WTF_CSRF_ENABLED": False, "TESTING": True})
    engine = app.extensions["cdht_db"].kw["bind"]
    migrate.upgrade(engine)
    with app.extensions["cdht_db"]() as session:
        criteria_store.sync_shipped(session)
        area = Area(code="B1", name="Thành phố", level="Tỉnh/Thành phố")
        session.add(area)
        session.flush()
        area.set_path()
        unit = Unit(code="U1", name="Trường THPT Bận", kind=UnitKind.HIGH_SCHOOL, area=area)
        year = AssessmentYear(label="2026", kind=YearKind.STAFF, is_open=True,
                              starts_on=date.today() - timedelta(days=9), ends_on=date.today() + timedelta(days=90))
        user = User(full_name="Người Gửi", phone="0912999888", password_hash="x")
        line = Membership(unit=unit, year=year, user=user, appendix="IV", contact="0912999888",
                          full_name="Người Gửi")
        session.add_all([unit, year, user, line])
        session.flush()
        assessment = operations.start(session, user, line)
        operations.save_draft(session, user, assessment, full_answers(8), evidence_notes())
        session.commit()
        ids = (user.get_id(), assessment.id)
    yield app, path, ids
    engine.dispose()
