"""Fixtures of the heads' pages: a school with a head, a member who submitted, and outsiders."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from webapp.models import Role


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
def person(make_user):
    """The shared user factory (tests/conftest.py), under the name these tests use."""
    return make_user


@pytest.fixture
def scene(cast, make_user, grant):
    """The shared cast (a unit with a submitted assessment, another unit, aggregators, an admin)
    plus a second head of the unit."""
    second_head = make_user("Phó hiệu trưởng Lê Lợi")
    grant(second_head, Role.UNIT_HEAD, unit=cast.unit)
    return Scene(cast.unit, cast.other_unit, cast.year, cast.head, second_head, cast.member, cast.assessment,
                 cast.other_head, cast.other_member, cast.outside_aggregator, cast.aggregator, cast.admin)
