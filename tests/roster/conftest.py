"""Fixtures for roster and drive tests: a unit with its head, an open year, and people around it."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from webapp.models import Role


@pytest.fixture
def person(make_user):  # type: ignore[no-untyped-def]
    """The shared user factory (tests/conftest.py), under the name these tests use."""
    return make_user


@pytest.fixture
def world(make_area, make_unit, make_user, make_year, make_membership, grant):  # type: ignore[no-untyped-def]
    """A unit (in an area) with a head; another unit with its head and member; roles around them."""
    area = make_area()
    other_area = make_area()
    unit = make_unit(area, name="Trường THPT Nguyễn Du")
    other_unit = make_unit(other_area)
    year = make_year()
    head = make_user("Trần Thị Hiệu Trưởng")
    grant(head, Role.UNIT_HEAD, unit=unit)
    other_head = make_user("Lê Văn Khác")
    grant(other_head, Role.UNIT_HEAD, unit=other_unit)
    member = make_user("Phạm Văn Thành Viên")
    make_membership(unit, year, user=member, appendix="V", section="10A1")
    other_member = make_user("Hoàng Thị Đơn Vị Khác")
    make_membership(other_unit, year, user=other_member)
    aggregator = make_user("Cán Bộ Tổng Hợp")
    grant(aggregator, Role.AGGREGATOR, area=other_area)
    aggregator_above = make_user("Cán Bộ Sở")
    grant(aggregator_above, Role.AGGREGATOR, area=area)
    admin = make_user("Quản Trị")
    grant(admin, Role.ADMIN)
    return SimpleNamespace(
        area=area, unit=unit, other_unit=other_unit, year=year, head=head, other_head=other_head,
        member=member, other_member=other_member, aggregator=aggregator,
        aggregator_above=aggregator_above, admin=admin,
    )


@pytest.fixture
def upload():  # type: ignore[no-untyped-def]
    """Post a CSV (bytes or str) to the import page: upload(client, unit, year, content)."""

    def _upload(client, unit, year, content, filename="danh-sach.csv", group=""):  # type: ignore[no-untyped-def]
        data = content.encode("utf-8") if isinstance(content, str) else content
        return client.post(
            f"/units/{unit.id}/roster/import",
            data={"year_id": str(year.id), "file": (io.BytesIO(data), filename),
                  "default_group": group},
            content_type="multipart/form-data",
        )

    return _upload
