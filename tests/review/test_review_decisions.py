"""A head confirms, returns, rejects and revokes through the review pages."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp.models import AssessmentStatus as S
from webapp.models import AuditEvent, CriteriaVersion

CODES = [str(code) for code in range(1, 11)]


def _form(assessment, action, points=None, comments=None, reason="", version=None):
    """What the page posts: every index's points (default: the member's) and comment."""
    answers = assessment.answers_by_index()
    data = {"action": action, "version": assessment.version if version is None else version,
            "reason": reason}
    for code in CODES:
        data[f"points_{code}"] = (points or {}).get(code, answers[code].self_value)
        data[f"comment_{code}"] = (comments or {}).get(code, "")
    return data


def _events(db_session, assessment):
    return db_session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "assessment",
                                 AuditEvent.subject_id == assessment.id).order_by(AuditEvent.id)
    ).all()


def test_page_shows_answers_and_defaults_to_members_points(login, scene, db_session):
    # Made under 2023.1, whose described levels (0, 5, 8, 10) name the member's 8 points.
    scene.assessment.criteria_version = db_session.scalar(
        select(CriteriaVersion).where(CriteriaVersion.key == "V@2023.1"))
    answers = scene.assessment.answers_by_index()
    answers["2"].evidence_note = "Có kế hoạch học tập năm"
    db_session.flush()
    page = login(scene.head).get(f"/review/{scene.assessment.id}").get_data(as_text=True)
    assert scene.member.full_name in page and scene.unit.name in page and "10A1" in page
    assert scene.assessment.criteria_version.key in page
    assert "Chưa đối chiếu văn bản gốc" in page
    assert "Có kế hoạch học tập năm" in page
    assert "Thực hiện thường xuyên" in page  # the label of the member's level (8 points)
    assert '<option selected value="8">8 điểm — Thực hiện thường xuyên</option>' in page
    assert f'name="version" type="hidden" value="{scene.assessment.version}"' in page
    for label in ("Xác nhận", "Trả lại để sửa", "Không xác nhận đạt"):
        assert label in page


def test_confirm_with_default_points_scores_the_members_answers(db_session, login, scene):
    a = scene.assessment
    response = login(scene.head).post(f"/review/{a.id}?section=10A1", data=_form(a, "confirm"))
    assert response.status_code == 302
    assert response.location.endswith(f"/units/{scene.unit.id}/queue?section=10A1")
    db_session.expire_all()
    assert a.status is S.CONFIRMED
    assert a.head_total == 80 and a.confirmed_achieved is True
    assert a.decided_by_id == scene.head.id
    assert all(answer.head_value == 8 for answer in a.answers)
    followed = login(scene.head).get(response.location).get_data(as_text=True)
    assert "Đã xác nhận phiếu của Trần Thị Bình" in followed


def test_confirm_with_a_lowered_index_is_confirmed_but_not_achieved(db_session, login, scene):
    a = scene.assessment
    client = login(scene.head)
    lowered = _form(a, "confirm", points={"4": 0}, comments={"4": "Chưa có minh chứng tham gia hoạt động"})
    # "Xác nhận" on points below the title asks first (works without the page's script).
    asked = client.post(f"/review/{a.id}", data=lowered)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "chưa đạt danh hiệu (tổng 72 điểm)" in page
    assert 'name="action" value="confirm_below"' in page and "Xác nhận chưa đạt" in page
    assert '<option selected value="0">' in page and "Chưa có minh chứng tham gia hoạt động" in page
    db_session.expire_all()
    assert a.status is S.SUBMITTED and a.answers_by_index()["4"].head_value is None
    response = client.post(f"/review/{a.id}", data={**lowered, "action": "confirm_below"})
    assert response.status_code == 302
    assert "chưa đạt danh hiệu" in client.get(response.location).get_data(as_text=True)
    db_session.expire_all()
    assert a.status is S.CONFIRMED
    assert a.head_total == 72 and a.confirmed_achieved is False
    assert a.answers_by_index()["4"].head_value == 0
    page = login(scene.head).get(f"/review/{a.id}").get_data(as_text=True)
    assert "Chưa đạt danh hiệu" in page and "72" in page
    assert any(reason["index_code"] == "4" for reason in a.head_result["reasons"])
    assert "Thu hồi danh hiệu" in page


def test_changed_points_need_a_comment_on_that_index(db_session, login, scene):
    a = scene.assessment
    response = login(scene.head).post(f"/review/{a.id}", data=_form(a, "confirm", points={"4": 0}))
    assert response.status_code == 422
    assert "Bạn đã chấm chỉ số 4 khác với điểm tự đánh giá" in response.get_data(as_text=True)
    db_session.expire_all()
    assert a.status is S.SUBMITTED and a.answers_by_index()["4"].head_value is None


def test_the_operation_refuses_changed_points_without_a_comment(db_session, scene):
    from webapp.assessments import operations
    from webapp.errors import DomainError

    a = scene.assessment
    try:
        operations.confirm(db_session, scene.head, a, a.version, {"4": 0}, {"4": "   "})
    except DomainError as error:
        assert error.field == "4"
    else:
        raise AssertionError("confirmed without saying why index 4 lost its points")
    assert a.status is S.SUBMITTED
    operations.confirm(db_session, scene.head, a, a.version, {"4": 8, "5": 8}, {})  # unchanged: no comment needed
    assert a.status is S.CONFIRMED


def test_return_with_comments_stores_them_for_the_member(db_session, login, scene):
    a = scene.assessment
    data = _form(a, "return", comments={"6": "Bổ sung chứng chỉ ngoại ngữ"})
    response = login(scene.head).post(f"/review/{a.id}", data=data)
    assert response.status_code == 302
    db_session.expire_all()
    assert a.status is S.RETURNED
    assert a.answers_by_index()["6"].head_comment == "Bổ sung chứng chỉ ngoại ngữ"
    queue = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    assert "Đã trả lại, chờ người tự đánh giá sửa (1)" in queue


def test_return_without_comment_or_reason_is_refused(db_session, login, scene):
    a = scene.assessment
    response = login(scene.head).post(f"/review/{a.id}", data=_form(a, "return"))
    assert response.status_code == 422
    assert "ít nhất một chỉ số" in response.get_data(as_text=True)
    db_session.expire_all()
    assert a.status is S.SUBMITTED


def test_reject_without_reason_shows_message_and_keeps_typed_values(db_session, login, scene):
    a = scene.assessment
    data = _form(a, "reject", points={"3": 5}, comments={"1": "Ghi chú đang gõ"})
    response = login(scene.head).post(f"/review/{a.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng ghi lý do." in page
    assert "Ghi chú đang gõ" in page
    assert re.search(r'name="points_3"[^>]*>(<option value="\d+">[^<]*</option>)*'
                     r'<option selected value="5">', page)
    db_session.expire_all()
    assert a.status is S.SUBMITTED
    assert a.decided_at is None
    assert all(answer.head_value is None and answer.head_comment is None for answer in a.answers)
    assert [e.action for e in _events(db_session, a)] == ["create", "submit"]


def test_reject_with_reason(db_session, login, scene):
    a = scene.assessment
    response = login(scene.head).post(f"/review/{a.id}",
                                      data=_form(a, "reject", reason="Không tham gia sinh hoạt"))
    assert response.status_code == 302
    db_session.expire_all()
    assert a.status is S.REJECTED and a.decision_reason == "Không tham gia sinh hoạt"


def test_invalid_points_are_refused_with_the_form_kept(db_session, login, scene):
    a = scene.assessment
    response = login(scene.head).post(f"/review/{a.id}", data=_form(a, "confirm", points={"5": 11}))
    assert response.status_code == 422
    db_session.expire_all()
    assert a.status is S.SUBMITTED


def test_two_heads_at_once_the_second_gets_a_conflict(db_session, login, scene, app):
    a = scene.assessment
    loaded_version = a.version
    first = app.test_client()
    second = app.test_client()
    for client, head in ((first, scene.head), (second, scene.second_head)):
        with client.session_transaction() as session:
            session["_user_id"] = head.get_id()
        assert client.get(f"/review/{a.id}").status_code == 200
    stale = _form(a, "reject", reason="Thiếu minh chứng", version=loaded_version)
    assert first.post(f"/review/{a.id}", data=_form(a, "confirm")).status_code == 302
    response = second.post(f"/review/{a.id}", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "vừa được người khác thay đổi" in page
    assert "Xác nhận đạt" in page  # the status as it now stands
    db_session.expire_all()
    assert a.status is S.CONFIRMED and a.decided_by_id == scene.head.id
    assert a.decision_reason is None
    assert [e.action for e in _events(db_session, a)] == ["create", "submit", "confirm"]


def test_revoke_is_a_second_step_with_a_required_reason(db_session, login, scene):
    a = scene.assessment
    client = login(scene.head)
    client.post(f"/review/{a.id}", data=_form(a, "confirm"))
    db_session.expire_all()
    page = client.get(f"/review/{a.id}/revoke").get_data(as_text=True)
    assert "Tôi chắc chắn, thu hồi danh hiệu" in page
    empty = client.post(f"/review/{a.id}/revoke", data={"version": a.version, "reason": "  "})
    assert empty.status_code == 422
    assert "Vui lòng ghi lý do thu hồi." in empty.get_data(as_text=True)
    db_session.expire_all()
    assert a.status is S.CONFIRMED
    done = client.post(f"/review/{a.id}/revoke",
                       data={"version": a.version, "reason": "Khai không đúng sự thật"})
    assert done.status_code == 302
    db_session.expire_all()
    assert a.status is S.REVOKED and a.decision_reason == "Khai không đúng sự thật"
    page = client.get(f"/review/{a.id}").get_data(as_text=True)
    assert "Đã bị thu hồi" in page and "Khai không đúng sự thật" in page


def test_revoke_of_an_unconfirmed_assessment_goes_back_to_the_review_page(db_session, login, scene):
    a = scene.assessment
    response = login(scene.head).post(f"/review/{a.id}/revoke",
                                      data={"version": a.version, "reason": "Thử"})
    assert response.status_code == 302
    db_session.expire_all()
    assert a.status is S.SUBMITTED


def test_the_audit_log_says_who_when_from_to_and_why(db_session, login, scene, person,
                                                      make_assessment):
    a = scene.assessment
    client = login(scene.head)
    client.post(f"/review/{a.id}", data=_form(a, "confirm"))
    db_session.expire_all()
    client.post(f"/review/{a.id}/revoke", data={"version": a.version, "reason": "Sai sót"})
    returned = make_assessment(unit=scene.unit, year=scene.year, user=person("Trả Lại"),
                               submit=True)
    client.post(f"/review/{returned.id}", data=_form(returned, "return", reason="Thiếu minh chứng"))
    rejected = make_assessment(unit=scene.unit, year=scene.year, user=person("Không Đạt"),
                               submit=True)
    client.post(f"/review/{rejected.id}", data=_form(rejected, "reject", reason="Không đạt"))
    db_session.expire_all()
    expected = {
        a.id: [("confirm", "submitted", "confirmed", None), ("revoke", "confirmed", "revoked", "Sai sót")],
        returned.id: [("return", "submitted", "returned", "Thiếu minh chứng")],
        rejected.id: [("reject", "submitted", "rejected", "Không đạt")],
    }
    for assessment_id, decisions in expected.items():
        events = db_session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "assessment",
                                     AuditEvent.subject_id == assessment_id,
                                     AuditEvent.actor_id == scene.head.id).order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.from_status, e.to_status, e.reason) for e in events] == decisions
        assert all(e.at is not None for e in events)


def test_csrf_is_enforced_on_the_review_post(db_session, login, scene, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    a = scene.assessment
    client = login(scene.head)
    refused = client.post(f"/review/{a.id}", data=_form(a, "confirm"))
    assert refused.status_code == 400
    db_session.expire_all()
    assert a.status is S.SUBMITTED
    page = client.get(f"/review/{a.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(f"/review/{a.id}", data={**_form(a, "confirm"), "csrf_token": token})
    assert accepted.status_code == 302
    db_session.expire_all()
    assert a.status is S.CONFIRMED


def test_csrf_is_enforced_on_revoke(db_session, login, scene, app, monkeypatch):
    a = scene.assessment
    client = login(scene.head)
    client.post(f"/review/{a.id}", data=_form(a, "confirm"))
    db_session.expire_all()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post(f"/review/{a.id}/revoke", data={"version": a.version, "reason": "Sai"})
    assert refused.status_code == 400
    db_session.expire_all()
    assert a.status is S.CONFIRMED


def test_closed_year_cannot_be_decided(db_session, login, scene):
    a = scene.assessment
    scene.year.is_open = False
    db_session.flush()
    response = login(scene.head).post(f"/review/{a.id}", data=_form(a, "confirm"))
    assert response.status_code == 422
    assert "đã khóa" in response.get_data(as_text=True)
    db_session.expire_all()
    assert a.status is S.SUBMITTED


def test_a_confirmation_reads_achieved_or_not_for_the_member_head_and_roster(db_session, login, scene):
    from webapp.assessments import operations

    a = scene.assessment
    operations.confirm(db_session, scene.head, a, a.version, {"4": 0}, {"4": "Chưa có minh chứng"})
    assert a.status is S.CONFIRMED and a.confirmed_achieved is False
    status_page = login(scene.member).get(f"/assess/{a.id}/status").get_data(as_text=True)
    assert "Xác nhận chưa đạt" in status_page
    review_page = login(scene.head).get(f"/review/{a.id}").get_data(as_text=True)
    assert "Xác nhận chưa đạt" in review_page
    roster_page = login(scene.head).get(f"/units/{scene.unit.id}/roster").get_data(as_text=True)
    assert "Xác nhận chưa đạt" in roster_page and "Xác nhận đạt<" not in roster_page


def test_a_confirmation_that_reached_the_title_reads_achieved(db_session, login, scene):
    from webapp.assessments import operations

    a = scene.assessment
    operations.confirm(db_session, scene.head, a, a.version)
    page = login(scene.member).get(f"/assess/{a.id}/status").get_data(as_text=True)
    assert "Xác nhận đạt" in page and "Xác nhận chưa đạt" not in page


def test_the_member_sees_the_heads_points_beside_their_own(db_session, login, scene):
    from webapp.assessments import operations

    a = scene.assessment
    operations.confirm(db_session, scene.head, a, a.version, {"4": 0}, {"4": "Chưa có minh chứng"})
    page = login(scene.member).get(f"/assess/{a.id}/status").get_data(as_text=True)
    assert "Bạn tự chấm" in page and "Thủ trưởng xác nhận" in page
    row = re.search(r'<tr class="changed">\s*<th scope="row">4</th>\s*<td>(\d+)</td>\s*<td><strong>(\d+)</strong>',
                    page)
    assert row is not None and row.groups() == ("8", "0")


def test_the_page_shows_the_total_and_result_of_the_heads_points(login, scene):
    a = scene.assessment
    page = login(scene.head).get(f"/review/{a.id}").get_data(as_text=True)
    live = page[page.index('id="review-live"'):page.index("data-confirm-button")]
    assert '<span data-live="total">80</span>/100' in live and "Đạt danh hiệu" in live
    assert "js/review-form.js" in page and 'id="review-criteria"' in page
    # After a refusal the page shows the total of what the head chose, not the member's.
    refused = login(scene.head).post(f"/review/{a.id}", data=_form(a, "confirm", points={"4": 5, "5": 5}))
    assert refused.status_code == 422  # the changed indices have no comment
    live = refused.get_data(as_text=True)
    live = live[live.index('id="review-live"'):live.index("data-confirm-button")]
    assert '<span data-live="total">74</span>/100' in live and "Chưa đạt danh hiệu" in live


def test_confirm_below_the_title_is_asked_only_when_the_points_give_it(db_session, login, scene):
    from webapp.assessments import operations
    from webapp.errors import DomainError

    a = scene.assessment
    try:
        operations.confirm(db_session, scene.head, a, a.version, {"4": 0}, {"4": "Thiếu"}, below_title_ok=False)
    except DomainError as error:
        assert error.field == operations.BELOW_TITLE
    else:
        raise AssertionError("confirmed a result below the title without asking")
    assert a.status is S.SUBMITTED
    operations.confirm(db_session, scene.head, a, a.version, {}, {}, below_title_ok=False)  # 80 points: no question
    assert a.status is S.CONFIRMED and a.confirmed_achieved is True


def test_a_resubmitted_form_shows_the_previous_rounds_comments_and_points(db_session, login, scene):
    from webapp.assessments import operations

    a = scene.assessment
    client = login(scene.head)
    first = client.get(f"/review/{a.id}").get_data(as_text=True)
    assert "Phiếu gửi lại sau khi được trả lại" not in first and "Nhận xét lần trước" not in first
    operations.return_for_correction(db_session, scene.head, a, a.version,
                                     {"6": "Bổ sung chứng chỉ ngoại ngữ"}, "Xem lại chỉ số 6")
    operations.submit(db_session, scene.member, a, {"6": 10}, {"6": "Chứng chỉ B1 tiếng Anh, 2026"})
    db_session.flush()
    page = client.get(f"/review/{a.id}").get_data(as_text=True)
    assert "Phiếu gửi lại sau khi được trả lại" in page and "Hiệu trưởng Lê Lợi" in page
    assert "Lý do trả lại:</span> Xem lại chỉ số 6" in page
    earlier = page[page.index("Chỉ số 6."):page.index("Chỉ số 7.")]
    assert "Nhận xét lần trước:</span> Bổ sung chứng chỉ ngoại ngữ" in earlier
    assert "Lúc trả lại: <strong>8 điểm</strong>" in " ".join(earlier.split()) and "Đã sửa điểm" in earlier
    assert "Chứng chỉ B1 tiếng Anh, 2026" in earlier
    untouched = page[page.index("Chỉ số 7."):page.index("Chỉ số 8.")]
    assert "Nhận xét lần trước" not in untouched and "Đã sửa điểm" not in untouched


def test_a_return_keeps_the_heads_points_and_the_member_sees_them(db_session, login, scene):
    """Lowering an index and pressing "Trả lại để sửa" used to drop the points: the member read
    the comment but not which points the head would give."""
    a = scene.assessment
    client = login(scene.head)
    refused = client.post(f"/review/{a.id}", data=_form(a, "return", points={"1": 4}, reason="Xem lại"))
    assert refused.status_code == 422  # a changed index needs its comment, as on a confirmation
    assert "Bạn đã chấm chỉ số 1 khác với điểm tự đánh giá" in refused.get_data(as_text=True)
    data = _form(a, "return", points={"1": 4}, comments={"1": "Chưa có minh chứng đọc sách hằng tuần"})
    assert client.post(f"/review/{a.id}", data=data).status_code == 302
    db_session.expire_all()
    assert a.status is S.RETURNED
    answers = a.answers_by_index()
    assert (answers["1"].self_value, answers["1"].head_value) == (8, 4)
    assert answers["2"].head_value == answers["2"].self_value == 8

    member = login(scene.member)
    status = member.get(f"/assess/{a.id}/status").get_data(as_text=True)
    assert "Thủ trưởng chấm lúc trả lại" in status
    row = re.search(r'<tr class="changed">\s*<th scope="row">(\d+)</th>\s*<td>(\d+)</td>\s*<td><strong>(\d+)</strong>',
                    status)
    assert row is not None and row.groups() == ("1", "8", "4")
    assert status.count('<tr class="changed">') == 1
    form = member.get(f"/assess/{a.id}").get_data(as_text=True)
    index_1 = form[form.index('id="index-1"'):form.index('id="index-2"')]
    assert "Thủ trưởng chấm lúc trả lại:</strong> 4 điểm" in index_1
    assert "Thủ trưởng chấm lúc trả lại" not in form[form.index('id="index-2"'):]


def test_a_page_that_asks_for_the_next_form_gets_it_after_a_decision(db_session, login, scene, make_user,
                                                                   make_assessment):
    """What review-form.js asks (then=next), so the next member opens in place: the next waiting
    form of the same class; after the last one, the queue."""
    a = scene.assessment
    later = make_assessment(unit=scene.unit, year=scene.year, section="10A1", user=make_user("Lý Thị Cúc"),
                            points=8, submit=True)
    elsewhere = make_assessment(unit=scene.unit, year=scene.year, section="10A2", user=make_user("Hồ Văn Dũng"),
                                points=8, submit=True)
    client = login(scene.head)
    page = client.get(f"/review/{a.id}?section=10A1").get_data(as_text=True)
    assert f'href="/review/{later.id}?section=10A1" data-in-place>Tiếp theo: Lý Thị Cúc' in page

    done = client.post(f"/review/{a.id}?section=10A1", data=dict(_form(a, "confirm"), then="next"))
    assert done.status_code == 302 and done.location.endswith(f"/review/{later.id}?section=10A1")
    assert "Đã xác nhận phiếu của Trần Thị Bình" in client.get(done.location).get_data(as_text=True)
    last = client.post(f"/review/{later.id}?section=10A1",
                       data=dict(_form(later, "return", comments={"2": "Ghi rõ kế hoạch"}), then="next"))
    assert last.location.endswith(f"/units/{scene.unit.id}/queue?section=10A1")  # none left in 10A1
    db_session.expire_all()
    assert (a.status, later.status, elsewhere.status) == (S.CONFIRMED, S.RETURNED, S.SUBMITTED)
    read_only = client.get(f"/review/{a.id}").get_data(as_text=True)
    assert "js/review-form.js" in read_only and 'id="review-criteria"' not in read_only
