"""Closing a year and revoking a role ask first, say what they freeze, and change nothing on GET."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.assessments import operations as assess_ops
from webapp.errors import DomainError
from webapp.models import AssessmentYear, AuditEvent, Role, RoleGrant, User


def _events(db_session, subject_type, subject_id):  # type: ignore[no-untyped-def]
    return db_session.scalars(select(AuditEvent).where(
        AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)).all()


# Closing a year ---------------------------------------------------------------------------

def test_the_years_page_links_to_a_confirmation_not_a_one_tap_close(admin_client, make_year):
    year = make_year(label="2031")
    page = admin_client.get("/admin/years").get_data(as_text=True)
    assert f'href="/admin/years/{year.id}/close"' in page
    assert f'action="/admin/years/{year.id}/toggle"' not in page  # reopening only


def test_closing_a_year_says_what_it_freezes_and_the_get_changes_nothing(
        admin_client, db_session, make_year, make_assessment):
    year = make_year(label="2032")
    draft = make_assessment(year=year)
    make_assessment(year=year, submit=True)
    make_assessment(year=year, submit=True)
    response = admin_client.get(f"/admin/years/{year.id}/close")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "mọi phiếu của năm 2032 bị khóa ngay" in page
    assert "không xác nhận, không trả lại được nữa" in page
    assert "Năm này có 3 phiếu" in page
    assert "Bản nháp: 1" in page and "Đã gửi, chờ xác nhận: 2" in page
    assert f'action="/admin/years/{year.id}/close"' in page and 'method="post"' in page
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is True
    assert _events(db_session, "assessment_year", year.id) == []

    response = admin_client.post(f"/admin/years/{year.id}/close", follow_redirects=True)
    assert "Đã đóng năm đánh giá “2032”" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is False
    with pytest.raises(DomainError):
        assess_ops.submit(db_session, draft.membership.user, draft)


def test_closing_twice_never_reopens(admin_client, db_session, make_year):
    year = make_year()
    admin_client.post(f"/admin/years/{year.id}/close")
    admin_client.post(f"/admin/years/{year.id}/close")  # a stale page pressed again
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is False
    assert [e.action for e in _events(db_session, "assessment_year", year.id)] == ["close"]
    page = admin_client.get(f"/admin/years/{year.id}/close").get_data(as_text=True)
    assert "Năm đánh giá này đã đóng." in page and f'action="/admin/years/{year.id}/close"' not in page


def test_close_needs_csrf(app, admin_client, db_session, make_year):
    year = make_year()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert admin_client.post(f"/admin/years/{year.id}/close").status_code == 400
        page = admin_client.get(f"/admin/years/{year.id}/close").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert admin_client.post(f"/admin/years/{year.id}/close",
                                 data={"csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db_session.expire_all()
    assert db_session.get(AssessmentYear, year.id).is_open is False


# Revoking a role --------------------------------------------------------------------------

def test_revoking_asks_first_and_says_what_is_lost(admin_client, db_session, make_user, make_unit, grant):
    head = make_user("Trần Văn Hiệu")
    unit = make_unit(name="Trường THCS Lê Quý Đôn")
    role_grant = grant(head, Role.UNIT_HEAD, unit=unit)
    roles_page = admin_client.get("/admin/roles").get_data(as_text=True)
    assert f'href="/admin/roles/{role_grant.id}/revoke"' in roles_page
    assert f'action="/admin/roles/{role_grant.id}/revoke"' not in roles_page
    response = admin_client.get(f"/admin/roles/{role_grant.id}/revoke")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Trần Văn Hiệu mất quyền ngay" in page
    assert "không xác nhận phiếu" in page and "Trường THCS Lê Quý Đôn" in page
    assert f'action="/admin/roles/{role_grant.id}/revoke"' in page
    db_session.expire_all()
    assert db_session.get(RoleGrant, role_grant.id) is not None
    assert _events(db_session, "user_account", head.id) == []

    grant_id = role_grant.id
    admin_client.post(f"/admin/roles/{grant_id}/revoke")
    db_session.expire_all()
    assert db_session.get(RoleGrant, grant_id) is None


def test_revoking_an_aggregator_names_the_area(admin_client, make_user, make_area, grant):
    officer = make_user()
    area = make_area("Phường Bến Nghé")
    role_grant = grant(officer, Role.AGGREGATOR, area=area)
    page = admin_client.get(f"/admin/roles/{role_grant.id}/revoke").get_data(as_text=True)
    assert "báo cáo" in page and "Phường Bến Nghé và các địa bàn trực thuộc" in page


def test_the_last_admin_page_has_no_revoke_button(admin_client, admin):
    page = admin_client.get(f"/admin/roles/{admin.role_grants[0].id}/revoke").get_data(as_text=True)
    assert "quản trị viên cuối cùng" in page and 'action="/admin/roles/' not in page


def test_revoked_head_loses_access_at_once(login, admin_client, db_session, make_user, make_unit, grant):
    head = make_user()
    unit = make_unit()
    role_grant = grant(head, Role.UNIT_HEAD, unit=unit)
    head_client_url = f"/units/{unit.id}/drives"
    admin_client.post(f"/admin/roles/{role_grant.id}/revoke")
    db_session.expire_all()
    assert login(db_session.get(User, head.id)).get(head_client_url).status_code == 403


def test_confirmation_pages_of_missing_objects_are_not_found(admin_client):
    assert admin_client.get("/admin/years/999999/close").status_code == 404
    assert admin_client.post("/admin/years/999999/close").status_code == 404
    assert admin_client.get("/admin/roles/999999/revoke").status_code == 404
