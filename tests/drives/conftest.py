"""Fixtures for drive tests: a unit with its head and a drive, and people around it."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from webapp.models import Drive, Role, utcnow


@pytest.fixture
def people(db_session, make_area, make_unit, make_year, make_membership, grant, make_user):  # type: ignore[no-untyped-def]
    """A unit with a head, a member and an open drive; another unit; an aggregator; an admin."""
    user = make_user

    area, other_area = make_area(), make_area()
    unit = make_unit(area, name="Trường THPT Trần Phú")
    other_unit = make_unit(other_area)
    year = make_year()
    head, other_head = user("Hiệu Trưởng"), user("Hiệu Trưởng Khác")
    grant(head, Role.UNIT_HEAD, unit=unit)
    grant(other_head, Role.UNIT_HEAD, unit=other_unit)
    member, other_member = user("Thành Viên"), user("Thành Viên Khác")
    make_membership(unit, year, user=member, appendix="V")
    make_membership(other_unit, year, user=other_member)
    aggregator, aggregator_above, admin = user("Tổng Hợp Khác"), user("Tổng Hợp Trên"), user("Quản Trị")
    grant(aggregator, Role.AGGREGATOR, area=other_area)
    grant(aggregator_above, Role.AGGREGATOR, area=area)
    grant(admin, Role.ADMIN)
    drive = Drive(unit=unit, year=year, appendix="V", section="10A1",
                  expires_at=utcnow() + timedelta(days=7), created_by=head)
    db_session.add(drive)
    db_session.flush()
    return SimpleNamespace(
        unit=unit, other_unit=other_unit, year=year, head=head, other_head=other_head,
        member=member, other_member=other_member, aggregator=aggregator,
        aggregator_above=aggregator_above, admin=admin, drive=drive,
    )
