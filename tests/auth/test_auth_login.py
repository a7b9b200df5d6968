"""Login, remember-me, safe `next`, logout, CSRF, roster matching on login."""
from __future__ import annotations

import re

import pytest

from webapp.models import Membership

PASSWORD = "mat-khau-thu-nghiem"  # the make_user default (tests cannot import conftest)


def _login(client, contact, password=PASSWORD, remember=False, next_url=None):
    data = {"contact": contact, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


@pytest.mark.parametrize("typed", ["0907654321", "+84 907 654 321", "0907.654.321"])
def test_login_with_phone_any_format(client, make_user, typed):
    make_user(phone="0907654321")
    response = _login(client, typed)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_login_with_email_any_case(client, make_user):
    make_user(email="an@example.vn")
    assert _login(client, " An@Example.VN ").status_code == 302
    assert client.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("contact", "password"),
    [("0907654321", "sai-mat-khau"), ("0900000000", PASSWORD), ("khong-phai", PASSWORD)],
)
def test_login_failure_is_generic_and_keeps_login(client, make_user, contact, password):
    make_user(phone="0907654321")
    response = _login(client, contact, password)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Số điện thoại/email hoặc mật khẩu không đúng." in body
    assert f'value="{contact}"' in body
    assert password not in body
    assert client.get("/account").status_code == 302


def test_inactive_user_cannot_log_in(client, db_session, make_user):
    user = make_user("Người Tự Nhận", phone="0907654321")
    user.active = False
    db_session.flush()
    # Issue 9: the owner (who knows the password) is told the account is locked.
    response = _login(client, "0907654321")
    assert response.status_code == 403
    assert "Tài khoản này đã bị khóa" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    # A wrong password still gets the generic answer: nobody else learns the account is locked.
    wrong = _login(client, "0907654321", "sai-mat-khau-roi")
    assert wrong.status_code == 422 and "đã bị khóa" not in wrong.get_data(as_text=True)


def test_remember_me_sets_remember_cookie(client, make_user):
    make_user(phone="0907654321")
    plain = _login(client, "0907654321")
    assert "remember_token=" not in " ".join(plain.headers.getlist("Set-Cookie"))
    client.post("/logout")
    remembered = _login(client, "0907654321", remember=True)
    cookies = " ".join(remembered.headers.getlist("Set-Cookie"))
    assert "remember_token=" in cookies and "HttpOnly" in cookies


def test_remember_cookie_alone_logs_in(app, client, make_user):
    make_user(phone="0907654321")
    _login(client, "0907654321", remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value)
    assert fresh.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/account", "/account"),
        ("/assess/3?x=1", "/assess/3?x=1"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("account", "/"),
    ],
)
def test_login_next_is_same_site_only(client, make_user, next_url, expected):
    make_user(phone="0907654321")
    response = client.post("/login", query_string={"next": next_url},
                           data={"contact": "0907654321", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_required_round_trip_through_next(client, make_user):
    make_user(phone="0907654321")
    first = client.get("/account")
    assert first.status_code == 302
    login_url = first.headers["Location"]
    assert login_url.startswith("/login?next=")
    page = client.get(login_url).get_data(as_text=True)
    assert 'action="/login?next=/account"' in page
    response = client.post(login_url, data={"contact": "0907654321", "password": PASSWORD})
    assert response.headers["Location"] == "/account"


def test_login_page_when_logged_in_goes_home(login, make_user):
    client = login(make_user())
    assert client.get("/login").headers["Location"] == "/"


def test_login_claims_roster_lines_without_linking_them(client, db_session, make_unit, make_year, make_user):
    user = make_user("Người Tự Nhận", phone="0907654321")
    unit = make_unit(name="Công ty Dệt Thành Công")
    year = make_year(label="Năm 2026")
    line = Membership(unit=unit, year=year, full_name="Nguyễn Văn An", contact="0907654321",
                      appendix="III")
    db_session.add(line)
    db_session.flush()

    _login(client, "0907654321")
    page = client.get("/").get_data(as_text=True)
    assert "có trong danh sách của Công ty Dệt Thành Công (Năm 2026)" in page
    assert "Nguyễn Văn An" not in page
    db_session.expire_all()
    claimed = db_session.get(Membership, line.id)
    assert claimed.user_id is None and claimed.pending_user_id == user.id


def test_logout_requires_post(login, make_user):
    client = login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/account").status_code == 302


def test_nav_shows_the_right_links(client, login, make_user):
    anonymous = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in anonymous and 'href="/register"' in anonymous
    assert "Đăng xuất" not in anonymous
    page = login(make_user()).get("/").get_data(as_text=True)
    assert 'href="/account"' in page and 'action="/logout"' in page and "Đăng xuất" in page


# CSRF is switched off for the other tests; here it is on, as in production.

def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_csrf_enforced_on_login(client, make_user, csrf_on):
    make_user(phone="0907654321")
    data = {"contact": "0907654321", "password": PASSWORD}
    refused = client.post("/login", data=data)
    assert refused.status_code == 400
    assert "Phiên làm việc đã hết hạn" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    token = _token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={**data, "csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 200


def test_csrf_enforced_on_register(client, db_session, csrf_on):
    data = {"full_name": "Lê Văn Cường", "contact": "0912345678", "password": "mat-khau-12345",
            "password_repeat": "mat-khau-12345", "consent": "y"}
    assert client.post("/register", data=data).status_code == 400
    token = _token(client.get("/register").get_data(as_text=True))
    assert client.post("/register", data={**data, "csrf_token": token}).status_code == 302


def test_csrf_enforced_on_logout(login, make_user, csrf_on):
    client = login(make_user())
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    token = _token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302
