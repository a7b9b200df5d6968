"""Sign-up: phone or email, consent, Vietnamese messages, typed values kept (never passwords)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.models import Membership, User

GOOD = {
    "full_name": "Trần Thị Bình",
    "contact": "0901234567",
    "password": "mat-khau-moi-123",
    "password_repeat": "mat-khau-moi-123",
    "consent": "y",
}


def _register(client, **changes):
    data = {**GOOD, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post("/register", data=data)


def _user(db_session, **where):
    db_session.expire_all()
    return db_session.scalar(select(User).filter_by(**where))


@pytest.mark.parametrize(
    ("typed", "field", "stored"),
    [
        ("0901234567", "phone", "0901234567"),
        ("+84 901 234 567", "phone", "0901234567"),
        ("0901.234.567", "phone", "0901234567"),
        ("  Binh.Tran@Gmail.com ", "email", "binh.tran@gmail.com"),
    ],
)
def test_register_with_phone_or_email_logs_in(client, db_session, typed, field, stored):
    response = _register(client, contact=typed)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    user = _user(db_session, **{field: stored})
    assert user is not None and user.full_name == "Trần Thị Bình"
    assert user.consent_at is not None
    assert user.check_password("mat-khau-moi-123")
    assert user.password_hash != "mat-khau-moi-123"
    # Logged in: the account page opens.
    assert client.get("/account").status_code == 200


def test_register_page_shows_consent_notice(client):
    page = client.get("/register").get_data(as_text=True)
    for words in ("Luật số 91/2025/QH15", "Số điện thoại hoặc email", "căn cước",
                  "ngày sinh", "tải về hoặc xóa", "thủ trưởng đơn vị", "họ tên, đơn vị"):
        assert words in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": None}, "Bạn cần đánh dấu đồng ý với thông báo về dữ liệu cá nhân"),
        ({"password": "ngan", "password_repeat": "ngan"}, "Mật khẩu cần ít nhất 8 ký tự."),
        ({"password_repeat": "mat-khau-khac-456"}, "Hai lần nhập mật khẩu không giống nhau."),
        ({"contact": "12345"}, "Số điện thoại chưa đúng"),
        ({"contact": "binh@"}, "Địa chỉ email chưa đúng"),
        ({"contact": ""}, "Vui lòng nhập số điện thoại (ví dụ 0901234567) hoặc địa chỉ email"),
        ({"full_name": ""}, "Vui lòng nhập họ và tên."),
    ],
)
def test_register_refuses_bad_input_and_keeps_what_was_typed(client, db_session, changes, message):
    response = _register(client, **changes)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    typed = {**GOOD, **changes}
    for name in ("full_name", "contact"):
        if typed[name]:
            assert f'value="{typed[name]}"' in body
    # Passwords are never sent back.
    for secret in ("mat-khau-moi-123", "mat-khau-khac-456", 'value="ngan"'):
        assert secret not in body
    assert _user(db_session, full_name=GOOD["full_name"]) is None
    assert client.get("/account").status_code == 302


def test_register_duplicate_phone_or_email(client, db_session, make_user):
    make_user(phone="0901234567")
    make_user(email="binh@gmail.com")
    for typed in ("+84 901 234 567", "BINH@gmail.com"):
        response = _register(client, contact=typed)
        assert response.status_code == 422
        body = response.get_data(as_text=True)
        assert "đã có tài khoản" in body
        assert f'value="{typed}"' in body and 'value="Trần Thị Bình"' in body
        assert "mat-khau-moi-123" not in body
    assert _user(db_session, full_name="Trần Thị Bình") is None


def test_register_claims_the_listed_line_and_waits_for_the_head(client, db_session, make_unit, make_year, make_user):
    unit = make_unit(name="Trường THPT Lê Lợi")
    year = make_year(label="Năm học 2025–2026")
    head = make_user(full_name="Thầy Hiệu trưởng")
    line = Membership(unit=unit, year=year, full_name="Trần Văn Án", contact="0901234567",
                      appendix="IV", section="Tổ Toán")
    db_session.add(line)
    db_session.flush()
    assert head.id

    response = _register(client, contact="+84 901 234 567")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "có trong danh sách của Trường THPT Lê Lợi (Năm học 2025–2026)" in page
    assert "xác nhận đúng là bạn" in page and "Trần Văn Án" not in page  # the listed name stays hidden

    db_session.expire_all()
    user = _user(db_session, phone="0901234567")
    claimed = db_session.get(Membership, line.id)
    assert claimed.user_id is None and claimed.pending_user_id == user.id


def test_register_without_roster_line_just_welcomes(client):
    _register(client)
    page = client.get("/").get_data(as_text=True)
    assert "Đăng ký thành công" in page
    assert "Bạn có tên trong danh sách" not in page


def test_register_redirects_to_safe_next_only(client, db_session):
    response = client.post("/register?next=/account", data=GOOD)
    assert response.headers["Location"] == "/account"


def test_register_ignores_external_next(client):
    response = client.post("/register?next=https://evil.example/x", data=GOOD)
    assert response.headers["Location"] == "/"


def test_register_page_when_logged_in_goes_home(login, make_user):
    client = login(make_user())
    assert client.get("/register").headers["Location"] == "/"
