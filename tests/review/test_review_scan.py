"""A head scans the member's QR code: valid, tampered, expired, foreign and other units' codes."""
from __future__ import annotations

from webapp.tokens import CERTIFICATE, DRIVE, MEMBER_QR, make_token

INVALID = "Mã QR không hợp lệ hoặc đã hết hạn. Nhờ người tự đánh giá mở lại mã trên điện thoại."


def _token(app, purpose, payload):
    with app.app_context():
        return make_token(purpose, payload)


def test_valid_code_opens_the_review_page(app, login, scene):
    client = login(scene.head)
    response = client.get(f"/scan/{_token(app, MEMBER_QR, scene.assessment.id)}")
    assert response.status_code == 302
    assert response.location.endswith(f"/review/{scene.assessment.id}")
    assert client.get(response.location).status_code == 200


def test_tampered_code_is_refused_with_a_clear_page(app, login, scene):
    token = _token(app, MEMBER_QR, scene.assessment.id)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = login(scene.head).get(f"/scan/{tampered}")
    assert response.status_code == 400
    assert INVALID in response.get_data(as_text=True)


def test_expired_code_is_refused(app, login, scene, monkeypatch):
    token = _token(app, MEMBER_QR, scene.assessment.id)
    monkeypatch.setitem(app.config, "MEMBER_QR_MAX_AGE", -1)
    response = login(scene.head).get(f"/scan/{token}")
    assert response.status_code == 400
    assert INVALID in response.get_data(as_text=True)


def test_codes_made_for_other_purposes_are_refused(app, login, scene):
    client = login(scene.head)
    for purpose in (CERTIFICATE, DRIVE):
        response = client.get(f"/scan/{_token(app, purpose, scene.assessment.id)}")
        assert response.status_code == 400
        assert INVALID in response.get_data(as_text=True)


def test_code_with_an_odd_payload_or_missing_assessment(app, login, scene):
    client = login(scene.head)
    odd = client.get(f"/scan/{_token(app, MEMBER_QR, {'id': scene.assessment.id})}")
    assert odd.status_code == 400
    gone = client.get(f"/scan/{_token(app, MEMBER_QR, 987654321)}")
    assert gone.status_code == 404
    assert INVALID in gone.get_data(as_text=True)


def test_head_of_another_unit_is_told_who_may_confirm(app, login, scene):
    response = login(scene.other_head).get(f"/scan/{_token(app, MEMBER_QR, scene.assessment.id)}")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Chỉ thủ trưởng của Trường THPT Lê Lợi" in page


def test_anonymous_scan_goes_to_login_and_comes_back(app, client, scene):
    token = _token(app, MEMBER_QR, scene.assessment.id)
    response = client.get(f"/scan/{token}")
    assert response.status_code == 302
    assert "/login" in response.location
    assert f"%2Fscan%2F{token}" in response.location or f"/scan/{token}" in response.location
