"""Permission matrix: every admin page answers admins only."""
from __future__ import annotations

from decimal import Decimal

import pytest

from webapp.models import Role, Target, User

# (method, url template); {area}, {unit}, {year}, {grant}, {target} are filled per test.
ENDPOINTS = [
    ("GET", "/admin/"),
    ("GET", "/admin/areas"),
    ("GET", "/admin/areas/new"),
    ("POST", "/admin/areas/new"),
    ("GET", "/admin/areas/{area}/edit"),
    ("POST", "/admin/areas/{area}/edit"),
    ("GET", "/admin/areas/{area}/move"),
    ("POST", "/admin/areas/{area}/move"),
    ("POST", "/admin/areas/{area}/delete"),
    ("GET", "/admin/units"),
    ("GET", "/admin/units/new"),
    ("POST", "/admin/units/new"),
    ("GET", "/admin/units/{unit}/edit"),
    ("POST", "/admin/units/{unit}/edit"),
    ("GET", "/admin/years"),
    ("GET", "/admin/years/new"),
    ("POST", "/admin/years/new"),
    ("POST", "/admin/years/{year}/toggle"),
    ("GET", "/admin/years/{year}/edit"),
    ("POST", "/admin/years/{year}/edit"),
    ("GET", "/admin/years/{year}/close"),
    ("POST", "/admin/years/{year}/close"),
    ("GET", "/admin/roles"),
    ("GET", "/admin/roles/new"),
    ("POST", "/admin/roles/new"),
    ("GET", "/admin/roles/{grant}/revoke"),
    ("POST", "/admin/roles/{grant}/revoke"),
    ("GET", "/admin/targets"),
    ("GET", "/admin/targets/new"),
    ("POST", "/admin/targets/new"),
    ("GET", "/admin/targets/{target}/edit"),
    ("POST", "/admin/targets/{target}/edit"),
    ("POST", "/admin/targets/{target}/delete"),
]
GET_PAGES = [url for method, url in ENDPOINTS if method == "GET"]


@pytest.fixture
def world(db_session, make_area, make_unit, make_year, make_membership, grant):
    """An area with a unit, a year, a target and one person in each role."""
    counter = iter(range(1, 100))

    def make_user(full_name):
        # No password: the matrix logs in through the session, and hashing is slow.
        user = User(full_name=full_name, phone=f"0970{next(counter):06d}", password_hash="!")
        db_session.add(user)
        db_session.flush()
        return user

    area = make_area("Thành phố Thử")
    unit = make_unit(area)
    year = make_year()
    target = Target(year=year, area=area, appendix=None, percentage=Decimal("55"))
    db_session.add(target)
    admin = make_user("Quản Trị Viên")
    grant(admin, Role.ADMIN)
    head = make_user("Thủ Trưởng")
    head_grant = grant(head, Role.UNIT_HEAD, unit=unit)
    aggregator = make_user("Tổng Hợp")
    grant(aggregator, Role.AGGREGATOR, area=area)
    member = make_user("Thành Viên")
    make_membership(unit, year, user=member)
    db_session.flush()
    return {
        "ids": {"area": area.id, "unit": unit.id, "year": year.id, "grant": head_grant.id,
                "target": target.id},
        "users": {"admin": admin, "head": head, "aggregator": aggregator, "member": member},
    }


def _call(client, method, url, ids):
    url = url.format(**ids)
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_anonymous_is_sent_to_login(client, world, method, url):
    response = _call(client, method, url, world["ids"])
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("who", ["head", "aggregator", "member"])
@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_non_admins_are_refused(login, world, who, method, url):
    client = login(world["users"][who])
    response = _call(client, method, url, world["ids"])
    assert response.status_code == 403


@pytest.mark.parametrize("url", GET_PAGES)
def test_admin_sees_every_page(login, world, url):
    client = login(world["users"]["admin"])
    response = client.get(url.format(**world["ids"]))
    assert response.status_code == 200
    assert "Quản trị" in response.get_data(as_text=True)


def test_admin_gets_404_for_missing_objects(login, world):
    client = login(world["users"]["admin"])
    for url in ("/admin/areas/999999/edit", "/admin/units/999999/edit",
                "/admin/targets/999999/edit"):
        assert client.get(url).status_code == 404
    assert client.post("/admin/years/999999/toggle").status_code == 404


def test_nav_and_home_card_only_for_admins(login, world):
    client = login(world["users"]["admin"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' in page
    assert "Mở trang quản trị" in page
    client = login(world["users"]["head"])
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' not in page
