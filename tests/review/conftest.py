"""Fixtures of the heads' pages: a school with a head, a member who submitted, and outsiders."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from webapp.models import Role, User


@dataclass
class Scene:
    unit: Any
    other_unit: Any
    year: Any
    head: Any
    second_head: Any
    member: Any
    assessment: Any
    other_head: Any
    other_member: Any
    outside_aggregator: Any
    aggregator: Any
    admin: Any


@pytest.fixture
def person(db_session):
    """A user who never types a password (tests log in through the session): no slow hashing."""
    created = iter(range(1, 1000))

    def _make(full_name: str) -> User:
        user = User(full_name=full_name, email=f"review-{id(created)}-{next(created)}@example.test",
                    password_hash="!")
        db_session.add(user)
        db_session.flush()
        return user

    return _make


@pytest.fixture
def scene(make_area, make_unit, person, make_year, grant, make_assessment, make_membership):
    """One unit with two heads and a submitted assessment; another unit; aggregators; an admin."""
    province = make_area(name="Thành phố")
    ward = make_area(name="Phường Một", parent=province, level="Phường")
    elsewhere = make_area(name="Tỉnh khác")
    unit = make_unit(area=ward, name="Trường THPT Lê Lợi")
    other_unit = make_unit(area=elsewhere, name="Trường THPT Trần Phú")
    year = make_year()
    head = person("Hiệu trưởng Lê Lợi")
    second_head = person("Phó hiệu trưởng Lê Lợi")
    grant(head, Role.UNIT_HEAD, unit=unit)
    grant(second_head, Role.UNIT_HEAD, unit=unit)
    member = person("Trần Thị Bình")
    assessment = make_assessment(unit=unit, year=year, user=member, appendix="V", points=8,
                                 submit=True, section="10A1")
    other_head = person("Hiệu trưởng Trần Phú")
    grant(other_head, Role.UNIT_HEAD, unit=other_unit)
    other_member = person("Học sinh Trần Phú")
    make_membership(other_unit, year, user=other_member, appendix="V")
    outside_aggregator = person("Cán bộ tỉnh khác")
    grant(outside_aggregator, Role.AGGREGATOR, area=elsewhere)
    aggregator = person("Cán bộ thành phố")
    grant(aggregator, Role.AGGREGATOR, area=province)
    admin = person("Quản trị")
    grant(admin, Role.ADMIN)
    return Scene(unit, other_unit, year, head, second_head, member, assessment, other_head,
                 other_member, outside_aggregator, aggregator, admin)
