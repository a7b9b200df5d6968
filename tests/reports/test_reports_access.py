"""Who may open each report page and export: the exact answer for every role."""
from __future__ import annotations

import pytest

from webapp.models import Role, User

AREA_ROUTES = ["/reports/areas/{area}", "/reports/areas/{area}/units.csv",
               "/reports/areas/{area}/results.csv"]
UNIT_ROUTES = ["/reports/units/{unit}", "/reports/units/{unit}/results.csv"]

# role -> expected status for (area W1 routes, unit U_W1A routes)
MATRIX = {
    "anonymous": (302, 302),
    "member": (403, 403),
    "member_other_unit": (403, 403),
    "head": (403, 200),
    "head_other_unit": (403, 403),
    "aggregator_sibling": (403, 403),
    "aggregator_below": (403, 403),
    "aggregator_here": (200, 200),
    "aggregator_above": (200, 200),
    "admin": (200, 200),
}


@pytest.fixture
def people(seed, db_session, make_membership, grant):
    phones = iter(range(100))

    def user(name, role=None, **scope):
        person = User(full_name=name, phone=f"09660000{next(phones):02d}", password_hash="-")
        db_session.add(person)
        db_session.flush()
        if role is not None:
            grant(person, role, **scope)
        return person

    member = user("Thành viên")
    make_membership(seed.units["U_W1A"], seed.year, user=member, appendix="IV")
    other = user("Thành viên đơn vị khác")
    make_membership(seed.units["U_D2"], seed.year, user=other, appendix="IV")
    below = user("Tổng hợp cấp dưới")
    return {
        "member": member,
        "member_other_unit": other,
        "head": seed.head,
        "head_other_unit": user("Thủ trưởng khác", Role.UNIT_HEAD, unit=seed.units["U_D2"]),
        "aggregator_sibling": user("Tổng hợp huyện hai", Role.AGGREGATOR, area=seed.areas["D2"]),
        "aggregator_below": below,
        "aggregator_here": user("Tổng hợp xã", Role.AGGREGATOR, area=seed.areas["W1"]),
        "aggregator_above": user("Tổng hợp tỉnh", Role.AGGREGATOR, area=seed.areas["R"]),
        "admin": user("Quản trị", Role.ADMIN),
    }


@pytest.mark.parametrize("role", list(MATRIX))
def test_access_matrix(role, seed, people, client, login, make_area, grant):
    if role == "aggregator_below":
        hamlet = make_area("Ấp dưới xã", parent=seed.areas["W1"], level="Ấp", code="H1")
        grant(people[role], Role.AGGREGATOR, area=hamlet)
    if role != "anonymous":
        login(people[role])
    area_status, unit_status = MATRIX[role]
    for route in AREA_ROUTES:
        url = route.format(area=seed.areas["W1"].id) + f"?year={seed.year.id}"
        response = client.get(url)
        response.close()  # end a streamed download before the next request
        assert response.status_code == area_status, (role, url)
        if area_status == 302:
            assert response.headers["Location"].startswith("/login")
    for route in UNIT_ROUTES:
        url = route.format(unit=seed.units["U_W1A"].id) + f"?year={seed.year.id}"
        response = client.get(url)
        response.close()
        assert response.status_code == unit_status, (role, url)
        if unit_status == 302:
            assert response.headers["Location"].startswith("/login")


def test_aggregator_cannot_climb_above_their_node(seed, people, login):
    client = login(people["aggregator_here"])
    assert client.get(f"/reports/areas/{seed.areas['D1'].id}").status_code == 403
    assert client.get(f"/reports/areas/{seed.areas['R'].id}/units.csv").status_code == 403
    assert client.get(f"/reports/units/{seed.units['U_D1'].id}").status_code == 403


def test_missing_area_or_unit_is_404(seed, people, login):
    client = login(people["admin"])
    assert client.get("/reports/areas/999999").status_code == 404
    assert client.get("/reports/units/999999/results.csv").status_code == 404


@pytest.mark.parametrize("role, location", [
    ("aggregator_here", "/reports/areas/{W1}"),
    ("head", "/reports/units/{U_W1A}"),
])
def test_index_redirects_each_person(role, location, seed, people, login):
    response = login(people[role]).get("/reports/")
    assert response.status_code == 302
    assert response.headers["Location"] == location.format(
        W1=seed.areas["W1"].id, U_W1A=seed.units["U_W1A"].id)


def test_index_for_admin_lists_or_redirects_to_roots(seed, people, login, db_session):
    from sqlalchemy import select

    from webapp.models import Area

    client = login(people["admin"])
    roots = db_session.scalars(select(Area).where(Area.parent_id.is_(None))).all()
    response = client.get("/reports/")
    if len(roots) == 1:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "Tỉnh Thử Nghiệm" in response.get_data(as_text=True)


def test_index_refuses_members_and_anonymous(seed, people, login, client):
    assert client.get("/reports/").status_code == 302
    assert login(people["member"]).get("/reports/").status_code == 403
