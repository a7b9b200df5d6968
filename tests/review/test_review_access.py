"""Who may open the heads' pages: the exact answer for every role."""
from __future__ import annotations

import pytest

from webapp.assessments import operations
from webapp.tokens import MEMBER_QR, make_token

HEADS = ("head", "second_head", "aggregator")
REFUSED = ("member", "other_member", "other_head", "outside_aggregator", "admin")


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
def test_heads_and_aggregators_above_open_queue_and_review(app, login, scene, who):
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
    ("head", 200), ("aggregator", 200), ("member", 403), ("other_head", 403),
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
