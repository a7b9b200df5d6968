"""Areas: create a tree through the pages, move a subtree, refuse deleting a non-empty node."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from webapp.errors import DomainError
from webapp.models import Area, AuditEvent, Target


def _create(client, db_session, code, name, level, parent=None):
    response = client.post("/admin/areas/new", data={
        "code": code, "name": name, "level": level, "parent_id": str(parent.id) if parent else "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    return db_session.scalar(select(Area).where(Area.code == code))


def test_create_three_levels_and_move_subtree(admin_client, db_session):
    city = _create(admin_client, db_session, "79", "Thành phố Hồ Chí Minh", "Tỉnh/Thành phố")
    district = _create(admin_client, db_session, "79-760", "Quận 1", "Quận/Huyện (trước 7/2025)", city)
    ward = _create(admin_client, db_session, "79-26734", "Phường Bến Nghé", "Xã/Phường/Đặc khu", district)
    street = _create(admin_client, db_session, "79-26734-1", "Khu phố 1", "Khu phố", ward)
    assert city.path == f"/{city.id}/"
    assert ward.path == f"/{city.id}/{district.id}/{ward.id}/"
    assert street.path == f"/{city.id}/{district.id}/{ward.id}/{street.id}/"

    page = admin_client.get("/admin/areas").get_data(as_text=True)
    for text in ("Thành phố Hồ Chí Minh", "Quận 1", "Phường Bến Nghé", "Khu phố 1", "Xã/Phường/Đặc khu"):
        assert text in page

    # The district is abolished: its ward moves straight under the city, with its child.
    response = admin_client.post(f"/admin/areas/{ward.id}/move", data={"parent_id": str(city.id)})
    assert response.status_code == 302
    db_session.expire_all()
    moved = db_session.scalars(
        select(Area).where(Area.path.startswith(f"/{city.id}/{ward.id}/")).order_by(Area.path)
    ).all()
    assert [a.code for a in moved] == ["79-26734", "79-26734-1"]
    assert db_session.get(Area, street.id).path == f"/{city.id}/{ward.id}/{street.id}/"
    assert db_session.get(Area, ward.id).parent_id == city.id
    assert db_session.scalars(
        select(Area).where(Area.path.startswith(f"/{city.id}/{district.id}/"))
    ).all() == [db_session.get(Area, district.id)]
    assert db_session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "area", AuditEvent.subject_id == ward.id,
        AuditEvent.action == "move")) is not None


def test_move_to_top_level(admin_client, db_session, make_area):
    city = make_area("Tỉnh A")
    ward = make_area("Xã B", parent=city, level="Xã/Phường/Đặc khu")
    hamlet = make_area("Ấp C", parent=ward, level="Ấp")
    response = admin_client.post(f"/admin/areas/{ward.id}/move", data={"parent_id": ""})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Area, ward.id).path == f"/{ward.id}/"
    assert db_session.get(Area, hamlet.id).path == f"/{ward.id}/{hamlet.id}/"


def test_move_under_itself_or_descendant_is_refused(admin_client, db_session, make_area):
    city = make_area("Tỉnh A")
    ward = make_area("Xã B", parent=city)
    hamlet = make_area("Ấp C", parent=ward)
    for target in (ward, hamlet):
        response = admin_client.post(f"/admin/areas/{ward.id}/move", data={"parent_id": str(target.id)})
        assert response.status_code == 422
        assert "Vui lòng chọn một mục." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Area, ward.id).path == f"/{city.id}/{ward.id}/"


def test_move_operation_refuses_descendant(db_session, admin, make_area):
    import pytest

    from webapp.admin import operations

    city = make_area("Tỉnh A")
    ward = make_area("Xã B", parent=city)
    with pytest.raises(DomainError, match="cấp dưới"):
        operations.move_area(db_session, admin, city, ward)
    with pytest.raises(DomainError):
        operations.move_area(db_session, admin, city, city)


def test_edit_name_level_code(admin_client, db_session, make_area):
    area = make_area("Huyện Cũ", level="Quận/Huyện (trước 7/2025)", code="OLD")
    response = admin_client.post(f"/admin/areas/{area.id}/edit",
                                 data={"code": "NEW", "name": "Xã Mới", "level": "Xã/Phường/Đặc khu"})
    assert response.status_code == 302
    db_session.expire_all()
    area = db_session.get(Area, area.id)
    assert (area.code, area.name, area.level) == ("NEW", "Xã Mới", "Xã/Phường/Đặc khu")


def test_duplicate_code_keeps_typed_values(admin_client, make_area):
    make_area("Tỉnh A", code="79")
    response = admin_client.post("/admin/areas/new",
                                 data={"code": "79", "name": "Tên đã gõ", "level": "Cấp đã gõ",
                                       "parent_id": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mã địa bàn “79” đã được dùng" in page
    assert 'value="Tên đã gõ"' in page and 'value="Cấp đã gõ"' in page


def test_missing_fields_are_named_in_vietnamese(admin_client):
    response = admin_client.post("/admin/areas/new", data={"code": "", "name": "", "level": "", "parent_id": ""})
    assert response.status_code == 422
    assert "Vui lòng nhập thông tin này." in response.get_data(as_text=True)


def test_level_suggestions_in_datalist(admin_client):
    page = admin_client.get("/admin/areas/new").get_data(as_text=True)
    assert 'list="area-levels"' in page
    for level in ("Tỉnh/Thành phố", "Xã/Phường/Đặc khu", "Quận/Huyện (trước 7/2025)"):
        assert f'<option value="{level}">' in page


def test_delete_refused_while_area_holds_things(admin_client, db_session, make_area, make_unit, make_year):
    city = make_area("Tỉnh A")
    ward = make_area("Xã B", parent=city)
    response = admin_client.post(f"/admin/areas/{city.id}/delete", follow_redirects=True)
    assert "Không thể xóa “Tỉnh A” vì địa bàn này còn địa bàn cấp dưới" in response.get_data(as_text=True)

    make_unit(ward)
    db_session.add(Target(year=make_year(), area=ward, appendix=None, percentage=Decimal("55")))
    db_session.flush()
    response = admin_client.post(f"/admin/areas/{ward.id}/delete", follow_redirects=True)
    assert "còn đơn vị, chỉ tiêu" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Area, ward.id) is not None
    assert db_session.get(Area, city.id) is not None


def test_delete_empty_area(admin_client, db_session, make_area):
    city = make_area("Tỉnh A")
    ward_id = make_area("Xã B", parent=city).id
    response = admin_client.post(f"/admin/areas/{ward_id}/delete", follow_redirects=True)
    assert "Đã xóa địa bàn “Xã B”" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Area, ward_id) is None


def test_delete_refused_while_an_aggregator_is_assigned(admin_client, db_session, make_area, make_user, grant):
    from webapp.models import Role

    area = make_area("Xã Có Cán Bộ")
    grant(make_user(), Role.AGGREGATOR, area=area)
    response = admin_client.post(f"/admin/areas/{area.id}/delete", follow_redirects=True)
    assert "cán bộ tổng hợp được phân công" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Area, area.id) is not None
