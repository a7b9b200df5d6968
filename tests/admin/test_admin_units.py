"""Units: list with filters, create and edit, duplicate codes and bad thresholds."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from webapp.models import Unit, UnitKind


def test_create_unit(admin_client, db_session, make_area):
    city = make_area("Thành phố A")
    response = admin_client.post("/admin/units/new", data={
        "code": "THPT-ND", "name": "Trường THPT Nguyễn Du", "kind": "high_school",
        "area_id": str(city.id), "recognition_threshold": "95,5",
    })
    assert response.status_code == 302
    unit = db_session.scalar(select(Unit).where(Unit.code == "THPT-ND"))
    assert unit.kind is UnitKind.HIGH_SCHOOL
    assert unit.area_id == city.id
    assert unit.recognition_threshold == Decimal("95.50")


def test_threshold_is_optional(admin_client, db_session, make_area):
    city = make_area()
    response = admin_client.post("/admin/units/new", data={
        "code": "CQ-1", "name": "Cơ quan", "kind": "office", "area_id": str(city.id),
        "recognition_threshold": "",
    })
    assert response.status_code == 302
    assert db_session.scalar(select(Unit).where(Unit.code == "CQ-1")).recognition_threshold is None


def test_duplicate_code_shows_message_and_keeps_typed_values(admin_client, db_session, make_area, make_unit):
    city = make_area()
    make_unit(city, code="DUP")
    response = admin_client.post("/admin/units/new", data={
        "code": "DUP", "name": "Tên vừa gõ", "kind": "enterprise", "area_id": str(city.id),
        "recognition_threshold": "90",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Mã đơn vị “DUP” đã được dùng" in page
    assert 'value="Tên vừa gõ"' in page
    assert 'value="DUP"' in page
    assert 'value="90"' in page
    assert '<option selected value="enterprise">' in page
    assert f'<option selected value="{city.id}">' in page
    assert db_session.scalar(select(Unit).where(Unit.name == "Tên vừa gõ")) is None


def test_threshold_out_of_range(admin_client, make_area):
    city = make_area()
    for value, message in (("120", "Nhập một số từ 0 đến 100."), ("abc", "Vui lòng nhập một số")):
        response = admin_client.post("/admin/units/new", data={
            "code": "X1", "name": "Đơn vị", "kind": "office", "area_id": str(city.id),
            "recognition_threshold": value,
        })
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert message in page
        assert f'value="{value}"' in page


def test_edit_unit_keeps_own_code(admin_client, db_session, make_area, make_unit):
    city, ward = make_area(), make_area()
    unit = make_unit(city, code="KEEP")
    page = admin_client.get(f"/admin/units/{unit.id}/edit").get_data(as_text=True)
    assert 'value="KEEP"' in page
    response = admin_client.post(f"/admin/units/{unit.id}/edit", data={
        "code": "KEEP", "name": "Tên mới", "kind": "college", "area_id": str(ward.id),
        "recognition_threshold": "90",
    })
    assert response.status_code == 302
    db_session.expire_all()
    unit = db_session.get(Unit, unit.id)
    assert (unit.name, unit.kind, unit.area_id) == ("Tên mới", UnitKind.COLLEGE, ward.id)


def test_filter_by_area_includes_beneath_and_by_kind(admin_client, make_area, make_unit):
    city = make_area("Thành phố A")
    ward = make_area("Phường B", parent=city)
    other = make_area("Tỉnh C")
    make_unit(city, UnitKind.HIGH_SCHOOL, name="Trường Một")
    make_unit(ward, UnitKind.OFFICE, name="Ủy ban Hai")
    make_unit(other, UnitKind.OFFICE, name="Sở Ba")
    page = admin_client.get(f"/admin/units?area={city.id}").get_data(as_text=True)
    assert "Trường Một" in page and "Ủy ban Hai" in page and "Sở Ba" not in page
    page = admin_client.get(f"/admin/units?area={city.id}&kind=office").get_data(as_text=True)
    assert "Trường Một" not in page and "Ủy ban Hai" in page
    page = admin_client.get("/admin/units?kind=nonsense").get_data(as_text=True)
    assert "Sở Ba" in page
    assert UnitKind.HIGH_SCHOOL.label in page
