"""The login session cookie: Flask's signed cookie, remembering the cookies already checked.

A phone sends the same session cookie with every request until its session changes (a login, a
flashed message). Checking the signature and decoding the cookie took about 0.1 ms of every
request here (`open_session`, measured inside a draft save of 1.3 ms). The last cookies
checked are kept with what they held and when they were signed; a kept one is used only while a
fresh check would still accept it (signed less than the session lifetime ago, and not in the
future). Only sessions of plain values are kept: a flashed message is a list that a request
changes in place. The memory is per process and rebuilt from the cookies themselves, so two app
servers share nothing; what it holds is what the phones hold anyway.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT = 4096  # cookies remembered per process: a drive's phones many times over, ~2 MB
PLAIN = (str, int, float, bool, type(None))


class CheckedCookieSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, with the last `KEPT` checked cookies remembered."""

    def __init__(self) -> None:
        self._checked: dict[str, tuple[dict[str, Any], float]] = {}
        self._keeping = threading.Lock()  # reads need none: one dict lookup is atomic

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        lifetime = app.permanent_session_lifetime.total_seconds()
        kept = self._checked.get(cookie) if cookie else None
        if kept is not None and 0 <= time.time() - kept[1] <= lifetime:
            return self.session_class(kept[0])  # a copy: the request may change its session
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None  # no secret key: Flask refuses to use the session
        if not cookie:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(cookie, max_age=int(lifetime), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(value, PLAIN) for value in data.values()):
            self._keep(cookie, dict(data), signed_at.timestamp())
        return self.session_class(data)

    def _keep(self, cookie: str, data: dict[str, Any], signed_at: float) -> None:
        with self._keeping:
            while len(self._checked) >= KEPT:
                del self._checked[next(iter(self._checked))]  # the oldest: dicts keep insertion order
            self._checked[cookie] = (data, signed_at)
