"""A drive lasts its year, counts who joined, prints every class at once, and asks before closing."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from webapp.demo import load_demo
from webapp.drives import operations
from webapp.models import AssessmentYear, AuditEvent, Drive, Membership, Unit, utcnow
from webapp.models.base import as_utc


def _drives(db_session, unit):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(select(Drive).where(Drive.unit_id == unit.id).order_by(Drive.id)).all()


def _drive(db_session, people, section, **changes):  # type: ignore[no-untyped-def]
    values = dict(unit=people.unit, year=people.year, appendix="V", section=section,
                  expires_at=utcnow() + timedelta(days=7), created_by=people.head)
    values.update(changes)
    drive = Drive(**values)
    db_session.add(drive)
    db_session.flush()
    return drive


# A new drive lasts to the end of its assessment year ---------------------------------------

def test_a_drive_without_expiry_lasts_to_the_end_of_its_year(people, login, db_session):  # type: ignore[no-untyped-def]
    response = login(people.head).post(f"/units/{people.unit.id}/drives", data={
        "year_id": people.year.id, "appendix": "V", "section": "10A2", "expires_at": "",
    })
    assert response.status_code == 302
    drive = _drives(db_session, people.unit)[-1]
    assert operations.expires_local(drive).strftime("%Y-%m-%d %H:%M") == f"{people.year.ends_on} 23:59"


def test_the_operation_defaults_to_the_year_end(people, db_session):  # type: ignore[no-untyped-def]
    drive = operations.create_drive(db_session, people.head, people.unit, people.year, "V", "10A3")
    assert operations.expires_local(drive).date() == people.year.ends_on
    assert operations.expires_local(drive).strftime("%H:%M") == "23:59"


def test_a_year_made_in_advance_may_run_longer_than_a_year(people, db_session):  # type: ignore[no-untyped-def]
    people.year.ends_on = (utcnow() + timedelta(days=380)).date()
    drive = operations.create_drive(db_session, people.head, people.unit, people.year, "V", "10A4")
    assert operations.expires_local(drive).date() == people.year.ends_on


def test_a_year_whose_end_has_passed_asks_for_a_date(people, login, db_session):  # type: ignore[no-untyped-def]
    people.year.ends_on = (utcnow() - timedelta(days=2)).date()
    db_session.flush()
    before = len(_drives(db_session, people.unit))
    response = login(people.head).post(f"/units/{people.unit.id}/drives", data={
        "year_id": people.year.id, "appendix": "V", "section": "10A5", "expires_at": "",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vui lòng chọn ngày giờ hết hạn." in page and 'value="10A5"' in page
    assert len(_drives(db_session, people.unit)) == before


def test_the_demo_drive_lasts_to_the_end_of_the_school_year(db_session):  # type: ignore[no-untyped-def]
    load_demo(db_session)
    drive = db_session.scalar(select(Drive).join(Unit).where(Unit.code == "THPT-NGUYENDU"))
    year = db_session.get(AssessmentYear, drive.year_id)
    expected = max(operations.year_end(year), utcnow() + timedelta(days=30))
    assert abs(as_utc(drive.expires_at) - expected) < timedelta(minutes=5)


# How many joined ------------------------------------------------------------------------

def test_the_list_shows_how_many_joined_each_drive(people, login, db_session, make_user):  # type: ignore[no-untyped-def]
    other = _drive(db_session, people, "10A2")
    for _ in range(2):
        operations.join(db_session, make_user(), people.drive)
    operations.join(db_session, make_user(), other)
    # Someone already on the roster who scans the poster counts too, once.
    operations.join(db_session, people.member, people.drive)
    operations.join(db_session, people.member, other)
    page = login(people.head).get(f"/units/{people.unit.id}/drives").get_data(as_text=True)
    assert operations.joined_counts(db_session, [people.drive, other]) == {people.drive.id: 3, other.id: 1}
    first = page[page.index(f'id="drive-{people.drive.id}"'):]
    second = page[page.index(f'id="drive-{other.id}"'):]
    assert "Đã tham gia: <strong>3</strong> người" in first[:first.index("</li>")]
    assert "Đã tham gia: <strong>1</strong> người" in second[:second.index("</li>")]


@pytest.fixture
def statements(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    engine = app.extensions["cdht_db"].kw["bind"]
    seen: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_joined_counts_take_one_query_however_many_drives(people, login, db_session, make_user, statements):  # type: ignore[no-untyped-def]
    client = login(people.head)
    url = f"/units/{people.unit.id}/drives"
    operations.join(db_session, make_user(), people.drive)
    db_session.expire_all()
    statements.clear()
    assert client.get(url).status_code == 200
    few = len(statements)
    for n in range(5):
        operations.join(db_session, make_user(), _drive(db_session, people, f"11A{n}"))
    db_session.expire_all()
    statements.clear()
    assert client.get(url).status_code == 200
    assert len(statements) == few
    assert sum("GROUP BY" in s.upper() for s in statements) == 1


# Every class's poster at once ------------------------------------------------------------

def test_posters_of_every_open_class_drive_one_per_page(people, login, db_session, app):  # type: ignore[no-untyped-def]
    tenth = _drive(db_session, people, "10A10")
    ninth = _drive(db_session, people, "9A2")
    closed = _drive(db_session, people, "11A1", closed_at=utcnow())
    expired = _drive(db_session, people, "11A2", expires_at=utcnow() - timedelta(hours=1))
    whole_unit = _drive(db_session, people, None)
    client = login(people.head)
    listing = client.get(f"/units/{people.unit.id}/drives").get_data(as_text=True)
    assert f'href="/units/{people.unit.id}/drives/posters"' in listing
    response = client.get(f"/units/{people.unit.id}/drives/posters")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="poster-sheet"') == 3 == page.count("<svg")
    order = [page.index(f'id="poster-{d.id}"') for d in (ninth, people.drive, tenth)]
    assert order == sorted(order)  # 9A2, 10A1, 10A10: class order, not text order
    for left_out in (closed, expired, whole_unit):
        assert f'id="poster-{left_out.id}"' not in page
    # Each poster's link opens its own drive (a token is signed with the time: read, not compared).
    links = re.findall(r"http://localhost/join/([A-Za-z0-9_.-]+)", page)
    with app.test_request_context():
        assert {operations.drive_of_token(db_session, token) for token in links} == {ninth, people.drive, tenth}
    css = (Path(app.static_folder) / "css" / "app.css").read_text(encoding="utf-8")
    assert ".poster-sheet { page-break-after: always" in css


def test_posters_page_of_a_unit_without_class_drives(people, login, db_session):  # type: ignore[no-untyped-def]
    people.drive.closed_at = utcnow()
    db_session.flush()
    client = login(people.head)
    assert "/drives/posters" not in client.get(f"/units/{people.unit.id}/drives").get_data(as_text=True)
    page = client.get(f"/units/{people.unit.id}/drives/posters").get_data(as_text=True)
    assert "Chưa có đợt nào theo lớp / tổ, phòng đang mở." in page and "<svg" not in page


def test_posters_never_show_another_units_drives(people, login, db_session, make_user):  # type: ignore[no-untyped-def]
    page = login(people.other_head).get(f"/units/{people.other_unit.id}/drives/posters").get_data(as_text=True)
    assert f'id="poster-{people.drive.id}"' not in page


# Closing asks first and says what it freezes --------------------------------------------

def test_closing_asks_first_and_the_get_changes_nothing(people, login, db_session, make_user):  # type: ignore[no-untyped-def]
    operations.join(db_session, make_user(), people.drive)
    client = login(people.head)
    listing = client.get(f"/units/{people.unit.id}/drives").get_data(as_text=True)
    confirm_url = f"/units/{people.unit.id}/drives/{people.drive.id}/close"
    assert f'href="{confirm_url}"' in listing
    response = client.get(confirm_url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ngừng hoạt động ngay với mọi người chưa tham gia" in page
    assert "1 người đã tham gia" in page
    assert f'action="{confirm_url}"' in page and 'method="post"' in page
    db_session.expire_all()
    assert people.drive.closed_at is None
    assert not db_session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "drive", AuditEvent.action == "drive_close")).all()
    assert client.post(confirm_url).status_code == 302
    db_session.expire_all()
    assert people.drive.closed_at is not None


def test_the_close_page_of_another_units_drive_is_not_found(people, login):  # type: ignore[no-untyped-def]
    url = f"/units/{people.other_unit.id}/drives/{people.drive.id}/close"
    assert login(people.other_head).get(url).status_code == 404


def test_joining_keeps_the_first_drive(people, db_session, make_user):  # type: ignore[no-untyped-def]
    user = make_user()
    operations.join(db_session, user, people.drive)
    later = _drive(db_session, people, "10A9")
    operations.join(db_session, user, later)
    line = db_session.scalar(select(Membership).where(Membership.user_id == user.id))
    assert line.drive_id == people.drive.id
