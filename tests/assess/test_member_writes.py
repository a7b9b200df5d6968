"""A member's save writes its answers, the form's row and the audit event all or nothing, guarded
by the version read (`assessments.writes`): one statement on PostgreSQL, one after another on
SQLite; the same outcome on both."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from webapp import audit
from webapp.assessments import writes
from webapp.models import Answer, AuditEvent, utcnow


def _stored(db_session, assessment):  # type: ignore[no-untyped-def]
    db_session.expire_all()
    answers = {a.index_code: (a.self_value, a.evidence_note)
               for a in db_session.scalars(select(Answer).where(Answer.assessment_id == assessment.id))}
    events = db_session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.subject_id == assessment.id, AuditEvent.action == "submit"))
    return answers, events


def _write(db_session, assessment, seen_version: int) -> bool:  # type: ignore[no-untyped-def]
    answers = [{"assessment_id": assessment.id, "index_code": "1", "self_value": 2, "evidence_note": "Mới"},
               {"assessment_id": assessment.id, "index_code": "99", "self_value": None, "evidence_note": "Thêm"}]
    event = audit.event_values(assessment.membership.user, assessment, "submit", "draft", "submitted")
    set_committed_value(assessment, "version", seen_version)  # what this request read
    values = {"self_total": 42, "version": seen_version + 1, "updated_at": utcnow()}
    with db_session.begin_nested():
        return writes.write(db_session, assessment, values, answers, event)


def test_the_answers_the_row_and_the_event_are_written_together(make_assessment, db_session):
    assessment = make_assessment(points=5)
    before, _ = _stored(db_session, assessment)
    version = assessment.version

    assert _write(db_session, assessment, version)

    answers, events = _stored(db_session, assessment)
    assert answers["1"] == (2, "Mới") and answers["99"] == (None, "Thêm")
    assert {code: answers[code] for code in before if code != "1"} == {c: v for c, v in before.items() if c != "1"}
    assert events == 1
    assert (assessment.version, assessment.self_total) == (version + 1, 42)


def test_nothing_is_written_when_another_request_wrote_first(make_assessment, db_session):
    assessment = make_assessment(points=5)
    before, _ = _stored(db_session, assessment)
    version = assessment.version

    assert not _write(db_session, assessment, version - 1)  # the version read has moved on

    answers, events = _stored(db_session, assessment)  # read again from the database
    assert answers == before and events == 0
    assert assessment.version == version and assessment.self_total != 42


def test_a_save_reads_the_answers_as_stored(make_assessment, make_membership, make_unit, make_year,
                                            db_session):
    """The form and the JSON saves read the answers with the row as [code, points, note, head's
    points, head's comment] lists; none is []."""
    from sqlalchemy.orm import with_expression

    from webapp.assessments.queries import answers_of
    from webapp.models import Assessment

    answered = make_assessment(points=5)
    blank = Assessment(membership=make_membership(make_unit(), make_year()), unit_id=answered.unit_id,
                       criteria_version_id=answered.criteria_version_id)
    db_session.add(blank)
    db_session.flush()
    answered.answers[0].head_value, answered.answers[0].head_comment = 3, "Cần bổ sung"
    db_session.flush()
    expected = sorted([a.index_code, a.self_value, a.evidence_note, a.head_value, a.head_comment]
                      for a in answered.answers)
    db_session.expire_all()
    read = {a.id: a.answers_as_read for a in db_session.scalars(
        select(Assessment).options(with_expression(Assessment.answers_as_read, answers_of(Assessment.id)))
        .where(Assessment.id.in_([answered.id, blank.id])))}
    assert sorted(read[answered.id]) == expected and len(expected) == 10
    assert read[blank.id] == []
