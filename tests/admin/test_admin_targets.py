"""Targets: one per (year, area, group); percentages 0 to 100."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from webapp.models import Target


def _post(client, url, year, area, appendix, percentage):
    return client.post(url, data={"year_id": str(year.id), "area_id": str(area.id),
                                  "appendix": appendix, "percentage": percentage})


def test_create_all_groups_and_one_group(admin_client, db_session, make_year, make_area):
    year, city = make_year(label="2024"), make_area("Thành phố Hồ Chí Minh")
    assert _post(admin_client, "/admin/targets/new", year, city, "", "55").status_code == 302
    assert _post(admin_client, "/admin/targets/new", year, city, "V", "35,5").status_code == 302
    targets = db_session.scalars(select(Target).where(Target.year_id == year.id)
                                 .order_by(Target.percentage)).all()
    assert [(t.appendix, t.percentage) for t in targets] == [("V", Decimal("35.50")), (None, Decimal("55.00"))]
    page = admin_client.get(f"/admin/targets?year={year.id}").get_data(as_text=True)
    assert "Tất cả các nhóm" in page and "Phụ lục V" in page and "35.5%" in page


def test_duplicate_shows_message(admin_client, db_session, make_year, make_area):
    year, city = make_year(label="2025"), make_area("Tỉnh A")
    db_session.add(Target(year=year, area=city, appendix=None, percentage=Decimal("50")))
    db_session.flush()
    response = _post(admin_client, "/admin/targets/new", year, city, "", "60")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Đã có chỉ tiêu năm 2025 cho Tỉnh A (tất cả các nhóm)" in page
    assert 'value="60"' in page
    assert len(db_session.scalars(select(Target).where(Target.year_id == year.id)).all()) == 1


def test_percentage_range(admin_client, make_year, make_area):
    response = _post(admin_client, "/admin/targets/new", make_year(), make_area(), "IV", "101")
    assert response.status_code == 422
    assert "Nhập một số từ 0 đến 100." in response.get_data(as_text=True)


def test_edit_and_delete(admin_client, db_session, make_year, make_area):
    year, city = make_year(), make_area()
    target = Target(year=year, area=city, appendix="IV", percentage=Decimal("50"))
    db_session.add(target)
    db_session.flush()
    target_id = target.id
    page = admin_client.get(f"/admin/targets/{target_id}/edit").get_data(as_text=True)
    assert '<option selected value="IV">' in page
    assert _post(admin_client, f"/admin/targets/{target_id}/edit", year, city, "IV", "60").status_code == 302
    db_session.expire_all()
    assert db_session.get(Target, target_id).percentage == Decimal("60.00")
    assert admin_client.post(f"/admin/targets/{target_id}/delete").status_code == 302
    db_session.expire_all()
    assert db_session.get(Target, target_id) is None


def test_filter_by_year(admin_client, db_session, make_year, make_area):
    first, second = make_year(label="Năm X1"), make_year(label="Năm X2")
    area_one, area_two = make_area("Vùng Một"), make_area("Vùng Hai")
    db_session.add_all([Target(year=first, area=area_one, appendix=None, percentage=Decimal("40")),
                        Target(year=second, area=area_two, appendix=None, percentage=Decimal("45"))])
    db_session.flush()
    page = admin_client.get(f"/admin/targets?year={first.id}").get_data(as_text=True)
    assert "Vùng Một" in page and "Vùng Hai" not in page
