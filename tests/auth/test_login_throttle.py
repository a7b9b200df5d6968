"""Login throttling: counted in the database, refused before the password hash is computed."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

import webapp.auth.operations
import webapp.models.people
from tests.conftest import PASSWORD
from webapp.auth import throttle
from webapp.models import LoginThrottle, User, utcnow
from webapp.models.base import as_utc

WRONG = "khong-phai-mat-khau"


@pytest.fixture
def hash_checks(monkeypatch):  # type: ignore[no-untyped-def]
    """How many password hashes the server computed."""
    calls: list[str] = []
    for module in (webapp.models.people, webapp.auth.operations):
        real = module.check_password_hash

        def counting(stored: str, given: str, real=real) -> bool:  # type: ignore[no-untyped-def]
            calls.append(given)
            return real(stored, given)

        monkeypatch.setattr(module, "check_password_hash", counting)
    return calls


def _try(client, contact: str, password: str, **kwargs):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"contact": contact, "password": password}, **kwargs)


def test_the_eleventh_wrong_password_within_a_minute_is_refused_without_checking_the_hash(
        client, make_user, hash_checks):
    user = make_user()
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert _try(client, user.login_name, WRONG).status_code == 422
    assert len(hash_checks) == throttle.ACCOUNT_LIMIT
    hash_checks.clear()
    refused = _try(client, user.login_name, PASSWORD)  # even the right password waits
    assert refused.status_code == 429
    assert not hash_checks
    text = refused.get_data(as_text=True)
    assert "Bạn đã nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau" in text
    assert "phút nữa" in text
    assert int(refused.headers["Retry-After"]) >= 60
    assert client.get("/account").status_code == 302


def test_the_block_is_shared_by_every_server_and_asks_json_clients_with_429(app, client, make_user):
    user = make_user()
    for _ in range(throttle.ACCOUNT_LIMIT):
        _try(client, user.login_name, WRONG)
    other_server_client = app.test_client()  # no cookie, no shared memory: only the database
    reply = _try(other_server_client, user.login_name, PASSWORD, headers={"Accept": "application/json"})
    assert reply.status_code == 429
    assert "thử lại sau" in reply.get_json()["error"]


def test_delays_grow_and_end(client, make_user, db_session):
    user = make_user()
    key = throttle.account_key(user.login_name)
    for _ in range(throttle.ACCOUNT_LIMIT):
        _try(client, user.login_name, WRONG)
    first = db_session.scalars(select(LoginThrottle).where(LoginThrottle.key == key)).one()
    first_block = first.blocked_until - first.window_start
    # The minute has passed: one more wrong password blocks for longer.
    db_session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                       .values(blocked_until=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    assert _try(client, user.login_name, WRONG).status_code == 422
    db_session.expire_all()
    second = db_session.scalars(select(LoginThrottle).where(LoginThrottle.key == key)).one()
    assert as_utc(second.blocked_until) - utcnow() > first_block
    db_session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                       .values(blocked_until=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    assert _try(client, user.login_name, PASSWORD).status_code == 302
    assert db_session.scalar(select(LoginThrottle.id).where(LoginThrottle.key == key)) is None


def test_one_address_guessing_many_accounts_is_blocked(client, make_user, monkeypatch):
    monkeypatch.setattr(throttle, "ADDRESS_LIMIT", 3)
    user = make_user()
    for number in range(3):
        assert _try(client, f"090000000{number}", WRONG).status_code == 422
    assert _try(client, user.login_name, PASSWORD).status_code == 429


def test_a_right_password_below_the_limit_still_works(client, make_user):
    user = make_user()
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        _try(client, user.login_name, WRONG)
    assert _try(client, user.login_name, PASSWORD).status_code == 302


def test_typing_the_login_another_way_counts_against_the_same_account(client, make_user, hash_checks):
    user = make_user(phone="0912345001")
    spellings = ["0912345001", "0912 345 001", "+84 912 345 001", "0912.345.001", "84912345001"]
    for number in range(throttle.ACCOUNT_LIMIT):
        assert _try(client, spellings[number % len(spellings)], WRONG).status_code == 422
    checked = len(hash_checks)
    assert _try(client, "+84912345001", PASSWORD).status_code == 429
    assert len(hash_checks) == checked
    assert user.phone == "0912345001"


def test_the_account_pages_count_wrong_passwords_like_a_login(app, make_user, hash_checks, db_session):
    """A borrowed or stolen phone, still logged in, cannot guess the password on the account
    page (to change it or delete the account): the same limit, refused unhashed."""
    user = make_user()
    phone = app.test_client()
    assert _try(phone, user.login_name, PASSWORD).status_code == 302
    new = {"password": "hoa-mai-no-som", "password_repeat": "hoa-mai-no-som"}
    for number in range(throttle.ACCOUNT_LIMIT):
        page, data = (("/account/password", {"current": WRONG, **new}) if number % 2
                      else ("/account/delete", {"password": WRONG}))
        assert phone.post(page, data=data).status_code == 422
    hash_checks.clear()
    refused = phone.post("/account/password", data={"current": PASSWORD, **new})
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau" in refused.get_data(as_text=True)
    assert phone.post("/account/delete", data={"password": PASSWORD}).status_code == 429
    assert not hash_checks
    db_session.expire_all()
    assert db_session.get(User, user.id).check_password(PASSWORD)
    # The login is blocked as well: the count belongs to the account.
    assert _try(app.test_client(), user.login_name, PASSWORD).status_code == 429


def test_a_right_password_on_the_account_page_starts_the_count_afresh(app, make_user, db_session):
    user = make_user()
    phone = app.test_client()
    _try(phone, user.login_name, PASSWORD)
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        _try(app.test_client(), user.login_name, WRONG)
    changed = phone.post("/account/password", data={"current": PASSWORD, "password": "hoa-mai-no-som",
                                                    "password_repeat": "hoa-mai-no-som"})
    assert changed.status_code == 302
    key = throttle.account_key(user.login_name)
    assert db_session.scalar(select(LoginThrottle.id).where(LoginThrottle.key == key)) is None


def test_a_phone_and_an_email_of_one_account_share_its_limit(client, make_user, db_session, hash_checks):
    user = make_user(phone="0912345002")
    user.email = "hai@example.vn"
    db_session.flush()
    for number in range(throttle.ACCOUNT_LIMIT):
        assert _try(client, ("0912345002", "Hai@Example.vn")[number % 2], WRONG).status_code == 422
    checked = len(hash_checks)
    assert _try(client, "hai@example.vn", PASSWORD).status_code == 429
    assert _try(client, "0912 345 002", PASSWORD).status_code == 429
    assert len(hash_checks) == checked
