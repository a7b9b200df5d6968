"""CSRF: administration POSTs carry a token."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_post_without_token_is_refused(csrf_on, admin_client, db_session, make_year):
    year = make_year()
    response = admin_client.post(f"/admin/years/{year.id}/toggle")
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    db_session.expire_all()
    assert year.is_open is True

    # The years page links to the confirmation page, whose form carries the token.
    page = admin_client.get(f"/admin/years/{year.id}/close").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = admin_client.post(f"/admin/years/{year.id}/toggle", data={"csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    assert year.is_open is False
