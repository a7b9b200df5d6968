"""Who may open the heads' pages: the exact answer for every role."""
from __future__ import annotations

import pytest

from webapp.assessments import operations
from webapp.tokens import MEMBER_QR, make_token

HEADS = ("head", "second_head")
# Aggregators read results in their reports; they never act on a member's form (issue 10).
REFUSED = ("member", "other_member", "other_head", "aggregator", "outside_aggregator", "admin")


def _urls(app, scene):
    with app.app_context():
        token = make_token(MEMBER_QR, scene.assessment.id)
    return {
        "queue": f"/units/{scene.unit.id}/queue",
        "scan": f"/scan/{token}",
        "review": f"/review/{scene.assessment.id}",
    }


@pytest.mark.parametrize("page", ["queue", "scan", "review"])
def test_anonymous_is_sent_to_login_and_back(app, client, scene, page):
    url = _urls(app, scene)[page]
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.location
    assert "next=" in response.location


@pytest.mark.parametrize("page", ["queue", "scan", "review"])
@pytest.mark.parametrize("who", REFUSED)
def test_people_outside_the_unit_are_refused(app, login, scene, page, who):
    response = login(getattr(scene, who)).get(_urls(app, scene)[page])
    assert response.status_code == 403


@pytest.mark.parametrize("who", HEADS)
def test_heads_open_queue_and_review(app, login, scene, who):
    client = login(getattr(scene, who))
    urls = _urls(app, scene)
    assert client.get(urls["queue"]).status_code == 200
    assert client.get(urls["review"]).status_code == 200
    scanned = client.get(urls["scan"])
    assert scanned.status_code == 302
    assert scanned.location.endswith(f"/review/{scene.assessment.id}")


def test_member_cannot_review_own_assessment(app, login, scene):
    client = login(scene.member)
    for url in (_urls(app, scene)["review"], _urls(app, scene)["scan"]):
        response = client.get(url)
        assert response.status_code == 403
        assert "Bạn không thể tự xác nhận phiếu của mình" in response.get_data(as_text=True)


def test_head_cannot_review_own_assessment_in_own_unit(db_session, login, scene, make_assessment):
    own = make_assessment(unit=scene.unit, year=scene.year, user=scene.head, submit=True)
    response = login(scene.head).post(f"/review/{own.id}", data={"action": "confirm",
                                                                 "version": own.version})
    assert response.status_code == 403
    assert "Bạn không thể tự xác nhận phiếu của mình" in response.get_data(as_text=True)
    db_session.expire_all()
    assert own.status.value == "submitted"


def test_post_by_head_of_another_unit_is_refused_and_changes_nothing(db_session, login, scene):
    response = login(scene.other_head).post(
        f"/review/{scene.assessment.id}", data={"action": "confirm", "version": scene.assessment.version}
    )
    assert response.status_code == 403
    db_session.expire_all()
    assert scene.assessment.status.value == "submitted"


@pytest.mark.parametrize("who,expected", [
    ("head", 200), ("aggregator", 403), ("member", 403), ("other_head", 403),
    ("outside_aggregator", 403), ("admin", 403),
])
def test_revoke_page_access(db_session, login, scene, who, expected):
    operations.confirm(db_session, scene.head, scene.assessment, scene.assessment.version)
    response = login(getattr(scene, who)).get(f"/review/{scene.assessment.id}/revoke")
    assert response.status_code == expected


def test_revoke_page_anonymous(client, scene):
    response = client.get(f"/review/{scene.assessment.id}/revoke")
    assert response.status_code == 302 and "/login" in response.location


def test_unknown_unit_and_assessment_are_404(login, scene):
    client = login(scene.head)
    assert client.get("/units/999999/queue").status_code == 404
    assert client.get("/review/999999").status_code == 404


def test_review_index_lists_headed_units_only_for_heads(client, login, scene):
    assert client.get("/review/").status_code == 302
    assert login(scene.member).get("/review/").status_code == 403
    response = login(scene.head).get("/review/")
    assert response.status_code == 200
    assert scene.unit.name in response.get_data(as_text=True)


def _decision(assessment, action="confirm"):
    data = {"action": action, "version": assessment.version, "reason": "Không đủ minh chứng"}
    for answer in assessment.answers:
        data[f"points_{answer.index_code}"] = answer.self_value
        data[f"comment_{answer.index_code}"] = "Cần bổ sung" if action == "return" else ""
    return data


@pytest.mark.parametrize("action", ["confirm", "return", "reject"])
def test_an_aggregator_above_cannot_act_on_a_members_form(db_session, login, scene, action):
    client = login(scene.aggregator)
    refused = client.post(f"/review/{scene.assessment.id}", data=_decision(scene.assessment, action))
    assert refused.status_code == 403
    assert "cán bộ tổng hợp xem kết quả" in refused.get_data(as_text=True)
    bulk = client.post(f"/units/{scene.unit.id}/queue/confirm",
                       data={"pick": f"{scene.assessment.id}:{scene.assessment.version}"})
    assert bulk.status_code == 403
    db_session.expire_all()
    assert scene.assessment.status.value == "submitted"


@pytest.fixture
def heads_form(scene, make_assessment, make_area, make_unit, make_user, grant):
    """The head's own submitted form; an aggregator of the ward that manages the school."""
    from webapp.models import Role

    own = make_assessment(unit=scene.unit, year=scene.year, user=scene.head, submit=True)
    ward = scene.unit.area
    ward_officer = make_user("Cán bộ Phòng Văn hóa - Xã hội")
    grant(ward_officer, Role.AGGREGATOR, area=ward)
    elsewhere_unit = make_unit(area=make_area(name="Phường khác", parent=ward.parent), name="Trường khác")
    other_ward_head = make_user("Hiệu trưởng trường khác")
    grant(other_ward_head, Role.UNIT_HEAD, unit=elsewhere_unit)
    other_ward_form = make_assessment(unit=elsewhere_unit, year=scene.year, user=other_ward_head, submit=True)
    return own, ward_officer, other_ward_form


@pytest.mark.parametrize("who,allowed", [
    ("head", False), ("second_head", True), ("ward_officer", True), ("aggregator", False),
    ("outside_aggregator", False), ("other_head", False), ("member", False), ("admin", False),
])
def test_who_confirms_a_heads_own_form(login, scene, heads_form, who, allowed):
    own, ward_officer, _ = heads_form
    person = ward_officer if who == "ward_officer" else getattr(scene, who)
    page = login(person).get(f"/review/{own.id}")
    assert (page.status_code == 200) is allowed, (who, page.status_code)


def test_the_ward_officer_confirms_a_head_from_his_menu(db_session, login, scene, heads_form):
    own, ward_officer, other_ward_form = heads_form
    client = login(ward_officer)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/review/heads"' in home and "Phiếu của thủ trưởng" in home
    listing = client.get("/review/heads").get_data(as_text=True)
    assert f'href="/review/{own.id}"' in listing and scene.unit.name in listing
    assert f"/review/{other_ward_form.id}" not in listing  # another ward's school
    assert f"/review/{scene.assessment.id}" not in listing  # a member, not a head
    response = client.post(f"/review/{own.id}", data=_decision(own))
    assert response.status_code == 302 and response.location.endswith("/review/heads")
    db_session.expire_all()
    assert own.status.value == "confirmed" and own.decided_by_id == ward_officer.id
    # The province's officer is not the level that manages the school: an empty list.
    assert f"/review/{own.id}" not in login(scene.aggregator).get("/review/heads").get_data(as_text=True)


def test_a_head_does_not_find_his_own_form_in_his_queue(login, scene, heads_form):
    own, _, _ = heads_form
    mine = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    assert f"/review/{own.id}" not in mine and "Không thể tự xác nhận" not in mine
    assert f"/review/{scene.assessment.id}" in mine
    assert f"/review/{own.id}" in login(scene.second_head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)


def test_the_consent_text_says_who_confirms_whom(client):
    page = client.get("/register").get_data(as_text=True)
    assert "Phiếu của thủ trưởng do một thủ trưởng khác của đơn vị hoặc cán bộ tổng hợp" in page
    assert "không sửa hay xác nhận" in page


def test_the_head_reads_who_confirms_his_own_form_and_who_did(db_session, login, scene, heads_form):
    own, ward_officer, _ = heads_form
    client = login(scene.head)
    waiting = client.get(f"/assess/{own.id}/status").get_data(as_text=True)
    assert "phiếu của bạn do một thủ trưởng khác của đơn vị hoặc cán bộ tổng hợp" in waiting
    member_page = login(scene.member).get(f"/assess/{scene.assessment.id}/status").get_data(as_text=True)
    assert "Thủ trưởng đơn vị sẽ xem và xác nhận kết quả" in member_page
    assert login(ward_officer).post(f"/review/{own.id}", data=_decision(own)).status_code == 302
    client = login(scene.head)
    done = client.get(f"/assess/{own.id}/status").get_data(as_text=True)
    assert "Cán bộ Phòng Văn hóa - Xã hội đã xác nhận phiếu" in done and "Thủ trưởng Cán bộ" not in done
