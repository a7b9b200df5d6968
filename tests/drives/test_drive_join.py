"""Joining a unit through a drive's link: valid, tampered, closed and expired tokens."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from webapp.drives import operations
from webapp.models import Assessment, Drive, Membership, Role, User, utcnow
from webapp.tokens import DRIVE, make_token


@pytest.fixture
def setting(db_session, make_unit, make_year, grant):  # type: ignore[no-untyped-def]
    unit = make_unit(name="Trường THPT Lê Lợi")
    year = make_year()
    head = User(full_name="Hiệu Trưởng", phone="0966000001", password_hash="!")
    db_session.add(head)
    db_session.flush()
    grant(head, Role.UNIT_HEAD, unit=unit)
    drive = Drive(unit=unit, year=year, appendix="V", section="10A1",
                  expires_at=utcnow() + timedelta(days=7), created_by=head)
    student = User(full_name="Học Sinh Một", phone="0966000002", password_hash="!")
    db_session.add_all([drive, student])
    db_session.flush()
    return SimpleNamespace(unit=unit, year=year, head=head, drive=drive, student=student)


def _url(app, drive):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return f"/join/{make_token(DRIVE, drive.id)}"


def _lines_of(db_session, user):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    return db_session.scalars(select(Membership).where(Membership.user_id == user.id)).all()


def test_anonymous_visitor_is_invited_to_log_in_with_next(app, client, setting):  # type: ignore[no-untyped-def]
    url = _url(app, setting.drive)
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Trường THPT Lê Lợi" in page and "10A1" in page
    assert f'href="/login?next={url}"' in page
    assert f'href="/register?next={url}"' in page


def test_anonymous_post_redirects_to_login_with_next(app, client, setting):  # type: ignore[no-untyped-def]
    url = _url(app, setting.drive)
    response = client.post(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert response.headers["Location"] == f"/login?next={url}"


def test_logged_in_member_sees_the_drive_and_a_join_button(app, login, setting):  # type: ignore[no-untyped-def]
    page = login(setting.student).get(_url(app, setting.drive)).get_data(as_text=True)
    assert "Tham gia và bắt đầu tự đánh giá" in page
    assert "Học sinh, sinh viên" in page and "10A1" in page


def test_join_creates_one_line_and_one_assessment_even_when_posted_twice(app, login, setting, db_session):  # type: ignore[no-untyped-def]
    client = login(setting.student)
    url = _url(app, setting.drive)
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    lines = _lines_of(db_session, setting.student)
    assert len(lines) == 1
    line = lines[0]
    assert (line.unit_id, line.year_id, line.appendix, line.section) == (
        setting.unit.id, setting.year.id, "V", "10A1")
    assert (line.full_name, line.contact) == ("Học Sinh Một", "0966000002")
    assert line.assessment is not None
    assert first.headers["Location"].endswith(f"/assess/{line.assessment.id}")
    assert db_session.scalar(select(func.count(Assessment.id)).where(
        Assessment.membership_id == line.id)) == 1


def test_join_claims_the_line_a_head_listed_until_the_head_confirms(app, login, setting, db_session):  # type: ignore[no-untyped-def]
    listed = Membership(unit=setting.unit, year=setting.year, full_name="Học sinh 1 (GV ghi)",
                        contact="0966000002", appendix="V", section="10A1")
    db_session.add(listed)
    db_session.flush()
    student = login(setting.student)
    reply = student.post(_url(app, setting.drive), follow_redirects=True)
    assert "Học sinh 1 (GV ghi)" not in reply.get_data(as_text=True)
    assert _lines_of(db_session, setting.student) == []  # a claim, not a takeover
    assert db_session.get(Membership, listed.id).pending_user_id == setting.student.id
    login(setting.head).post(f"/units/{setting.unit.id}/roster/{listed.id}/claim/confirm")
    student = login(setting.student)
    assert student.post(_url(app, setting.drive)).status_code == 302
    lines = _lines_of(db_session, setting.student)
    assert [line.id for line in lines] == [listed.id]
    assert lines[0].full_name == "Học sinh 1 (GV ghi)"  # the head's roster name is kept
    assert lines[0].assessment is not None


def test_join_keeps_another_group_and_says_so(app, login, setting, db_session):  # type: ignore[no-untyped-def]
    teacher = User(full_name="Giáo Viên", email="gv@example.vn", password_hash="!")
    db_session.add(teacher)
    db_session.add(Membership(unit=setting.unit, year=setting.year, user=teacher, full_name="Giáo Viên",
                              contact="gv@example.vn", appendix="IV"))
    db_session.flush()
    client = login(teacher)
    page = client.get(_url(app, setting.drive)).get_data(as_text=True)
    assert "Cán bộ, công chức, viên chức" in page
    response = client.post(_url(app, setting.drive), follow_redirects=False)
    assert response.status_code == 302
    lines = _lines_of(db_session, teacher)
    assert len(lines) == 1 and lines[0].appendix == "IV"
    assert lines[0].assessment.criteria_version.appendix == "IV"
    with client.session_transaction() as session:
        assert any("giữ nguyên nhóm" in message for _c, message in session["_flashes"])


def test_tampered_token_is_a_clear_404(app, login, client, setting):  # type: ignore[no-untyped-def]
    url = _url(app, setting.drive)
    for bad in (url[:-2] + ("xy" if not url.endswith("xy") else "zz"), "/join/abc", "/join/"
                + url.rsplit("/", 1)[1].replace(".", "", 1)):
        response = client.get(bad)
        assert response.status_code == 404
        assert "Mã tham gia không hợp lệ" in response.get_data(as_text=True)
    with app.test_request_context():
        foreign = make_token("member-qr", setting.drive.id)  # a token made for another purpose
        unknown = make_token(DRIVE, 987654321)
    assert client.get(f"/join/{foreign}").status_code == 404
    assert client.get(f"/join/{unknown}").status_code == 404
    assert login(setting.student).post(url[:-2] + "zz").status_code == 404


def test_closed_drive_answers_410(app, login, setting, db_session):  # type: ignore[no-untyped-def]
    operations.close_drive(db_session, setting.head, setting.drive)
    client = login(setting.student)
    response = client.get(_url(app, setting.drive))
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "Đợt vận động đã kết thúc" in page and "đã đóng" in page
    assert client.post(_url(app, setting.drive)).status_code == 410
    assert _lines_of(db_session, setting.student) == []


def test_expired_drive_answers_410_with_the_date(app, client, setting, db_session):  # type: ignore[no-untyped-def]
    setting.drive.expires_at = utcnow() - timedelta(hours=1)
    db_session.flush()
    response = client.get(_url(app, setting.drive))
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    expected = operations.expires_local(setting.drive).strftime("%H:%M ngày %d/%m/%Y")
    assert "Đợt vận động đã kết thúc" in page and expected in page


def test_locked_year_answers_410(app, client, setting, db_session):  # type: ignore[no-untyped-def]
    setting.year.is_open = False
    db_session.flush()
    response = client.get(_url(app, setting.drive))
    assert response.status_code == 410
    assert "đã khóa" in response.get_data(as_text=True)
