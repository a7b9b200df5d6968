"""The embedded database held by another writer past the busy timeout: 503, try again, never 500."""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest

from tests.conftest import TEST_SECRET, evidence_notes, full_answers
from webapp import create_app, criteria_store, migrate
from webapp.assessments import operations
from webapp.models import Area, AssessmentYear, Membership, Unit, UnitKind, User, YearKind


@pytest.fixture
def busy_site(tmp_path):  # type: ignore[no-untyped-def]
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


def test_a_write_that_cannot_get_the_lock_is_a_503_that_changes_nothing(busy_site):
    app, path, (cookie_id, assessment_id) = busy_site
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        api = client.put(f"/api/assessments/{assessment_id}/draft", json={"answers": {"1": 5}})
        page = client.post(f"/assess/{assessment_id}", data={"answer-1": "5", "action": "save"})
    finally:
        holder.rollback()
        holder.close()
    assert api.status_code == 503 and api.headers["Retry-After"] == "2"
    assert api.get_json()["error"] == "Hệ thống đang bận"
    assert page.status_code == 503
    assert "Vui lòng thử lại sau ít giây" in page.get_data(as_text=True)
    assert client.get(f"/api/assessments/{assessment_id}").get_json()["answers"]["1"] == 8
    # Once the other writer is done, the same request goes through.
    assert client.put(f"/api/assessments/{assessment_id}/draft", json={"answers": {"1": 5}}).status_code == 200
