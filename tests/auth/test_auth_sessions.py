"""Accounts people can trust: cookies that can be revoked, fresh CSRF tokens, refused weak
passwords and inputs bounded before they are parsed."""
from __future__ import annotations

import re
import time

import pytest
from flask import session as flask_session

from tests.conftest import PASSWORD
from webapp.auth.passwords import password_problem
from webapp.contacts import normalise_contact, normalise_email, normalise_phone
from webapp.models import User


def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _logged_in_with(app, cookie_value: str) -> bool:  # type: ignore[no-untyped-def]
    """A second phone that copied the cookie: does it still open the account?"""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value)
    return thief.get("/account").status_code == 200


def _log_in(client, user):  # type: ignore[no-untyped-def]
    reply = client.post("/login", data={"contact": user.login_name, "password": PASSWORD})
    assert reply.status_code == 302
    return _session_cookie(client)


def test_a_copied_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user()
    copied = _log_in(client, user)
    assert _logged_in_with(app, copied)
    client.post("/logout")
    assert not _logged_in_with(app, copied)


def test_a_copied_remember_cookie_stops_working_after_logout(app, client, make_user):
    user = make_user()
    reply = client.post("/login", data={"contact": user.login_name, "password": PASSWORD, "remember": "y"})
    assert reply.status_code == 302
    copied = client.get_cookie("remember_token")
    assert copied is not None

    def opens() -> bool:
        thief = app.test_client()
        thief.set_cookie("remember_token", copied.value)
        return thief.get("/account").status_code == 200

    assert opens()
    client.post("/logout")
    assert not opens()


def test_logout_everywhere_ends_every_device(app, client, make_user):
    user = make_user()
    other_phone = app.test_client()
    kept = _log_in(other_phone, user)
    _log_in(client, user)
    assert client.post("/account/logout-everywhere").status_code == 302
    assert not _logged_in_with(app, kept)
    assert client.get("/account").status_code == 302  # this one too


def test_password_change_needs_the_current_one_and_logs_out_other_devices(app, client, make_user, db_session):
    user = make_user()
    other_phone = app.test_client()
    kept = _log_in(other_phone, user)
    _log_in(client, user)
    wrong = client.post("/account/password", data={"current": "sai-mat-khau", "password": "hoa-mai-no-som",
                                                   "password_repeat": "hoa-mai-no-som"})
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    assert _logged_in_with(app, kept)
    done = client.post("/account/password", data={"current": PASSWORD, "password": "hoa-mai-no-som",
                                                  "password_repeat": "hoa-mai-no-som"})
    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # this phone stays in
    assert not _logged_in_with(app, kept)
    db_session.expire_all()
    assert db_session.get(User, user.id).check_password("hoa-mai-no-som")


@pytest.mark.parametrize("remember", [False, True])
def test_a_password_change_keeps_this_browser_in_as_it_was(app, make_user, remember):
    """A shared computer where the member did not tick "Ghi nhớ" gets no lasting cookie."""
    user = make_user()
    client = app.test_client()
    data = {"contact": user.login_name, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=data).status_code == 302
    assert client.post("/account/password", data={"current": PASSWORD, "password": "hoa-mai-no-som",
                                                  "password_repeat": "hoa-mai-no-som"}).status_code == 302
    kept = client.get_cookie("remember_token")
    assert (kept is not None) is remember
    if kept is not None:
        phone = app.test_client()
        phone.set_cookie("remember_token", kept.value)
        assert phone.get("/account").status_code == 200  # the new cookie proves the new secret


def test_a_deleted_accounts_cookie_never_opens_the_next_account(app, client, make_user, db_session):
    first = make_user(full_name="Người Đã Xóa")
    copied = _log_in(client, first)
    first_secret = first.session_secret
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    db_session.expunge(first)
    second = make_user(full_name="Người Mới Đến")  # on SQLite it may get the deleted id
    assert not _logged_in_with(app, copied)
    assert second.session_secret != first_secret


def test_remember_cookies_expire_on_the_server(app, make_user, login):
    user = make_user()
    fresh, stale = app.test_client(), app.test_client()
    with fresh.session_transaction() as session:
        session["_user_id"] = user.get_id()
    day = int(user.get_id().rsplit(".", 1)[1])
    with stale.session_transaction() as session:
        session["_user_id"] = f"{user.id}.{user.session_secret}.{day - 61}"
    assert fresh.get("/account").status_code == 200
    assert stale.get("/account").status_code == 302


@pytest.mark.parametrize("forged", ["5", "5.x", "abc.def.1", "99999999999999999999.a.1", ""])
def test_forged_cookie_ids_open_nothing(app, forged):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = forged
    assert client.get("/account").status_code == 302


def test_the_csrf_token_changes_on_login_and_logout(app, make_user):
    user = make_user()
    client = app.test_client()
    with client:
        client.get("/login")
        before = flask_session.get("csrf_token")
        client.post("/login", data={"contact": user.login_name, "password": PASSWORD})
        client.get("/account")
        after_login = flask_session.get("csrf_token")
        client.post("/logout")
        client.get("/login")
        after_logout = flask_session.get("csrf_token")
    assert before and after_login and after_logout
    assert len({before, after_login, after_logout}) == 3


@pytest.mark.parametrize("password", ["12345678", "123456789", "MatKhau123", "iloveyou", "        ",
                                      "aaaaaaaa", "ngắn"])
def test_weak_passwords_are_refused_with_a_reason(client, password):
    reply = client.post("/register", data={"full_name": "Lê Thị Hoa", "contact": "0912000777", "password": password,
                                           "password_repeat": password, "consent": "y"})
    assert reply.status_code == 422
    assert password_problem(password) in reply.get_data(as_text=True)


def test_a_good_password_is_accepted():
    assert password_problem("hoa-mai-no-som-2026") is None


PATHOLOGICAL = ["a" * 100_000, "a@" + "a" * 100_000, "@" * 100_000, "a@" + "a." * 50_000 + "@",
                "0" * 100_000, ("(" * 50_000) + ("[" * 50_000)]


@pytest.mark.parametrize("value", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_every_contact_pattern_is_linear_on_100_kb(value):
    started = time.perf_counter()
    for normalise in (normalise_contact, normalise_email, normalise_phone):
        assert normalise(value) is None
    assert time.perf_counter() - started < 0.1


def test_roster_header_pattern_is_linear_on_100_kb():
    from webapp.roster.csvfile import _header_field

    started = time.perf_counter()
    _header_field("(" * 50_000 + "[" * 50_000 + "họ và tên")
    assert time.perf_counter() - started < 0.1


def test_a_40_kb_login_answers_at_once(client):
    started = time.perf_counter()
    reply = client.post("/login", data={"contact": "a@" + "a" * 40_000, "password": "x" * 10})
    assert reply.status_code == 422
    assert time.perf_counter() - started < 1.0


def test_every_contact_field_is_bounded_in_the_form(app, client, cast, login, monkeypatch):
    """The browser stops at 254 characters on every page that asks for a phone or e-mail."""
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.truong.test")  # the /forgot page exists
    pages = ["/register", "/login", "/forgot"]
    for page in pages:
        assert _contact_inputs(client.get(page)), page
    login(cast.admin)
    pages = ["/admin/accounts/new", f"/admin/accounts/{cast.member.id}/login", "/admin/roles/new",
             f"/units/{cast.unit.id}/roster/add"]
    for page in pages:
        assert _contact_inputs(client.get(page)), page


def _contact_inputs(reply) -> bool:  # type: ignore[no-untyped-def]
    """The page has contact inputs, and each says maxlength="254"."""
    assert reply.status_code == 200
    inputs = re.findall(r'<input[^>]*name="(?:contact|phone|email)"[^>]*>', reply.get_data(as_text=True))
    return bool(inputs) and all('maxlength="254"' in tag for tag in inputs)
