"""The assessment status machine: what members and heads can do, in which state."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from webapp.assessments import operations, records
from webapp.errors import DomainError
from webapp.models import Answer, Assessment, AuditEvent, CriteriaVersion
from webapp.models import AssessmentStatus as S


def _events(db_session, assessment):
    return db_session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "assessment",
                                 AuditEvent.subject_id == assessment.id).order_by(AuditEvent.id)
    ).all()


def test_start_pins_newest_criteria_version(db_session, make_assessment):
    assessment = make_assessment(appendix="V")
    assert assessment.status is S.DRAFT
    assert assessment.criteria_version.key.startswith("V@")


def test_draft_may_be_incomplete_but_submit_needs_every_index(db_session, make_assessment):
    assessment = make_assessment()
    operations.save_draft(db_session, assessment.membership.user, assessment, {"1": None})
    with pytest.raises(DomainError, match="chưa chấm điểm: 1"):
        operations.submit(db_session, assessment.membership.user, assessment)
    assert assessment.status is S.DRAFT


def test_submit_scores_with_the_engine(db_session, make_assessment):
    achieved = make_assessment(points=8, submit=True)
    assert achieved.status is S.SUBMITTED
    assert achieved.self_total == 80 and achieved.self_achieved is True
    failed = make_assessment(points=5, submit=True)
    assert failed.self_total == 50 and failed.self_achieved is False
    assert failed.self_result["achieved"] is False


def test_out_of_range_or_unknown_answers_are_refused(db_session, make_assessment):
    assessment = make_assessment()
    member = assessment.membership.user
    # An assessment made under 2023.1 takes only its described levels (0, 5, 8, 10).
    assessment.criteria_version = db_session.scalar(select(CriteriaVersion).where(CriteriaVersion.key == "IV@2023.1"))
    db_session.flush()
    for value in (11, 7, -1):
        with pytest.raises(DomainError, match="một trong các mức: 0, 5, 8, 10") as refused:
            operations.save_draft(db_session, member, assessment, {"3": value})
        assert refused.value.field == "3" and refused.value.status == 422
    with pytest.raises(DomainError, match="Không có chỉ số"):
        operations.save_draft(db_session, member, assessment, {"99": 5})


def test_the_2026_scale_takes_every_whole_number(db_session, make_assessment):
    assessment = make_assessment()
    member = assessment.membership.user
    assert assessment.criteria_version.key == "IV@2026.1"
    operations.save_draft(db_session, member, assessment, {str(code): code - 1 for code in range(1, 11)})
    assert {a.index_code: a.self_value for a in assessment.answers}["8"] == 7
    for value in (11, -1):
        with pytest.raises(DomainError, match="số nguyên từ 0 đến 10") as refused:
            operations.save_draft(db_session, member, assessment, {"3": value})
        assert refused.value.field == "3" and refused.value.status == 422


def test_head_confirms_on_own_points_and_every_change_is_audited(db_session, make_assessment, make_user):
    head = make_user(full_name="Hiệu trưởng")
    assessment = make_assessment(points=8, submit=True)
    operations.confirm(db_session, head, assessment, assessment.version, head_values={"4": 0},
                       comments={"4": "Chưa có minh chứng"})
    assert assessment.status is S.CONFIRMED
    assert assessment.head_total == 72 and assessment.confirmed_achieved is False
    actions = [(e.action, e.from_status, e.to_status) for e in _events(db_session, assessment)]
    assert actions == [("create", None, "draft"), ("submit", "draft", "submitted"),
                       ("confirm", "submitted", "confirmed")]


def test_return_then_resubmit(db_session, make_assessment, make_user):
    head = make_user()
    assessment = make_assessment(submit=True)
    member = assessment.membership.user
    with pytest.raises(DomainError, match="nhận xét"):
        operations.return_for_correction(db_session, head, assessment, assessment.version, {})
    operations.return_for_correction(db_session, head, assessment, assessment.version,
                                     {"6": "Cần minh chứng chứng chỉ tiếng Anh"})
    assert assessment.status is S.RETURNED
    assert assessment.answers_by_index()["6"].head_comment == "Cần minh chứng chứng chỉ tiếng Anh"
    operations.submit(db_session, member, assessment, {"6": 10})
    assert assessment.status is S.SUBMITTED and assessment.self_total == 82


def test_withdraw_only_before_the_head_acts(db_session, make_assessment, make_user):
    assessment = make_assessment(submit=True)
    member = assessment.membership.user
    operations.withdraw(db_session, member, assessment)
    assert assessment.status is S.DRAFT
    operations.submit(db_session, member, assessment)
    operations.reject(db_session, make_user(), assessment, assessment.version, "Không trung thực")
    with pytest.raises(DomainError) as conflict:
        operations.withdraw(db_session, member, assessment)
    assert conflict.value.status == 409


def test_a_stale_version_is_a_conflict_not_an_overwrite(db_session, make_assessment, make_user):
    first, second = make_user(), make_user()
    assessment = make_assessment(submit=True)
    seen_version = assessment.version
    operations.confirm(db_session, first, assessment, seen_version)
    with pytest.raises(DomainError) as conflict:
        operations.reject(db_session, second, assessment, seen_version, "Chậm một bước")
    assert conflict.value.status == 409
    assert assessment.status is S.CONFIRMED


def test_a_submit_on_a_row_changed_meanwhile_writes_nothing_it_read_and_submits_what_is_there(
        db_session, make_assessment, monkeypatch):
    """The submit's UPDATE names the version it read: when another request (the autosave that
    left as "Gửi" was tapped) moved the row on, the total computed from the old answers is not
    written; the submit reads the row again and submits on the answers it finds. (The re-read
    starts a new transaction; inside the test's own it only reloads: `tests/live` races real
    requests on both databases.)"""
    assessment = make_assessment(points=8)
    member = assessment.membership.user
    table, answers = Assessment.__table__, Answer.__table__
    db_session.execute(answers.update().values(self_value=0)
                       .where(answers.c.assessment_id == assessment.id, answers.c.index_code == "1"))
    db_session.execute(table.update().where(table.c.id == assessment.id).values(version=table.c.version + 1))
    writes: list[int] = []

    def reread(session, form):  # type: ignore[no-untyped-def]
        writes.append(1)
        session.expire_all()
        return records.read(session, form.id)

    monkeypatch.setattr(operations, "_reread_after_writer", reread)

    operations.submit(db_session, member, assessment)

    assert writes == [1]  # the first UPDATE matched nothing
    stored = db_session.scalars(select(answers.c.self_value).where(answers.c.assessment_id == assessment.id)).all()
    row = db_session.execute(select(table.c.status, table.c.self_total).where(table.c.id == assessment.id)).one()
    assert row == (S.SUBMITTED, sum(stored)) and 0 in stored
    assert [e.action for e in _events(db_session, assessment)] == ["create", "submit"]


def test_revoke_needs_a_reason(db_session, make_assessment, make_user):
    head = make_user()
    assessment = make_assessment(submit=True)
    operations.confirm(db_session, head, assessment, assessment.version)
    with pytest.raises(DomainError, match="lý do"):
        operations.revoke(db_session, head, assessment, assessment.version, "  ")
    operations.revoke(db_session, head, assessment, assessment.version, "Phát hiện khai sai")
    assert assessment.status is S.REVOKED
    assert _events(db_session, assessment)[-1].reason == "Phát hiện khai sai"


def test_closed_year_freezes_assessments(db_session, make_assessment, make_year):
    year = make_year()
    assessment = make_assessment(year=year)
    year.is_open = False
    with pytest.raises(DomainError, match="đã khóa"):
        operations.submit(db_session, assessment.membership.user, assessment)


def test_replayed_submission_with_same_client_id_is_applied_once(db_session, make_assessment):
    assessment = make_assessment()
    member = assessment.membership.user
    operations.submit(db_session, member, assessment, client_id="7a8c3f1e-0000-4000-8000-000000000001")
    version = assessment.version
    operations.submit(db_session, member, assessment, client_id="7a8c3f1e-0000-4000-8000-000000000001")
    assert assessment.version == version
    submits = [e for e in _events(db_session, assessment) if e.action == "submit"]
    assert len(submits) == 1


def test_a_replay_after_withdrawal_does_not_submit_again(db_session, make_assessment):
    assessment = make_assessment()
    member = assessment.membership.user
    client_id = "7a8c3f1e-0000-4000-8000-000000000002"
    operations.submit(db_session, member, assessment, client_id=client_id)
    operations.withdraw(db_session, member, assessment)
    operations.submit(db_session, member, assessment, client_id=client_id)
    assert assessment.status is S.DRAFT


def test_submit_needs_evidence_where_the_criteria_file_requires_it(db_session, make_user, make_unit, make_year,
                                                                   make_membership):
    """2026.1 requires a note (minh chứng) for indices 2 and 3 once the member claims points."""
    member = make_user()
    line = make_membership(make_unit(), make_year(), user=member, appendix="IV")
    assessment = operations.start(db_session, member, line)
    assert assessment.criteria_version.key == "IV@2026.1"
    operations.save_draft(db_session, member, assessment, {str(c): 8 for c in range(1, 11)}, {"2": "Lớp bồi dưỡng"})
    with pytest.raises(DomainError, match="Chỉ số 3 cần ghi minh chứng") as refused:
        operations.submit(db_session, member, assessment)
    assert refused.value.field == "3" and "ví dụ:" in refused.value.message
    assert assessment.status is S.DRAFT
    operations.save_draft(db_session, member, assessment, {"3": 0}, {})
    operations.submit(db_session, member, assessment)  # nothing to prove for 0 points
    assert assessment.status is S.SUBMITTED


def test_band_labels_name_every_allowed_point(db_session, make_assessment):
    from webapp.assessments.progress import choices

    assessment = make_assessment(appendix="V")
    criteria_set = operations.criteria_of(assessment)
    index = criteria_set.index("6")
    picked = {choice.points: choice.label for choice in choices(criteria_set, index)}
    assert list(picked) == list(range(11))
    assert picked[4] == "Chưa đạt" and picked[5] == picked[6] == "Đạt" and picked[8] == "Khá" and picked[10] == "Tốt"
