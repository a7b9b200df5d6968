"""My account: the page, the data export and deleting the account; who may open them."""
from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.assessments import operations as assess_ops
from webapp.models import Answer, Assessment, AuditEvent, Membership, Role, User

PASSWORD = "mat-khau-thu-nghiem"  # the make_user default (tests cannot import conftest)
ACCOUNT_URLS = ["/account", "/account/export", "/account/delete"]


def _answers(points):
    return {str(code): points for code in range(1, 11)}


@pytest.fixture
def member_with_assessment(db_session, make_unit, make_year, make_user, make_membership):
    """A member whose submitted assessment the head returned with a comment."""
    unit = make_unit(name="Trường THPT Nguyễn Du")
    year = make_year(label="Năm học 2025–2026")
    member = make_user(full_name="Phạm Thị Hoa", phone="0911111111")
    head = make_user(full_name="Võ Văn Hiệu Trưởng", phone="0922222222")
    membership = make_membership(unit, year, user=member, appendix="V", section="12A1")
    assessment = assess_ops.start(db_session, member, membership)
    assess_ops.submit(db_session, member, assessment, values=_answers(8),
                      notes={"1": "Đọc báo Nhân Dân mỗi sáng", "2": "Khóa tin học văn phòng", "3": "CLB đọc sách"})
    assess_ops.return_for_correction(
        db_session, head, assessment, assessment.version,
        comments={"2": "Cần ghi rõ kế hoạch học tập"}, reason="Bổ sung minh chứng chỉ số 2")
    return member, head, membership, assessment


def test_account_page_lists_units_and_links(login, member_with_assessment):
    member, _head, _membership, _assessment = member_with_assessment
    page = login(member).get("/account").get_data(as_text=True)
    for words in ("Phạm Thị Hoa", "0911111111", "Trường THPT Nguyễn Du", "Năm học 2025–2026",
                  "Học sinh, sinh viên", "12A1", "Được trả lại để sửa",
                  'href="/account/export"', 'href="/account/delete"'):
        assert words in page


def test_account_page_without_roster_line_says_what_to_do(login, make_user):
    page = login(make_user(phone="0933333333")).get("/account").get_data(as_text=True)
    assert "Chưa thấy tên bạn trong danh sách đơn vị nào" in page and "0933333333" in page


def test_export_is_a_dated_json_download_of_my_data(login, make_assessment, member_with_assessment):
    member, head, _membership, assessment = member_with_assessment
    other = make_assessment(points=5, submit=True)
    other.answers[0].evidence_note = "Ghi chú của người khác"

    response = login(member).get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="du-lieu-cua-toi-\d{4}-\d{2}-\d{2}\.json"', disposition)
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    data = json.loads(text)

    assert data["profile"]["full_name"] == "Phạm Thị Hoa"
    assert data["profile"]["phone"] == "0911111111"
    [line] = data["memberships"]
    assert line["unit"]["name"] == "Trường THPT Nguyễn Du" and line["section"] == "12A1"
    exported = line["assessment"]
    assert exported["status"] == "returned"
    answers = {a["index"]: a for a in exported["answers"]}
    assert answers["1"]["self_value"] == 8
    assert answers["1"]["evidence_note"] == "Đọc báo Nhân Dân mỗi sáng"
    assert answers["2"]["head_comment"] == "Cần ghi rõ kế hoạch học tập"
    assert exported["decision_reason"] == "Bổ sung minh chứng chỉ số 2"
    history = [(e["action"], e["from_status"], e["to_status"], e["by_you"])
               for e in exported["history"]]
    assert history == [("create", None, "draft", True), ("submit", "draft", "submitted", True),
                       ("return", "submitted", "returned", False)]
    assert all(e["at"] for e in exported["history"])

    # Nothing about anyone else, and no password hash.
    assert "password" not in text and member.password_hash not in text
    assert head.full_name not in text and head.phone not in text
    assert "Ghi chú của người khác" not in text
    assert other.membership.user.phone not in text


def test_delete_page_explains_what_stays(login, make_user):
    page = login(make_user()).get("/account/delete").get_data(as_text=True)
    assert "Danh sách thành viên của đơn vị vẫn giữ họ tên và số điện thoại/email" in page
    assert "không thể hoàn tác" in page
    assert 'type="password"' in page


def test_delete_refuses_wrong_password(login, db_session, member_with_assessment):
    member, *_ = member_with_assessment
    client = login(member)
    response = client.post("/account/delete", data={"password": "sai-mat-khau"})
    assert response.status_code == 422
    assert "Mật khẩu không đúng." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, member.id) is not None
    assert client.get("/account").status_code == 200


def test_delete_removes_user_and_assessments_keeps_roster_line(
    client, login, db_session, member_with_assessment
):
    member, head, membership, assessment = member_with_assessment
    member_id, assessment_id, membership_id = member.id, assessment.id, membership.id
    login(member)

    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Tài khoản và phiếu tự đánh giá của bạn đã được xóa" in home
    assert client.get("/account").status_code == 302

    db_session.expire_all()
    assert db_session.get(User, member_id) is None
    assert db_session.get(Assessment, assessment_id) is None
    assert db_session.scalar(
        select(func.count()).select_from(Answer).where(Answer.assessment_id == assessment_id)) == 0
    line = db_session.get(Membership, membership_id)
    assert line is not None and line.user_id is None
    assert line.full_name == "Phạm Thị Hoa" and line.contact == "0911111111"
    # The audit trail stays, with no link to the person.
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "assessment",
                                 AuditEvent.subject_id == assessment_id)).all()
    assert events and all(e.actor_id != member_id for e in events)
    assert any(e.actor_id == head.id for e in events)
    deleted = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "account_deleted",
                                 AuditEvent.subject_id == member_id)).one()
    assert deleted.actor_id is None and deleted.subject_type == "user_account"
    # The head is untouched.
    assert db_session.get(User, head.id) is not None


def test_old_session_cookie_is_useless_after_delete(app, client, login, make_user):
    member = make_user()
    login(member)
    kept_cookie = client.get_cookie("session")
    client.post("/account/delete", data={"password": PASSWORD})
    replay = app.test_client()
    replay.set_cookie("session", kept_cookie.value)
    response = replay.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_head_can_delete_their_own_account(client, login, db_session, grant, make_unit,
                                             member_with_assessment):
    _member, head, _membership, assessment = member_with_assessment
    grant(head, Role.UNIT_HEAD, unit=make_unit())
    head_id = head.id
    login(head)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    db_session.expire_all()
    assert db_session.get(User, head_id) is None
    # The member's assessment stays; the head's trace on it is cut.
    assert db_session.get(Assessment, assessment.id) is not None


# Who may open the account pages: anyone logged in, each only ever seeing their own data.

@pytest.mark.parametrize("url", ACCOUNT_URLS)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_anonymous_post_delete_is_sent_to_login(client):
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["member", "head", "aggregator", "admin", "no_unit"])
@pytest.mark.parametrize("url", ACCOUNT_URLS)
def test_every_logged_in_person_sees_only_their_own(
    login, make_user, make_unit, make_area, grant, role, url, member_with_assessment
):
    member, *_ = member_with_assessment
    person = member if role == "member" else make_user(full_name="Người Khác", phone="0944444444")
    if role == "head":
        grant(person, Role.UNIT_HEAD, unit=make_unit())
    elif role == "aggregator":
        grant(person, Role.AGGREGATOR, area=make_area())
    elif role == "admin":
        grant(person, Role.ADMIN)
    response = login(person).get(url)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    if url != "/account/delete":
        assert person.full_name in body
    if person is not member:
        assert "Phạm Thị Hoa" not in body and "0911111111" not in body


def test_export_filename_uses_vietnam_date(login, make_user):
    response = login(make_user()).get("/account/export")
    name = re.search(r"du-lieu-cua-toi-(\d{4}-\d{2}-\d{2})", response.headers["Content-Disposition"])
    exported = date.fromisoformat(name.group(1))
    assert abs((exported - date.today()).days) <= 1


def test_registered_member_exports_consent_time(client):
    client.post("/register", data={
        "full_name": "Đỗ Minh Châu", "contact": "chau@example.vn", "password": "mat-khau-12345",
        "password_repeat": "mat-khau-12345", "consent": "y"})
    data = client.get("/account/export").get_json()
    assert data["profile"]["email"] == "chau@example.vn" and data["profile"]["phone"] is None
    assert data["profile"]["consent_at"] and data["profile"]["created_at"]
    assert data["memberships"] == [] and data["roles"] == []


def test_csrf_enforced_on_delete(app, login, db_session, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    member = make_user()
    member_id = member.id
    client = login(member)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    db_session.expire_all()
    assert db_session.get(User, member_id) is not None
    page = client.get("/account/delete").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, member_id) is None


def test_the_export_names_a_confirmation_as_the_pages_do(login, make_assessment, make_user, grant, db_session):
    assessment = make_assessment(submit=True)
    head = make_user()
    grant(head, Role.UNIT_HEAD, unit=assessment.membership.unit)
    assess_ops.confirm(db_session, head, assessment, assessment.version)
    data = json.loads(login(assessment.membership.user).get("/account/export").get_data(as_text=True))
    assert data["memberships"][0]["assessment"]["status_label"] == "Xác nhận đạt"
