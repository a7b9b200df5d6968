"""Heads create, print and close drives; every drive route refuses everyone else."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from webapp.drives import operations
from webapp.models import AuditEvent, Drive
from webapp.templating import VIETNAM


def _local(delta: timedelta) -> str:
    return (datetime.now(VIETNAM) + delta).strftime("%Y-%m-%dT%H:%M")


def _drives(db_session, unit):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(select(Drive).where(Drive.unit_id == unit.id).order_by(Drive.id)).all()


def test_list_page_has_a_form_defaulting_to_the_end_of_the_year(people, login):  # type: ignore[no-untyped-def]
    page = login(people.head).get(f"/units/{people.unit.id}/drives").get_data(as_text=True)
    assert 'type="datetime-local"' in page
    assert "Mặc định: 7 ngày" not in page
    assert f"{people.year.label} đến 23:59 ngày {people.year.ends_on:%d/%m/%Y}" in page
    assert "/join/" in page  # the open drive's link is shown


def test_create_drive_in_vietnam_time_and_audit(people, login, db_session):  # type: ignore[no-untyped-def]
    expires = _local(timedelta(days=3))
    response = login(people.head).post(f"/units/{people.unit.id}/drives", data={
        "year_id": people.year.id, "appendix": "IV", "section": " Tổ Toán ", "expires_at": expires,
    })
    assert response.status_code == 302
    drive = _drives(db_session, people.unit)[-1]
    assert (drive.appendix, drive.section, drive.created_by_id) == ("IV", "Tổ Toán", people.head.id)
    assert operations.expires_local(drive).strftime("%Y-%m-%dT%H:%M") == expires
    assert db_session.scalar(select(AuditEvent.action).where(
        AuditEvent.subject_type == "drive", AuditEvent.subject_id == drive.id)) == "drive_create"


@pytest.mark.parametrize("expires, message", [
    (lambda: _local(timedelta(hours=-1)), "Thời hạn phải ở sau thời điểm hiện tại."),
    (lambda: _local(timedelta(days=400)), "Một đợt vận động kéo dài tối đa một năm."),
    (lambda: "ngày mai", "Ngày giờ không hợp lệ."),
])
def test_create_drive_refuses_bad_expiry_and_keeps_input(people, login, db_session, expires, message):  # type: ignore[no-untyped-def]
    before = len(_drives(db_session, people.unit))
    response = login(people.head).post(f"/units/{people.unit.id}/drives", data={
        "year_id": people.year.id, "appendix": "V", "section": "10A9", "expires_at": expires(),
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'value="10A9"' in page
    assert len(_drives(db_session, people.unit)) == before


def test_create_drive_refuses_a_locked_year(people, login, make_year):  # type: ignore[no-untyped-def]
    locked = make_year(is_open=False)
    response = login(people.head).post(f"/units/{people.unit.id}/drives", data={
        "year_id": locked.id, "appendix": "V", "expires_at": _local(timedelta(days=2)),
    })
    assert response.status_code == 422


def test_poster_has_qr_link_steps_and_expiry(people, login, app, db_session):  # type: ignore[no-untyped-def]
    response = login(people.head).get(f"/units/{people.unit.id}/drives/{people.drive.id}/poster")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    # The printed link opens this drive (its token is signed with the time: compare what it
    # reads as, not its text, which changes from one second to the next).
    links = set(re.findall(r"http://localhost/join/([A-Za-z0-9_.-]+)", page))
    assert links
    with app.test_request_context():
        assert all(operations.drive_of_token(db_session, token) == people.drive for token in links)
    assert "Quét mã để tự đánh giá Công dân học tập" in page
    assert "Trường THPT Trần Phú" in page and "10A1" in page and people.year.label in page
    assert operations.expires_local(people.drive).strftime("%H:%M ngày %d/%m/%Y") in page
    assert page.count('<li>', page.index('poster-steps')) >= 3


def test_close_drive_stops_its_link_and_audits(people, login, db_session, app):  # type: ignore[no-untyped-def]
    client = login(people.head)
    assert client.post(f"/units/{people.unit.id}/drives/{people.drive.id}/close").status_code == 302
    db_session.expire_all()
    assert people.drive.closed_at is not None
    assert operations.state_of(people.drive) == operations.CLOSED
    assert db_session.scalar(select(AuditEvent.action).where(
        AuditEvent.subject_type == "drive", AuditEvent.subject_id == people.drive.id)) == "drive_close"
    # Closing twice changes nothing and writes no second event.
    client.post(f"/units/{people.unit.id}/drives/{people.drive.id}/close")
    db_session.expire_all()
    assert len(db_session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "drive", AuditEvent.subject_id == people.drive.id)).all()) == 1


def test_drive_of_another_unit_is_not_found(people, login, db_session):  # type: ignore[no-untyped-def]
    client = login(people.other_head)
    assert client.get(f"/units/{people.other_unit.id}/drives/{people.drive.id}/poster").status_code == 404
    assert client.post(f"/units/{people.other_unit.id}/drives/{people.drive.id}/close").status_code == 404


def test_close_requires_csrf(people, login, app):  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = login(people.head).post(f"/units/{people.unit.id}/drives/{people.drive.id}/close")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


# Who may use each route ---------------------------------------------------------------------

ROUTES = [
    ("get", "/units/{unit}/drives", 200),
    ("post", "/units/{unit}/drives", 422),
    ("get", "/units/{unit}/drives/{drive}/poster", 200),
    ("post", "/units/{unit}/drives/{drive}/close", 302),
    ("get", "/units/{unit}/drives/{drive}/close", 200),
    ("get", "/units/{unit}/drives/posters", 200),
]
REFUSED = ["member", "other_member", "other_head", "aggregator", "aggregator_above"]


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
def test_anonymous_is_sent_to_login(people, client, method, path, allowed_status):  # type: ignore[no-untyped-def]
    url = path.format(unit=people.unit.id, drive=people.drive.id)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
@pytest.mark.parametrize("who", REFUSED)
def test_others_are_refused(people, login, method, path, allowed_status, who):  # type: ignore[no-untyped-def]
    url = path.format(unit=people.unit.id, drive=people.drive.id)
    assert getattr(login(getattr(people, who)), method)(url).status_code == 403


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
@pytest.mark.parametrize("who", ["head", "admin"])
def test_head_and_admin_are_allowed(people, login, method, path, allowed_status, who):  # type: ignore[no-untyped-def]
    url = path.format(unit=people.unit.id, drive=people.drive.id)
    assert getattr(login(getattr(people, who)), method)(url).status_code == allowed_status


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
def test_unknown_unit_is_not_found(people, login, method, path, allowed_status):  # type: ignore[no-untyped-def]
    url = path.format(unit=987654, drive=people.drive.id)
    assert getattr(login(people.admin), method)(url).status_code == 404


@pytest.mark.parametrize("who", ["member", "other_member", "other_head", "aggregator", "head", "admin"])
def test_anyone_logged_in_may_open_a_join_link(people, login, app, who):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        url = f"/join/{operations.token_of(people.drive)}"
    assert login(getattr(people, who)).get(url).status_code == 200
