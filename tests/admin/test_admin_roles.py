"""Roles: grant heads, aggregators and administrators by phone or email; revoke."""
from __future__ import annotations

from sqlalchemy import select

from webapp.models import AuditEvent, Role, RoleGrant, User


def test_grant_head_by_phone_as_typed(admin_client, db_session, admin, make_user, make_unit):
    head = make_user("Trần Thị Hiệu Trưởng", phone="0901234567")
    unit = make_unit()
    response = admin_client.post("/admin/roles/new", data={
        "contact": "+84 901 234 567", "role": "unit_head", "unit_id": str(unit.id), "area_id": "",
    })
    assert response.status_code == 302
    db_session.expire_all()
    head = db_session.get(User, head.id)
    assert head.heads(unit)
    event = db_session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "user_account", AuditEvent.subject_id == head.id))
    assert (event.action, event.to_status, event.actor_id) == ("grant", "unit_head", admin.id)
    page = admin_client.get("/admin/roles").get_data(as_text=True)
    assert "Trần Thị Hiệu Trưởng" in page and unit.name in page


def test_grant_aggregator_by_email(admin_client, db_session, make_user, make_area):
    person = make_user("Cán Bộ Phòng", email="canbo@so.gov.vn")
    city = make_area("Thành phố A")
    ward = make_area("Phường B", parent=city)
    response = admin_client.post("/admin/roles/new", data={
        "contact": " CanBo@So.gov.vn ", "role": "aggregator", "unit_id": "", "area_id": str(city.id),
    })
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(User, person.id).aggregates(ward)


def test_unknown_contact_keeps_typed_values(admin_client, make_unit):
    unit = make_unit()
    response = admin_client.post("/admin/roles/new", data={
        "contact": "0999 888 777", "role": "unit_head", "unit_id": str(unit.id), "area_id": "",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Không tìm thấy tài khoản" in page
    assert 'value="0999 888 777"' in page


def test_scope_required_and_duplicate_refused(admin_client, make_user, make_unit, grant):
    person = make_user(phone="0933000111")
    response = admin_client.post("/admin/roles/new", data={
        "contact": "0933000111", "role": "unit_head", "unit_id": "", "area_id": "",
    })
    assert response.status_code == 422
    assert "Vui lòng chọn đơn vị." in response.get_data(as_text=True)

    unit = make_unit()
    grant(person, Role.UNIT_HEAD, unit=unit)
    response = admin_client.post("/admin/roles/new", data={
        "contact": "0933000111", "role": "unit_head", "unit_id": str(unit.id), "area_id": "",
    })
    assert response.status_code == 422
    assert "đã có quyền này" in response.get_data(as_text=True)


def test_revoke_and_audit(admin_client, db_session, make_user, make_unit, grant):
    head = make_user()
    unit = make_unit()
    role_grant = grant(head, Role.UNIT_HEAD, unit=unit)
    grant_id = role_grant.id
    response = admin_client.post(f"/admin/roles/{grant_id}/revoke", follow_redirects=True)
    assert "Đã thu hồi quyền Thủ trưởng đơn vị" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RoleGrant, grant_id) is None
    assert not db_session.get(User, head.id).heads(unit)
    assert db_session.scalar(select(AuditEvent).where(
        AuditEvent.subject_id == head.id, AuditEvent.action == "revoke",
        AuditEvent.from_status == "unit_head")) is not None


def test_last_admin_cannot_be_removed(admin_client, db_session, admin, make_user, grant):
    own = admin.role_grants[0]
    own_id = own.id
    response = admin_client.post(f"/admin/roles/{own_id}/revoke", follow_redirects=True)
    assert "quản trị viên cuối cùng" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(RoleGrant, own_id) is not None

    second = make_user("Quản Trị Hai")
    second_grant = grant(second, Role.ADMIN)
    response = admin_client.post(f"/admin/roles/{second_grant.id}/revoke", follow_redirects=True)
    assert "Đã thu hồi quyền Quản trị hệ thống" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalars(select(RoleGrant).where(RoleGrant.role == Role.ADMIN)).all() == [
        db_session.get(RoleGrant, own_id)]
