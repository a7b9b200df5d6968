"""The session cookie: a cookie already checked is remembered, never beyond what a fresh check
would accept (`webapp.sessions`)."""
from __future__ import annotations

import time

from webapp import sessions


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("session").value


def _as(app, cookie: str):  # type: ignore[no-untyped-def]
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_COOKIE"] = f"session={cookie}"
    return client


def test_a_remembered_cookie_expires_with_the_session_lifetime(app, login, cast, monkeypatch):
    cookie = _cookie(login(cast.member))
    assert _as(app, cookie).get("/assess/").status_code == 200  # checked once: now remembered
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 60
    monkeypatch.setattr(time, "time", lambda: later)  # the memory's clock and the signer's
    reply = _as(app, cookie).get("/assess/")
    assert reply.status_code == 302 and "/login" in reply.headers["Location"]


def test_a_changed_cookie_is_refused_after_the_genuine_one_was_remembered(app, login, cast):
    cookie = _cookie(login(cast.member))
    assert _as(app, cookie).get("/assess/").status_code == 200
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert _as(app, forged).get("/assess/").status_code == 302


def test_a_request_changing_its_session_leaves_the_remembered_one_alone(app, login, cast):
    cookie = _cookie(login(cast.member))
    interface = app.session_interface
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}) as context:
        first = interface.open_session(app, context.request)
        first["_user_id"] = "someone else"
        first["_flashes"] = [("info", "Đã lưu")]
        again = interface.open_session(app, context.request)
    assert again["_user_id"] == cast.member.get_id() and "_flashes" not in again


def test_a_session_holding_a_flashed_message_is_not_remembered(app, login, cast):
    client = login(cast.member)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Đã lưu")]
    cookie = _cookie(client)
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}) as context:
        opened = app.session_interface.open_session(app, context.request)
    assert opened["_flashes"] == [("info", "Đã lưu")]
    assert cookie not in app.session_interface._checked


def test_the_memory_is_bounded(app, login, make_user, monkeypatch):
    kept = 3
    monkeypatch.setattr(sessions, "KEPT", kept)
    for _ in range(kept + 4):
        assert _as(app, _cookie(login(make_user()))).get("/assess/").status_code == 200
    assert len(app.session_interface._checked) <= kept
