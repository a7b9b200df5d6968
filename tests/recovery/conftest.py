"""Helpers for the one-time password links: phones as separate clients, tokens read off the page."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import PASSWORD

NEW_PASSWORD = "hoa-sen-no-giua-ao"
_LINK = re.compile(r'href="https?://[^"/]+/reset/([A-Za-z0-9_\-]+)"')


def token_on(page: str) -> str:
    """The token of the reset link an issued page shows."""
    match = _LINK.search(page)
    assert match, "the page shows the reset link"
    return match.group(1)


@pytest.fixture
def phone(app: Any, db_session: Any) -> Callable[..., Any]:
    """A new browser; `phone(user)` is already logged in as `user` (with a real login)."""

    def _phone(user: Any = None) -> Any:
        client = app.test_client()
        if user is not None:
            reply = client.post("/login", data={"contact": user.login_name, "password": PASSWORD})
            assert reply.status_code == 302, reply.get_data(as_text=True)
        return client

    return _phone


@pytest.fixture
def issue_as(phone: Callable[..., Any]) -> Callable[..., str]:
    """The head (or admin) issues a reset link for a roster line; returns the token."""

    def _issue(issuer: Any, line: Any) -> str:
        reply = phone(issuer).post(f"/units/{line.unit_id}/roster/{line.id}/reset")
        assert reply.status_code == 200, reply.status_code
        assert reply.headers["Cache-Control"] == "no-store"
        return token_on(reply.get_data(as_text=True))

    return _issue


def set_password(client: Any, token: str, password: str = NEW_PASSWORD, **extra: Any) -> Any:
    return client.post(f"/reset/{token}", data={"password": password, "password_repeat": password,
                                                 **extra})
