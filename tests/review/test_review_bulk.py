"""A head confirms a whole class at once from the queue: the ticked assessments, at the members'
own points, each audited; any that changed meanwhile is reported and left as it is."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp.assessments import operations
from webapp.models import AssessmentStatus as S
from webapp.models import AuditEvent


def _confirm_events(db_session, assessment):
    return db_session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "assessment", AuditEvent.subject_id == assessment.id,
                                 AuditEvent.action == "confirm")
    ).all()


def _class_of(make_assessment, person, scene, section, names, points=8):
    return [make_assessment(unit=scene.unit, year=scene.year, section=section, user=person(name),
                            points=points, submit=True) for name in names]


def test_confirm_many_confirms_at_the_members_points_and_audits_each(db_session, scene, person,
                                                                     make_assessment):
    first, second = _class_of(make_assessment, person, scene, "10A2", ["Nguyễn Văn An", "Lê Thị Hoa"])
    picks = {a.id: a.version for a in (first, second)}

    outcome = operations.confirm_many(db_session, scene.head, scene.unit.id, picks)

    assert outcome.confirmed == [first, second] and outcome.skipped == []
    for assessment in (first, second):
        assert assessment.status is S.CONFIRMED and assessment.decided_by == scene.head
        assert assessment.head_total == assessment.self_total and assessment.confirmed_achieved is True
        assert all(a.head_value == a.self_value for a in assessment.answers)
        assert len(_confirm_events(db_session, assessment)) == 1
    assert scene.assessment.status is S.SUBMITTED  # not picked, not touched


def test_confirm_many_reports_changed_ones_and_leaves_them_alone(db_session, scene, person, make_assessment):
    seen, withdrawn, taken = _class_of(make_assessment, person, scene, "10A2",
                                       ["An Bình", "Chu Dũng", "Đỗ Giang"])
    picks = {a.id: a.version for a in (seen, withdrawn, taken)}
    # Meanwhile: one member withdraws to edit, another head confirms one with their own points.
    operations.withdraw(db_session, withdrawn.membership.user, withdrawn)
    operations.confirm(db_session, scene.second_head, taken, taken.version, {"1": 10},
                       {"1": "Có chứng chỉ tin học, đủ mức 10 điểm"})

    outcome = operations.confirm_many(db_session, scene.head, scene.unit.id, picks)

    assert outcome.confirmed == [seen]
    assert {a.id for a, _ in outcome.skipped} == {withdrawn.id, taken.id}
    assert all(message for _, message in outcome.skipped)
    assert withdrawn.status is S.DRAFT
    assert taken.decided_by == scene.second_head and taken.answers_by_index()["1"].head_value == 10
    assert _confirm_events(db_session, withdrawn) == [] and len(_confirm_events(db_session, taken)) == 1


def test_confirm_many_ignores_other_units_and_never_confirms_ones_own(db_session, scene, person, make_assessment,
                                                                      grant):
    elsewhere = make_assessment(unit=scene.other_unit, year=scene.year, user=person("Người Trường Khác"),
                                submit=True)
    own = make_assessment(unit=scene.unit, year=scene.year, user=scene.head, submit=True)
    picks = {elsewhere.id: elsewhere.version, own.id: own.version}

    outcome = operations.confirm_many(db_session, scene.head, scene.unit.id, picks)

    assert outcome.confirmed == [] and [a for a, _ in outcome.skipped] == [own]
    assert elsewhere.status is S.SUBMITTED and own.status is S.SUBMITTED


def test_queue_preselects_those_who_reached_the_title_per_class(db_session, login, scene, person, make_assessment):
    passed = _class_of(make_assessment, person, scene, "10A2", ["Phan Văn Đạt"])[0]
    failed = _class_of(make_assessment, person, scene, "10A2", ["Vũ Thị Chưa"], points=1)[0]
    assert passed.self_achieved is True and failed.self_achieved is False

    page = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)

    assert re.search(rf'value="{passed.id}:{passed.version}" checked', page)
    assert f'value="{failed.id}:{failed.version}">' in page
    assert "10A1" in page and "10A2" in page  # one list per class
    assert page.count("Xác nhận các phiếu đã chọn") == 1


def test_forty_students_of_a_class_are_confirmed_with_one_tap(db_session, login, scene, person, make_assessment):
    """The principal's case: a class of 40 who all reached the title. Every box is ticked
    already, so the one button is the only tap (the brief allows ten at 360 px)."""
    students = _class_of(make_assessment, person, scene, "12C1", [f"Học sinh số {n:02d}" for n in range(40)])
    client = login(scene.head)
    page = client.get(f"/units/{scene.unit.id}/queue?section=12C1").get_data(as_text=True)
    ticked = re.findall(r'name="pick" value="(\d+:\d+)" checked', page)
    assert len(ticked) == 40

    response = client.post(f"/units/{scene.unit.id}/queue/confirm?section=12C1", data={"pick": ticked})

    assert response.status_code == 302 and response.location.endswith(f"/units/{scene.unit.id}/queue?section=12C1")
    db_session.expire_all()
    assert all(s.status is S.CONFIRMED for s in students)
    page = client.get(response.location).get_data(as_text=True)
    assert "Đã xác nhận 40 phiếu." in page
    assert scene.assessment.status is S.SUBMITTED


def test_the_route_reports_a_stale_pick_and_keeps_what_the_other_head_did(db_session, login, scene):
    stale = f"{scene.assessment.id}:{scene.assessment.version}"
    operations.return_for_correction(db_session, scene.second_head, scene.assessment, scene.assessment.version,
                                     {"1": "Bổ sung minh chứng"})
    client = login(scene.head)
    response = client.post(f"/units/{scene.unit.id}/queue/confirm", data={"pick": [stale]},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    db_session.expire_all()
    assert f"Chưa xác nhận phiếu của {scene.member.full_name}" in page
    assert scene.assessment.status is S.RETURNED


def test_nothing_ticked_or_forged_values_are_a_message_not_an_error(db_session, login, scene):
    client = login(scene.head)
    url = f"/units/{scene.unit.id}/queue/confirm"
    page = client.post(url, data={}, follow_redirects=True).get_data(as_text=True)
    assert "Bạn chưa chọn phiếu nào để xác nhận." in page
    for forged in ("abc", "1:²", "99999999999:1", ":"):
        assert client.post(url, data={"pick": [forged]}).status_code == 302
    db_session.expire_all()
    assert scene.assessment.status is S.SUBMITTED


def test_an_aggregator_elsewhere_or_a_member_cannot_confirm_in_bulk(db_session, login, scene):
    pick = {"pick": [f"{scene.assessment.id}:{scene.assessment.version}"]}
    for outsider in (scene.other_head, scene.outside_aggregator, scene.member):
        assert login(outsider).post(f"/units/{scene.unit.id}/queue/confirm", data=pick).status_code == 403
    db_session.expire_all()
    assert scene.assessment.status is S.SUBMITTED


def test_queue_counts_confirmed_achieved_and_not_apart(db_session, login, scene, person, make_assessment):
    passed, failed = _class_of(make_assessment, person, scene, "10A2", ["Ngô Văn Đạt", "Ngô Thị Chưa"])
    operations.confirm(db_session, scene.head, passed, passed.version)
    operations.confirm(db_session, scene.head, failed, failed.version, {"4": 0}, {"4": "Chưa có minh chứng"})
    page = login(scene.head).get(f"/units/{scene.unit.id}/queue").get_data(as_text=True)
    assert re.search(r'>Xác nhận đạt</span> <strong>1</strong>', page)
    assert re.search(r'>Xác nhận chưa đạt</span> <strong>1</strong>', page)
