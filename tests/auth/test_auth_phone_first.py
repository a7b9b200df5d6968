"""A member on a phone: stays logged in after registering, reads their own data in Vietnamese."""
from __future__ import annotations


def _register(client, remember: bool):  # type: ignore[no-untyped-def]
    data = {"full_name": "Phan Thị Mai", "contact": "0912345670", "password": "mua-xuan-2026",
            "password_repeat": "mua-xuan-2026", "consent": "y"}
    if remember:
        data["remember"] = "y"
    return client.post("/register", data=data)


def test_registration_offers_remember_me_checked(client):
    page = client.get("/register").get_data(as_text=True)
    assert 'name="remember"' in page and "Ghi nhớ đăng nhập" in page
    checkbox = page[page.index('name="remember"') - 200: page.index('name="remember"') + 200]
    assert "checked" in checkbox


def test_registering_with_remember_me_keeps_the_phone_logged_in(app, client, db_session):
    reply = _register(client, remember=True)
    assert reply.status_code == 302
    assert "remember_token=" in " ".join(reply.headers.getlist("Set-Cookie"))


def test_registering_without_remember_me_sets_no_lasting_cookie(app, client, db_session):
    reply = _register(client, remember=False)
    assert reply.status_code == 302
    assert "remember_token=" not in " ".join(reply.headers.getlist("Set-Cookie"))


def test_my_data_page_is_readable_vietnamese(cast, login):
    page = login(cast.member).get("/account/data").get_data(as_text=True)
    assert "Dữ liệu của tôi" in page and cast.member.full_name in page
    assert cast.unit.name in page and "Học sinh, sinh viên, học viên" in page
    assert "Gửi phiếu" in page and "Đã gửi, chờ xác nhận" in page  # history and status in words
    assert "Minh chứng cho chỉ số 2" in page
    assert "self_value" not in page and "submitted" not in page


def test_my_data_page_shows_only_my_own(cast, login):
    page = login(cast.other_member).get("/account/data").get_data(as_text=True)
    assert cast.member.full_name not in page and cast.unit.name not in page


def test_contact_fields_ask_for_the_phone_keypad(client):
    for path in ("/login", "/register"):
        page = client.get(path).get_data(as_text=True)
        assert "data-contact-field" in page and "js/contact-field.js" in page
