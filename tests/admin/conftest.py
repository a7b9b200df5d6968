"""Fixtures of the administration pages: an administrator logged in."""
from __future__ import annotations

import pytest

from webapp.models import Role


@pytest.fixture
def admin(make_user, grant):
    user = make_user("Quản Trị Viên", phone="0911000111")
    grant(user, Role.ADMIN)
    return user


@pytest.fixture
def admin_client(login, admin):
    return login(admin)
