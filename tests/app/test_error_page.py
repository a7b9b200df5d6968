"""An unexpected error in a view: the normal page layout for the logged-in user, nothing saved."""
from __future__ import annotations

import logging

from flask_login import current_user

from webapp.db import db
from webapp.security import CONTENT_SECURITY_POLICY


def test_an_unexpected_error_shows_the_layout_with_the_users_nav(app, login, cast, db_session, caplog,
                                                                 monkeypatch):
    def broken_view(**_kwargs):
        current_user.full_name = "Đổi tên dở dang"
        db.session.flush()
        raise RuntimeError("a bug")

    # A writing request (a GET may not write at all: tests/app/test_reading_requests.py).
    monkeypatch.setitem(app.view_functions, "assess.start", broken_view)
    caplog.set_level(logging.ERROR)

    reply = login(cast.head).post(f"/assess/start/{cast.assessment.membership_id}")

    assert reply.status_code == 500
    page = reply.get_data(as_text=True)
    assert "Đã xảy ra lỗi" in page and "Dữ liệu chưa được lưu" in page
    assert 'class="site-nav"' in page
    assert ">Xác nhận</a>" in page and "Đăng xuất" in page  # the head's own menu
    assert f'name="cdht-user" content="{cast.head.id}"' in page
    assert reply.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert reply.headers["X-Frame-Options"] == "DENY"
    tracebacks = [record for record in caplog.records if record.exc_info]
    assert len(tracebacks) == 1
    assert "a bug" in str(tracebacks[0].exc_info[1])
    db_session.expire_all()
    assert cast.head.full_name == "Hiệu trưởng Lê Lợi"


def test_an_unexpected_error_under_the_api_is_json(app, login, cast, monkeypatch):
    def broken_view(**_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "api.assessment", broken_view)
    reply = login(cast.member).get(f"/api/assessments/{cast.assessment.id}")
    assert reply.status_code == 500 and reply.is_json
    assert reply.get_json()["error"] == "Đã xảy ra lỗi"
