"""Every roster route: heads of the unit and admins only; the exact answer for everyone else."""
from __future__ import annotations

import pytest

ROUTES = [
    ("get", "/units/{unit}/roster", 200),
    ("get", "/units/{unit}/roster/add", 200),
    ("post", "/units/{unit}/roster/add", 422),
    ("get", "/units/{unit}/roster/{line}/edit", 200),
    ("post", "/units/{unit}/roster/{line}/edit", 422),
    ("post", "/units/{unit}/roster/{line}/remove", 302),
    ("get", "/units/{unit}/roster/import", 200),
    ("post", "/units/{unit}/roster/import", 422),
    ("post", "/units/{unit}/roster/import/confirm", 400),
    ("get", "/units/{unit}/roster/template.csv", 200),
    ("get", "/units/{unit}/roster/rollover", 200),
    ("post", "/units/{unit}/roster/rollover", 400),
]
REFUSED = ["member", "other_member", "other_head", "aggregator", "aggregator_above"]


@pytest.fixture
def line(world, make_membership):  # type: ignore[no-untyped-def]
    return make_membership(world.unit, world.year, full_name="Dòng Thử")


def _url(path, world, line):  # type: ignore[no-untyped-def]
    return path.format(unit=world.unit.id, line=line.id)


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
def test_anonymous_is_sent_to_login(world, line, client, method, path, allowed_status):  # type: ignore[no-untyped-def]
    response = getattr(client, method)(_url(path, world, line))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
@pytest.mark.parametrize("who", REFUSED)
def test_others_are_refused(world, line, login, method, path, allowed_status, who):  # type: ignore[no-untyped-def]
    client = login(getattr(world, who))
    assert getattr(client, method)(_url(path, world, line)).status_code == 403


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
@pytest.mark.parametrize("who", ["head", "admin"])
def test_head_and_admin_are_allowed(world, line, login, method, path, allowed_status, who):  # type: ignore[no-untyped-def]
    client = login(getattr(world, who))
    assert getattr(client, method)(_url(path, world, line)).status_code == allowed_status


@pytest.mark.parametrize("method, path, allowed_status", ROUTES)
def test_unknown_unit_is_not_found(world, line, login, method, path, allowed_status):  # type: ignore[no-untyped-def]
    client = login(world.admin)
    assert getattr(client, method)(path.format(unit=987654, line=line.id)).status_code == 404


def test_csrf_is_required_for_roster_changes(world, line, login, app):  # type: ignore[no-untyped-def]
    client = login(world.head)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in (f"/units/{world.unit.id}/roster/{line.id}/remove",
                    f"/units/{world.unit.id}/roster/add",
                    f"/units/{world.unit.id}/roster/import/confirm",
                    f"/units/{world.unit.id}/roster/rollover"):
            assert client.post(url).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
