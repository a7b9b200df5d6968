"""Administrators manage accounts: find, create with a set-password link, reset, correct the
login, lock and unlock; the last active administrator stays."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.recovery.conftest import NEW_PASSWORD, set_password, token_on
from webapp.admin import accounts
from webapp.errors import DomainError
from webapp.models import AuditEvent, PasswordLink, Role, User


def _events(db_session, user, action):  # type: ignore[no-untyped-def]
    return db_session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == "user_account", AuditEvent.subject_id == user.id,
        AuditEvent.action == action)).all()


def _log_in(app, user, password=PASSWORD, remember=False):  # type: ignore[no-untyped-def]
    client = app.test_client()
    data = {"contact": user.login_name, "password": password}
    if remember:
        data["remember"] = "y"
    return client, client.post("/login", data=data)


def test_the_list_searches_by_name_phone_and_email(admin_client, make_user):
    make_user("Đỗ Thị Hằng", phone="0912345678")
    make_user("Vũ Văn Khoa", email="khoa@truong.edu.vn")
    by_name = admin_client.get("/admin/accounts?q=Hằng").get_data(as_text=True)
    assert "Đỗ Thị Hằng" in by_name and "Vũ Văn Khoa" not in by_name
    by_phone = admin_client.get("/admin/accounts?q=0912 345").get_data(as_text=True)
    assert "Đỗ Thị Hằng" in by_phone and "Vũ Văn Khoa" not in by_phone
    by_email = admin_client.get("/admin/accounts?q=KHOA@truong").get_data(as_text=True)
    assert "Vũ Văn Khoa" in by_email and "Đỗ Thị Hằng" not in by_email
    nothing = admin_client.get("/admin/accounts?q=100%_").get_data(as_text=True)
    assert "Không có tài khoản nào phù hợp." in nothing


def test_the_list_is_paginated(admin_client, make_user):
    for number in range(accounts.PER_PAGE + 5):
        make_user(f"Học sinh Phân Trang {number:03d}")
    first = admin_client.get("/admin/accounts?q=Phân Trang").get_data(as_text=True)
    assert first.count("Học sinh Phân Trang") == accounts.PER_PAGE
    assert "page=2" in first and "trang 1/2" in first
    second = admin_client.get("/admin/accounts?q=Phân Trang&page=2").get_data(as_text=True)
    assert second.count("Học sinh Phân Trang") == 5
    beyond = admin_client.get("/admin/accounts?q=Phân Trang&page=99999999999")
    assert beyond.status_code == 200


def test_a_created_account_gets_a_set_password_link(app, admin, admin_client, db_session):
    reply = admin_client.post("/admin/accounts/new", data={"full_name": "  Ngô   Văn Mới ",
                                                          "contact": "+84 903 111 222"})
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    user = db_session.scalars(select(User).where(User.phone == "0903111222")).one()
    assert user.full_name == "Ngô Văn Mới" and user.consent_at is None
    # No password works before the owner sets one.
    assert _log_in(app, user)[1].status_code == 422
    token = token_on(reply.get_data(as_text=True))
    phone = app.test_client()
    page = phone.get(f"/reset/{token}").get_data(as_text=True)
    assert "Thông báo về dữ liệu cá nhân" in page
    no_consent = set_password(phone, token)
    assert no_consent.status_code == 422 and "đồng ý" in no_consent.get_data(as_text=True)
    assert set_password(phone, token, consent="y").status_code == 302
    assert phone.get("/account").status_code == 200
    db_session.refresh(user)
    assert user.consent_at is not None
    assert _log_in(app, user, NEW_PASSWORD)[1].status_code == 302
    assert [e.actor_id for e in _events(db_session, user, "account_created")] == [admin.id]


def test_creating_an_account_for_a_taken_contact_is_refused(admin_client, make_user):
    make_user(phone="0903111333")
    reply = admin_client.post("/admin/accounts/new", data={"full_name": "Người Trùng", "contact": "0903.111.333"})
    assert reply.status_code == 422
    assert accounts.PHONE_TAKEN in reply.get_data(as_text=True)
    bad = admin_client.post("/admin/accounts/new", data={"full_name": "Người Sai", "contact": "12ab"})
    assert bad.status_code == 422 and "Số điện thoại chưa đúng" in bad.get_data(as_text=True)


def test_an_administrator_resets_a_head(app, cast, login):
    reply = login(cast.admin).post(f"/admin/accounts/{cast.head.id}/reset")
    assert reply.status_code == 200
    assert set_password(app.test_client(), token_on(reply.get_data(as_text=True))).status_code == 302
    assert _log_in(app, cast.head, NEW_PASSWORD)[1].status_code == 302


def test_the_login_contact_is_corrected_normalised_and_unique(admin, admin_client, make_user, db_session):
    user = make_user(phone="0904000111")
    make_user(phone="0904000222", email="da-co@truong.edu.vn")
    url = f"/admin/accounts/{user.id}/login"
    saved = admin_client.post(url, data={"phone": "+84 904 000 999", "email": " Ten@Truong.EDU.vn "})
    assert saved.status_code == 302
    db_session.refresh(user)
    assert (user.phone, user.email) == ("0904000999", "ten@truong.edu.vn")
    assert [e.reason for e in _events(db_session, user, "login_changed")] == ["phone, email"]
    clash = admin_client.post(url, data={"phone": "0904 000 222", "email": ""})
    assert clash.status_code == 422 and accounts.PHONE_TAKEN in clash.get_data(as_text=True)
    clash = admin_client.post(url, data={"phone": "", "email": "DA-CO@truong.edu.vn"})
    assert clash.status_code == 422 and accounts.EMAIL_TAKEN in clash.get_data(as_text=True)
    empty = admin_client.post(url, data={"phone": "", "email": ""})
    assert empty.status_code == 422 and "Cần ít nhất" in empty.get_data(as_text=True)
    db_session.refresh(user)
    assert user.phone == "0904000999"


def test_a_locked_account_cannot_log_in_and_its_sessions_stop(app, admin, admin_client, make_user, db_session):
    user = make_user(phone="0905000111")
    session_phone, reply = _log_in(app, user)
    remember_phone, _ = _log_in(app, user, remember=True)
    remember = remember_phone.get_cookie("remember_token")
    assert session_phone.get("/account").status_code == 200
    token = accounts_link(admin_client, user)
    # Asking first: the GET only shows what will happen.
    confirm = admin_client.get(f"/admin/accounts/{user.id}/deactivate")
    assert confirm.status_code == 200 and user.active
    assert admin_client.post(f"/admin/accounts/{user.id}/deactivate").status_code == 302
    db_session.refresh(user)
    assert user.active is False
    assert session_phone.get("/account").status_code == 302
    thief = app.test_client()
    thief.set_cookie("remember_token", remember.value)
    assert thief.get("/account").status_code == 302
    _, refused = _log_in(app, user)
    assert refused.status_code == 403 and "đã bị khóa" in refused.get_data(as_text=True)
    assert app.test_client().get(f"/reset/{token}").status_code == 404  # its open link ended
    assert admin_client.post(f"/admin/accounts/{user.id}/reset", follow_redirects=True).status_code == 200
    assert db_session.scalar(select(PasswordLink.id).where(PasswordLink.user_id == user.id,
                                                           PasswordLink.ended_at.is_(None))) is None
    assert [e.actor_id for e in _events(db_session, user, "deactivated")] == [admin.id]
    assert admin_client.post(f"/admin/accounts/{user.id}/reactivate").status_code == 302
    assert _log_in(app, user)[1].status_code == 302
    assert [e.actor_id for e in _events(db_session, user, "reactivated")] == [admin.id]


def accounts_link(admin_client, user):  # type: ignore[no-untyped-def]
    reply = admin_client.post(f"/admin/accounts/{user.id}/reset")
    assert reply.status_code == 200
    return token_on(reply.get_data(as_text=True))


def test_an_administrator_cannot_lock_themselves(admin, admin_client, db_session):
    reply = admin_client.post(f"/admin/accounts/{admin.id}/deactivate", follow_redirects=True)
    assert "không thể tự khóa" in reply.get_data(as_text=True)
    db_session.refresh(admin)
    assert admin.active


def test_the_last_active_administrator_stays(admin, make_user, grant, db_session, login):
    other = make_user("Quản trị thứ hai")
    grant(other, Role.ADMIN)
    accounts.deactivate(db_session, admin, other)
    # The only active one left cannot be locked, even by a (locked) other administrator.
    with pytest.raises(DomainError, match="quản trị viên cuối cùng"):
        accounts.deactivate(db_session, other, admin)
    # Nor lose the role: the locked administrator's grant does not count.
    own_grant = next(g for g in admin.role_grants if g.role is Role.ADMIN)
    reply = login(admin).post(f"/admin/roles/{own_grant.id}/revoke", follow_redirects=True)
    assert "quản trị viên cuối cùng" in reply.get_data(as_text=True)
    db_session.expire_all()
    assert admin.is_admin
    # Nor delete the account.
    refused = login(admin).post("/account/delete", data={"password": PASSWORD})
    assert refused.status_code == 409 and "quản trị viên cuối cùng" in refused.get_data(as_text=True)
    assert db_session.get(User, admin.id) is not None


@pytest.fixture
def csrf_on(app):  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_account_actions_need_the_csrf_token(csrf_on, admin_client, make_user, db_session):
    user = make_user()
    for action in ("deactivate", "reset", "reactivate", "login"):
        assert admin_client.post(f"/admin/accounts/{user.id}/{action}").status_code == 400, action
    new = admin_client.post("/admin/accounts/new", data={"full_name": "A B", "contact": "0906000111"})
    assert new.status_code == 400
    page = admin_client.get(f"/admin/accounts/{user.id}/deactivate").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert admin_client.post(f"/admin/accounts/{user.id}/deactivate", data={"csrf_token": token}).status_code == 302
    db_session.refresh(user)
    assert user.active is False


def test_the_account_page_shows_its_history(app, cast, login):
    _log_in(app, cast.member)[0].post("/logout")
    login(cast.admin).post(f"/admin/accounts/{cast.member.id}/reset")
    page = login(cast.admin).get(f"/admin/accounts/{cast.member.id}").get_data(as_text=True)
    assert "Tạo đường dẫn đặt mật khẩu · bởi Quản trị hệ thống" in page
    assert "Đăng xuất · bởi Trần Thị Bình" in page
    listing = login(cast.admin).get("/admin/accounts?q=Hiệu trưởng Lê").get_data(as_text=True)
    assert "Thủ trưởng đơn vị" in listing
