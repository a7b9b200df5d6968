"""Who may open each page of the member's journey: only the owner (others 403, anonymous to login)."""
from __future__ import annotations

import re

import pytest

from tests.conftest import evidence_notes
from webapp.assessments import operations
from webapp.models import Assessment, AssessmentStatus, Role

ROLES = ["anonymous", "owner", "member_same_unit", "member_other_unit", "head_this_unit",
         "head_other_unit", "aggregator_this_area", "aggregator_other_area", "admin"]
ALL_8 = {str(c): 8 for c in range(1, 11)}


@pytest.fixture
def people(make_area, make_unit, make_year, make_membership, grant, make_user):  # type: ignore[no-untyped-def]
    province = make_area()
    ward = make_area(parent=province, level="Phường/Xã")
    other_area = make_area()
    unit = make_unit(area=ward)
    other_unit = make_unit(area=other_area)
    year = make_year()
    users = {role: make_user(role) for role in ROLES if role != "anonymous"}
    line = make_membership(unit, year, user=users["owner"], appendix="IV")
    make_membership(unit, year, user=users["member_same_unit"], appendix="IV")
    make_membership(other_unit, year, user=users["member_other_unit"], appendix="IV")
    grant(users["head_this_unit"], Role.UNIT_HEAD, unit=unit)
    grant(users["head_other_unit"], Role.UNIT_HEAD, unit=other_unit)
    grant(users["aggregator_this_area"], Role.AGGREGATOR, area=province)
    grant(users["aggregator_other_area"], Role.AGGREGATOR, area=other_area)
    grant(users["admin"], Role.ADMIN)
    return users, line


def as_role(role, users, client, login):  # type: ignore[no-untyped-def]
    return client if role == "anonymous" else login(users[role])


def expect(role: str, owner_code: int, reply) -> None:  # type: ignore[no-untyped-def]
    if role == "anonymous":
        assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    elif role == "owner":
        assert reply.status_code == owner_code
    else:
        assert reply.status_code == 403
        assert "Không có quyền truy cập" in reply.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_list_needs_login_only(role, people, client, login):
    users, _line = people
    reply = as_role(role, users, client, login).get("/assess/")
    if role == "anonymous":
        assert reply.status_code == 302 and "/login" in reply.headers["Location"]
    else:
        assert reply.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_start(role, people, client, login, db_session):
    users, line = people
    reply = as_role(role, users, client, login).post(f"/assess/start/{line.id}")
    expect(role, 302, reply)
    db_session.expire_all()
    assert (line.assessment is not None) == (role == "owner")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_form(role, method, people, client, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    browser = as_role(role, users, client, login)
    if method == "get":
        reply = browser.get(f"/assess/{assessment.id}")
        expect(role, 200, reply)
    else:
        data = {f"answer-{c}": "10" for c in ALL_8} | {"action": "submit"}
        data |= {f"note-{code}": text for code, text in evidence_notes().items()}
        reply = browser.post(f"/assess/{assessment.id}", data=data)
        expect(role, 302, reply)
        db_session.expire_all()
        status = db_session.get(Assessment, assessment.id).status
        assert status is (AssessmentStatus.SUBMITTED if role == "owner" else AssessmentStatus.DRAFT)


@pytest.mark.parametrize("role", ROLES)
def test_status(role, people, client, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    operations.submit(db_session, users["owner"], assessment, ALL_8, evidence_notes())
    reply = as_role(role, users, client, login).get(f"/assess/{assessment.id}/status")
    expect(role, 200, reply)


@pytest.mark.parametrize("role", ROLES)
def test_withdraw(role, people, client, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    operations.submit(db_session, users["owner"], assessment, ALL_8, evidence_notes())
    reply = as_role(role, users, client, login).post(f"/assess/{assessment.id}/withdraw")
    expect(role, 302, reply)
    db_session.expire_all()
    status = db_session.get(Assessment, assessment.id).status
    assert status is (AssessmentStatus.DRAFT if role == "owner" else AssessmentStatus.SUBMITTED)


@pytest.mark.parametrize("url", ["/assess/999999", "/assess/999999/status"])
def test_missing_assessment_is_404(url, people, login):
    users, _line = people
    assert login(users["owner"]).get(url).status_code == 404


def test_missing_roster_line_is_404(people, login):
    users, _line = people
    assert login(users["owner"]).post("/assess/start/999999").status_code == 404


def test_withdraw_after_the_head_acted_explains(people, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    operations.submit(db_session, users["owner"], assessment, ALL_8, evidence_notes())
    operations.confirm(db_session, users["head_this_unit"], assessment, assessment.version)
    reply = login(users["owner"]).post(f"/assess/{assessment.id}/withdraw", follow_redirects=True)
    assert reply.status_code == 200
    assert "không thể thực hiện thao tác này" in reply.get_data(as_text=True)


def test_members_qr_opens_the_review_for_the_head(people, client, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    operations.submit(db_session, users["owner"], assessment, ALL_8, evidence_notes())
    page = login(users["owner"]).get(f"/assess/{assessment.id}/status").get_data(as_text=True)
    scan = re.search(r"http://localhost(/scan/[\w.-]+)", page).group(1)
    with client.session_transaction() as session:
        session.clear()
    reply = login(users["head_this_unit"]).get(scan)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/review/{assessment.id}")


def test_csrf_is_required_on_every_post(app, people, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    client = login(users["owner"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in (f"/assess/start/{line.id}", f"/assess/{assessment.id}",
                    f"/assess/{assessment.id}/withdraw"):
            reply = client.post(url, data={"action": "save"})
            assert reply.status_code == 400, url
            assert "Phiên làm việc đã hết hạn" in reply.get_data(as_text=True)
        # With the token from the page, the same post goes through.
        page = client.get(f"/assess/{assessment.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        reply = client.post(f"/assess/{assessment.id}", data={"action": "save", "csrf_token": token,
                                                              "answer-1": "5"})
        assert reply.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_pages_carry_no_inline_script_or_style(people, login, db_session):
    users, line = people
    assessment = operations.start(db_session, users["owner"], line)
    client = login(users["owner"])
    for url in ("/assess/", f"/assess/{assessment.id}", f"/assess/{assessment.id}/status"):
        page = client.get(url).get_data(as_text=True)
        assert " style=" not in page and "<style" not in page
        for tag in re.findall(r"<script[^>]*>", page):
            assert 'type="application/json"' in tag or " src=" in tag, tag
