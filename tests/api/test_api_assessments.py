"""The JSON API of the offline form: drafts, idempotent submission, access, CSRF."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from webapp.assessments import operations
from webapp.models import AssessmentStatus, AuditEvent, CriteriaVersion, Role


def answers(points: int = 8) -> dict[str, int]:
    return {str(code): points for code in range(1, 11)}


def submit_events(db_session, assessment) -> int:
    return db_session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.subject_type == "assessment", AuditEvent.subject_id == assessment.id,
            AuditEvent.action == "submit",
        )
    )


@pytest.fixture
def draft(make_assessment):
    return make_assessment(points=8)


def owner_of(assessment):
    return assessment.membership.user


# Reading -------------------------------------------------------------------------------

def test_get_assessment_for_owner(login, draft):
    reply = login(owner_of(draft)).get(f"/api/assessments/{draft.id}")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["id"] == draft.id
    assert body["status"] == "draft"
    assert body["status_label"] == "Bản nháp"
    assert body["answers"] == answers(8)
    assert body["criteria_key"] == "IV@2026.1"  # a new assessment uses the newest version
    assert isinstance(body["version"], int)
    assert reply.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method,suffix", [("get", ""), ("put", "/draft"), ("post", "/submit")])
def test_unknown_assessment_is_404_json(login, draft, method, suffix):
    reply = _call(login(owner_of(draft)), method, f"/api/assessments/999999{suffix}")
    assert reply.status_code == 404
    assert reply.is_json
    assert reply.get_json()["message"] == "Không tìm thấy nội dung này; có thể nó đã bị xóa."


def test_csrf_endpoint(client, login, make_user):
    assert client.get("/api/csrf").status_code == 401
    reply = login(make_user()).get("/api/csrf")
    assert reply.status_code == 200
    assert reply.get_json()["csrf_token"]


def test_criteria_are_public(client):
    reply = client.get("/api/criteria/IV@2023.1")
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["code"] == "IV"
    assert client.get("/api/criteria/IX@9.9").status_code == 404


# Access matrix ----------------------------------------------------------------------------

ROLES = ["anonymous", "member_other_unit", "head_this_unit", "head_other_unit",
         "aggregator_other_area", "admin"]


@pytest.fixture
def actor(request, login, client, draft, make_user, make_unit, make_area, make_assessment, grant):
    role = request.param
    unit = draft.membership.unit
    if role == "anonymous":
        return client
    user = make_user()
    if role == "member_other_unit":
        make_assessment(user=user)
    elif role == "head_this_unit":
        grant(user, Role.UNIT_HEAD, unit=unit)
    elif role == "head_other_unit":
        grant(user, Role.UNIT_HEAD, unit=make_unit())
    elif role == "aggregator_other_area":
        grant(user, Role.AGGREGATOR, area=make_area())
    elif role == "admin":
        grant(user, Role.ADMIN)
    return login(user)


def _call(client, method: str, path: str):
    body = {"answers": answers(8), "notes": {}, "client_id": str(uuid.uuid4())}
    return getattr(client, method)(path, json=body)


@pytest.mark.parametrize("actor", ROLES, indirect=True)
@pytest.mark.parametrize("method,suffix", [("get", ""), ("put", "/draft"), ("post", "/submit")])
def test_only_the_owner_reaches_the_assessment(actor, draft, db_session, request, method, suffix):
    reply = _call(actor, method, f"/api/assessments/{draft.id}{suffix}")
    expected = 401 if request.node.callspec.params["actor"] == "anonymous" else 403
    assert reply.status_code == expected
    assert reply.is_json and "message" in reply.get_json()
    assert "Location" not in reply.headers
    db_session.expire_all()
    assert draft.status is AssessmentStatus.DRAFT


def test_anonymous_gets_401_json_not_a_redirect(client, draft):
    reply = client.put(f"/api/assessments/{draft.id}/draft", json={"answers": {}})
    assert reply.status_code == 401
    assert reply.get_json()["message"]


def test_a_phone_kept_in_by_its_remember_cookie_alone_saves_and_submits(client, draft, make_assessment,
                                                                         db_session):
    """The session cookie gone (the browser closed), the remember cookie logs the member in on the
    save itself: the form is read after the login, and only the member's own is open."""
    member = owner_of(draft)
    assert client.post("/login", data={"contact": member.login_name, "password": PASSWORD,
                                       "remember": "y"}).status_code == 302
    someone_else = make_assessment(points=8)
    missing = someone_else.id + 1000
    for method, path, body, expected in [
        ("put", f"/api/assessments/{draft.id}/draft", {"answers": {"1": 10}}, 200),
        ("put", f"/api/assessments/{someone_else.id}/draft", {"answers": {"1": 10}}, 403),
        ("post", f"/api/assessments/{missing}/submit", {"answers": answers(9), "client_id": str(uuid.uuid4())}, 404),
        ("post", f"/api/assessments/{draft.id}/submit", {"answers": answers(9), "client_id": str(uuid.uuid4())}, 200),
    ]:
        client.delete_cookie("session")
        assert client.get_cookie("remember_token") is not None
        reply = getattr(client, method)(path, json=body)
        assert reply.status_code == expected, (path, reply.get_data(as_text=True))
    db_session.expire_all()
    assert draft.status is AssessmentStatus.SUBMITTED and draft.self_total == 90
    assert someone_else.answers_by_index()["1"].self_value == 8


# Drafts -------------------------------------------------------------------------------------

def test_save_draft(login, draft, db_session):
    api = login(owner_of(draft))
    reply = api.put(f"/api/assessments/{draft.id}/draft",
                    json={"answers": {"1": 10, "2": None}, "notes": {"1": "Đọc sách mỗi tối"}})
    assert reply.status_code == 200
    assert reply.get_json()["status"] == "draft"
    assert isinstance(reply.get_json()["saved_at"], int)
    db_session.expire_all()
    by_index = draft.answers_by_index()
    assert by_index["1"].self_value == 10
    assert by_index["2"].self_value is None
    assert by_index["1"].evidence_note == "Đọc sách mỗi tối"


@pytest.mark.parametrize("body", [
    {"answers": {"1": 11}},
    {"answers": {"1": -1}},
    {"answers": {"1": "8"}},
    {"answers": {"1": 8.5}},
    {"answers": {"99": 5}},
    {"notes": {"1": "x" * 501}},
    {"answers": [1, 2]},
    {"answers": {"1": 5}, "extra": True},
])
def test_save_draft_rejects_bad_values(login, draft, db_session, body):
    reply = login(owner_of(draft)).put(f"/api/assessments/{draft.id}/draft", json=body)
    assert reply.status_code == 422
    assert reply.get_json()["message"]
    db_session.expire_all()
    assert draft.answers_by_index()["1"].self_value == 8


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"answers": {"3": "8"}}, "answers", "Điểm phải là số nguyên (hoặc để trống nếu chưa chấm)."),
    ({"answers": {"3": True}}, "answers", "Điểm phải là số nguyên (hoặc để trống nếu chưa chấm)."),
    ({"notes": {"3": None}}, "notes", "Ghi chú của mỗi chỉ số phải là chữ."),
    ({"notes": {"3": "x" * 501}}, "notes", "Ghi chú mỗi chỉ số tối đa 500 ký tự."),
])
def test_a_refused_value_is_named_by_its_index_in_vietnamese(login, draft, db_session, body, field, message):
    reply = login(owner_of(draft)).put(f"/api/assessments/{draft.id}/draft", json=body)
    assert reply.status_code == 422
    assert reply.get_json()["message"] == message
    assert reply.get_json()["fields"] == {field: {"3": [message]}}
    db_session.expire_all()
    assert draft.answers_by_index()["3"].self_value == 8


def test_the_whole_form_as_a_phone_sends_it_is_saved(login, draft, db_session):
    notes = {str(code): f"Minh chứng {code}" for code in range(1, 11)}
    reply = login(owner_of(draft)).put(f"/api/assessments/{draft.id}/draft",
                                       json={"answers": {**answers(8), "4": 10, "7": None}, "notes": notes})
    assert reply.status_code == 200
    db_session.expire_all()
    stored = draft.answers_by_index()
    assert (stored["4"].self_value, stored["7"].self_value, stored["1"].self_value) == (10, None, 8)
    assert {code: answer.evidence_note for code, answer in stored.items()} == notes


def test_save_draft_rejects_non_json(login, draft):
    reply = login(owner_of(draft)).put(f"/api/assessments/{draft.id}/draft", data="answers=1",
                                      content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 422


def test_save_draft_after_submission_is_409(login, make_assessment):
    submitted = make_assessment(submit=True)
    reply = login(owner_of(submitted)).put(f"/api/assessments/{submitted.id}/draft",
                                           json={"answers": {"1": 5}})
    assert reply.status_code == 409
    assert "Đã gửi" in reply.get_json()["message"]


# Submitting -------------------------------------------------------------------------------

def test_submit_and_replay_is_idempotent(login, draft, db_session):
    api = login(owner_of(draft))
    body = {"client_id": str(uuid.uuid4()), "answers": answers(10), "notes": {"3": "CLB"}}
    first = api.post(f"/api/assessments/{draft.id}/submit", json=body)
    assert first.status_code == 200
    reply = first.get_json()
    assert reply == {
        "status": "submitted", "assessment_id": draft.id, "self_total": 100,
        "self_achieved": True, "status_url": f"/assess/{draft.id}/status",
    }
    again = api.post(f"/api/assessments/{draft.id}/submit", json=body)
    assert again.status_code == 200
    assert again.get_json() == reply
    db_session.expire_all()
    assert draft.status is AssessmentStatus.SUBMITTED
    assert draft.client_id == body["client_id"]
    assert submit_events(db_session, draft) == 1


def test_replay_after_withdraw_changes_nothing(login, draft, db_session):
    api = login(owner_of(draft))
    body = {"client_id": str(uuid.uuid4()), "answers": answers(10), "notes": {}}
    first = api.post(f"/api/assessments/{draft.id}/submit", json=body).get_json()
    db_session.expire_all()
    operations.withdraw(db_session, owner_of(draft), draft)
    db_session.flush()
    again = api.post(f"/api/assessments/{draft.id}/submit", json=body)
    assert again.status_code == 200 and again.get_json() == first
    db_session.expire_all()
    assert draft.status is AssessmentStatus.DRAFT
    assert submit_events(db_session, draft) == 1


def test_replay_after_head_confirmed_gives_same_reply(login, draft, db_session, make_user, grant):
    api = login(owner_of(draft))
    body = {"client_id": str(uuid.uuid4()), "answers": answers(10), "notes": {}}
    first = api.post(f"/api/assessments/{draft.id}/submit", json=body).get_json()
    head = make_user()
    grant(head, Role.UNIT_HEAD, unit=draft.membership.unit)
    db_session.expire_all()
    operations.confirm(db_session, head, draft, draft.version)
    db_session.flush()
    again = api.post(f"/api/assessments/{draft.id}/submit", json=body)
    assert again.status_code == 200 and again.get_json() == first
    db_session.expire_all()
    assert draft.status is AssessmentStatus.CONFIRMED


def test_new_submission_after_head_confirmed_is_409(login, draft, db_session, make_user, grant):
    api = login(owner_of(draft))
    api.post(f"/api/assessments/{draft.id}/submit",
             json={"client_id": str(uuid.uuid4()), "answers": answers(10)})
    head = make_user()
    grant(head, Role.UNIT_HEAD, unit=draft.membership.unit)
    db_session.expire_all()
    operations.confirm(db_session, head, draft, draft.version)
    db_session.flush()
    reply = api.post(f"/api/assessments/{draft.id}/submit",
                     json={"client_id": str(uuid.uuid4()), "answers": answers(5)})
    assert reply.status_code == 409
    assert "Đã xác nhận" in reply.get_json()["message"]
    db_session.expire_all()
    assert draft.status is AssessmentStatus.CONFIRMED
    assert draft.answers_by_index()["1"].self_value == 10


def test_client_id_of_another_assessment_is_409(login, make_assessment, db_session):
    mine = make_assessment()
    other = make_assessment(submit=False)
    client_id = str(uuid.uuid4())
    login(owner_of(other)).post(f"/api/assessments/{other.id}/submit",
                                json={"client_id": client_id, "answers": answers(8)})
    reply = login(owner_of(mine)).post(f"/api/assessments/{mine.id}/submit",
                                       json={"client_id": client_id, "answers": answers(8)})
    assert reply.status_code == 409
    db_session.expire_all()
    assert mine.status is AssessmentStatus.DRAFT


def test_submit_out_of_range_is_422(login, draft, db_session):
    values = answers(8) | {"4": 12}
    reply = login(owner_of(draft)).post(f"/api/assessments/{draft.id}/submit",
                                        json={"client_id": str(uuid.uuid4()), "answers": values})
    assert reply.status_code == 422
    assert reply.get_json()["message"] == "Điểm của chỉ số 4 phải là số nguyên từ 0 đến 10."  # the 2026.1 scale
    db_session.expire_all()
    assert draft.status is AssessmentStatus.DRAFT
    assert submit_events(db_session, draft) == 0


def test_submit_incomplete_is_422_and_keeps_the_draft(login, draft, db_session):
    values = answers(8) | {"7": None}
    reply = login(owner_of(draft)).post(f"/api/assessments/{draft.id}/submit",
                                        json={"client_id": str(uuid.uuid4()), "answers": values})
    assert reply.status_code == 422
    assert "7" in reply.get_json()["message"]
    db_session.expire_all()
    assert draft.status is AssessmentStatus.DRAFT
    assert draft.answers_by_index()["7"].self_value == 8  # the failed request wrote nothing


@pytest.mark.parametrize("client_id", [None, "", "not-a-uuid"])
def test_submit_needs_a_client_id(login, draft, client_id):
    body = {"answers": answers(8)}
    if client_id is not None:
        body["client_id"] = client_id
    reply = login(owner_of(draft)).post(f"/api/assessments/{draft.id}/submit", json=body)
    assert reply.status_code == 422


def test_submit_in_a_closed_year_is_422(login, make_assessment, make_year, db_session):
    year = make_year(is_open=True)
    a = make_assessment(year=year)
    year.is_open = False
    db_session.flush()
    reply = login(owner_of(a)).post(f"/api/assessments/{a.id}/submit",
                                    json={"client_id": str(uuid.uuid4()), "answers": answers(8)})
    assert reply.status_code == 422
    assert "khóa" in reply.get_json()["message"]


# CSRF -------------------------------------------------------------------------------------

@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_csrf_required_on_put_and_post(csrf_on, login, draft, db_session):
    api = login(owner_of(draft))
    body = {"client_id": str(uuid.uuid4()), "answers": answers(10)}
    refused = api.post(f"/api/assessments/{draft.id}/submit", json=body)
    assert refused.status_code == 400
    assert refused.is_json
    db_session.expire_all()
    assert draft.status is AssessmentStatus.DRAFT

    token = api.get("/api/csrf").get_json()["csrf_token"]
    headers = {"X-CSRFToken": token}
    saved = api.put(f"/api/assessments/{draft.id}/draft", json={"answers": {"1": 5}},
                    headers=headers)
    assert saved.status_code == 200
    sent = api.post(f"/api/assessments/{draft.id}/submit", json=body, headers=headers)
    assert sent.status_code == 200
    db_session.expire_all()
    assert draft.status is AssessmentStatus.SUBMITTED


def test_csrf_missing_on_put_is_400(csrf_on, login, draft):
    reply = login(owner_of(draft)).put(f"/api/assessments/{draft.id}/draft",
                                       json={"answers": {"1": 5}})
    assert reply.status_code == 400
    assert reply.is_json


def test_api_refuses_the_points_the_form_refuses(login, draft, db_session):
    """One rule (CriteriaSet.allowed_points): 7 is not a level of the 2023.1 sets, anywhere."""
    draft.criteria_version = db_session.scalar(select(CriteriaVersion).where(CriteriaVersion.key == "IV@2023.1"))
    db_session.flush()
    client = login(owner_of(draft))
    reply = client.put(f"/api/assessments/{draft.id}/draft", json={"answers": {"1": 7}})
    assert reply.status_code == 422
    assert reply.get_json()["message"] == "Điểm của chỉ số 1 phải là một trong các mức: 0, 5, 8, 10."
    form = client.post(f"/assess/{draft.id}", data={"action": "save", **{f"answer-{c}": "8" for c in range(2, 11)},
                                                     "answer-1": "7"})
    assert form.status_code == 422
    every_nine = {"client_id": str(uuid.uuid4()), "answers": answers(9)}
    assert client.post(f"/api/assessments/{draft.id}/submit", json=every_nine).status_code == 422
    db_session.expire_all()
    assert draft.status is AssessmentStatus.DRAFT
    assert {a.index_code: a.self_value for a in draft.answers}["1"] == 8
