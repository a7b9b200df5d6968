"""The certificate (owner only, only for a confirmed title) and the public verification page."""
from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.conftest import evidence_notes
from webapp import tokens
from webapp.assessments import operations
from webapp.models import Role

ROLES = ["anonymous", "owner", "member_same_unit", "member_other_unit", "head_this_unit",
         "head_other_unit", "aggregator_this_area", "aggregator_other_area", "admin"]
ALL_8 = {str(c): 8 for c in range(1, 11)}


@pytest.fixture
def people(make_area, make_unit, make_year, make_membership, grant, make_user):  # type: ignore[no-untyped-def]
    province = make_area()
    unit = make_unit(area=make_area(parent=province, level="Phường/Xã"), name="Công ty May Việt Tiến")
    other_area = make_area()
    other_unit = make_unit(area=other_area)
    year = make_year(label="Năm 2026 chứng nhận")
    users = {role: make_user(role, phone=f"07{n:08d}", email=f"{role}@example.vn")
             for n, role in enumerate(ROLES) if role != "anonymous"}
    users["owner"].full_name = "Phạm Văn Cường"
    line = make_membership(unit, year, user=users["owner"], appendix="III", section="Tổ cắt")
    make_membership(unit, year, user=users["member_same_unit"], appendix="III")
    make_membership(other_unit, year, user=users["member_other_unit"], appendix="III")
    grant(users["head_this_unit"], Role.UNIT_HEAD, unit=unit)
    grant(users["head_other_unit"], Role.UNIT_HEAD, unit=other_unit)
    grant(users["aggregator_this_area"], Role.AGGREGATOR, area=province)
    grant(users["aggregator_other_area"], Role.AGGREGATOR, area=other_area)
    grant(users["admin"], Role.ADMIN)
    return users, line


def decided(db_session, users, line, points=8, confirm=True):  # type: ignore[no-untyped-def]
    owner, head = users["owner"], users["head_this_unit"]
    assessment = operations.start(db_session, owner, line)
    operations.submit(db_session, owner, assessment, {c: points for c in ALL_8}, evidence_notes())
    if confirm:
        operations.confirm(db_session, head, assessment, assessment.version)
    return assessment


def verify_path(app, assessment_id):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return "/verify/" + tokens.make_token(tokens.CERTIFICATE, assessment_id)


@pytest.mark.parametrize("role", ROLES)
def test_certificate_is_for_the_owner_only(role, people, client, login, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    browser = client if role == "anonymous" else login(users[role])
    reply = browser.get(f"/certificate/{assessment.id}")
    if role == "anonymous":
        assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    elif role == "owner":
        assert reply.status_code == 200
        page = reply.get_data(as_text=True)
        for text in ("Giấy xác nhận", "Phạm Văn Cường", "Công ty May Việt Tiến", "Năm 2026 chứng nhận",
                     "Người lao động", "80/100", "head_this_unit", "III@2026.1",
                     "Bộ tiêu chí chưa được đối chiếu với văn bản gốc đã ký", "/verify/", "<svg",
                     # a signature block and a print button (shown by print.js)
                     "Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên và đóng dấu)", "data-print hidden", "js/print.js"):
            assert text in page, text
    else:
        assert reply.status_code == 403


@pytest.mark.parametrize("confirm, points", [(False, 8), (True, 5)])
def test_no_certificate_without_a_confirmed_title(confirm, points, people, login, db_session):
    users, line = people
    assessment = decided(db_session, users, line, points=points, confirm=confirm)
    reply = login(users["owner"]).get(f"/certificate/{assessment.id}")
    assert reply.status_code == 404
    assert "Chưa có giấy xác nhận" in reply.get_data(as_text=True)


def test_missing_certificate_is_404(people, login):
    users, _line = people
    assert login(users["owner"]).get("/certificate/999999").status_code == 404


@pytest.mark.parametrize("role", ["anonymous", "owner", "member_other_unit", "admin"])
def test_verify_is_public_and_shows_the_least(role, app, people, client, login, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    browser = client if role == "anonymous" else login(users[role])
    reply = browser.get(verify_path(app, assessment.id))
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "Danh hiệu còn hiệu lực" in page
    assert "Phạm Văn Cường" in page and "Công ty May Việt Tiến" in page and "Năm 2026 chứng nhận" in page
    assert '<meta name="robots" content="noindex">' in page
    owner = users["owner"]
    for private in (owner.phone, owner.email, "Tổ cắt", "80/100", "head_this_unit", line.contact):
        assert private not in page, private


def test_revoked_title_answers_410_without_the_reason(app, people, client, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    operations.revoke(db_session, users["head_this_unit"], assessment, assessment.version,
                      "Minh chứng không đúng sự thật")
    reply = client.get(verify_path(app, assessment.id))
    assert reply.status_code == 410
    page = reply.get_data(as_text=True)
    assert "Danh hiệu đã bị thu hồi" in page and "Phạm Văn Cường" in page
    assert "Minh chứng không đúng sự thật" not in page and "Danh hiệu còn hiệu lực" not in page
    assert '<meta name="robots" content="noindex">' in page


def test_confirmed_but_not_achieved_has_no_title(app, people, client, db_session):
    users, line = people
    assessment = decided(db_session, users, line, points=5)
    reply = client.get(verify_path(app, assessment.id))
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "Không có danh hiệu" in page and "Danh hiệu còn hiệu lực" not in page


def test_unconfirmed_assessment_has_no_title(app, people, client, db_session):
    users, line = people
    assessment = decided(db_session, users, line, confirm=False)
    page = client.get(verify_path(app, assessment.id)).get_data(as_text=True)
    assert "Không có danh hiệu" in page


def bad_tokens(app, assessment_id):  # type: ignore[no-untyped-def]
    good = verify_path(app, assessment_id).rsplit("/", 1)[1]
    with app.test_request_context():
        member_qr = tokens.make_token(tokens.MEMBER_QR, assessment_id)  # another purpose
        other_key = URLSafeTimedSerializer("x" * 40, salt="cdht.certificate").dumps(assessment_id)
        text_payload = tokens.make_token(tokens.CERTIFICATE, str(assessment_id))
    return [good[:-2] + ("AA" if not good.endswith("AA") else "BB"), member_qr, other_key,
            "khong-hop-le", text_payload]


def test_tampered_or_foreign_tokens_are_404(app, people, client, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    for token in bad_tokens(app, assessment.id):
        reply = client.get(f"/verify/{token}")
        assert reply.status_code == 404, token
        page = reply.get_data(as_text=True)
        assert "Mã xác minh không hợp lệ hoặc đã hết hạn" in page and "Phạm Văn Cường" not in page
        assert '<meta name="robots" content="noindex">' in page


def test_expired_token_is_404(app, people, client, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    path = verify_path(app, assessment.id)
    old = app.config["CERTIFICATE_MAX_AGE"]
    app.config["CERTIFICATE_MAX_AGE"] = -1
    try:
        reply = client.get(path)
    finally:
        app.config["CERTIFICATE_MAX_AGE"] = old
    assert reply.status_code == 404
    assert "Mã xác minh không hợp lệ hoặc đã hết hạn" in reply.get_data(as_text=True)


def test_certificate_qr_leads_to_verify(people, login, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    page = login(users["owner"]).get(f"/certificate/{assessment.id}").get_data(as_text=True)
    path = re.search(r"http://localhost(/verify/[\w.-]+)", page).group(1)
    assert "Danh hiệu còn hiệu lực" in login(users["admin"]).get(path).get_data(as_text=True)


def test_the_certificate_reads_confirmed_achieved(people, login, db_session):
    users, line = people
    assessment = decided(db_session, users, line)
    page = login(users["owner"]).get(f"/certificate/{assessment.id}").get_data(as_text=True)
    assert '<dt>Kết quả</dt><dd><span class="badge confirmed">Xác nhận đạt</span>' in page
