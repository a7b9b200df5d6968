"""Self-service reset by e-mail, where an operator configured SMTP (the head's QR needs none)."""
from __future__ import annotations

import re

import pytest

from tests.recovery.conftest import NEW_PASSWORD, set_password
from webapp.auth import throttle
from webapp.recovery import mail
from webapp.recovery.routes import MAIL_SENT

_URL = re.compile(r"https?://\S+/reset/([A-Za-z0-9_\-]+)")


class FakeSMTP:
    """Stands in for smtplib.SMTP: keeps what would have been sent."""

    sent: list = []

    def __init__(self, host, port, timeout):  # type: ignore[no-untyped-def]
        self.host = host

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        return False

    def starttls(self):  # type: ignore[no-untyped-def]
        pass

    def send_message(self, message):  # type: ignore[no-untyped-def]
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.truong.test")
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    return FakeSMTP.sent


def test_without_smtp_there_is_no_email_reset(client):
    assert client.get("/forgot").status_code == 404
    assert "/forgot" not in client.get("/login").get_data(as_text=True)


def test_a_member_with_an_email_login_resets_it_themselves(smtp, client, app, make_user):
    user = make_user("Phan Thị Thư", email="thu@truong.edu.vn")
    assert "/forgot" in client.get("/login").get_data(as_text=True)
    reply = client.post("/forgot", data={"email": " THU@truong.edu.vn "}, follow_redirects=True)
    assert MAIL_SENT in reply.get_data(as_text=True)
    assert len(smtp) == 1 and smtp[0]["To"] == "thu@truong.edu.vn"
    token = _URL.search(smtp[0].get_content()).group(1)
    phone = app.test_client()
    assert set_password(phone, token).status_code == 302
    assert phone.post("/login", data={"contact": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_an_unknown_email_gets_the_same_answer_and_no_mail(smtp, client):
    reply = client.post("/forgot", data={"email": "khong-co@truong.edu.vn"}, follow_redirects=True)
    assert MAIL_SENT in reply.get_data(as_text=True)
    assert smtp == []
    bad = client.post("/forgot", data={"email": "0901234567"})
    assert bad.status_code == 422 and "Địa chỉ email chưa đúng" in bad.get_data(as_text=True)


def test_requests_from_one_address_are_bounded(smtp, client, make_user):
    make_user(email="nhieu@truong.edu.vn")
    for _ in range(throttle.MAIL_LIMIT):
        assert client.post("/forgot", data={"email": "ai-do@truong.edu.vn"}).status_code == 302
    refused = client.post("/forgot", data={"email": "nhieu@truong.edu.vn"})
    assert refused.status_code == 429 and "quá nhiều lần" in refused.get_data(as_text=True)
    assert smtp == []
