"""A submit or draft save reads without SQLite's write lock and takes it only to write (`reads_first`).

Other writers go on while a submit loads and checks the assessment; what they change is still
caught: the submit writes only if the assessment's version is the one it read. Each test lets
another writer in at the one moment that matters, right after the submit's read.
"""
from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select

from tests.conftest import evidence_notes, full_answers
from webapp.models import Answer, Assessment, AssessmentStatus, AuditEvent


@contextmanager
def right_after_the_read(app, meanwhile: Callable[[], None]) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Run `meanwhile` once, just after the request's first read of an assessment row."""
    engine = app.extensions["cdht_db"].kw["bind"]
    pending = [meanwhile]

    def after(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        if pending and statement.lstrip().startswith("SELECT") and "\nFROM assessment " in statement:
            pending.pop()()

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", after)
    assert not pending, "the request never read the assessment"


def _client(app, cookie_id):  # type: ignore[no-untyped-def]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
    return client


def _submission() -> dict:  # type: ignore[type-arg]
    return {"answers": full_answers(8), "notes": evidence_notes(), "client_id": str(uuid.uuid4())}


def _stored(app, assessment_id: int) -> tuple[AssessmentStatus, int]:  # type: ignore[no-untyped-def]
    """The assessment's status and how many submits its audit trail records."""
    with app.extensions["cdht_db"]() as session:
        status = session.get(Assessment, assessment_id).status
        submits = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.subject_id == assessment_id, AuditEvent.action == "submit"))
    return status, submits


def test_another_writer_takes_the_lock_and_commits_while_a_submit_reads(busy_site):
    app, path, (cookie_id, assessment_id) = busy_site
    wrote: list[str] = []

    def another_writer() -> None:
        other = sqlite3.connect(path, isolation_level=None, timeout=0)  # no waiting: held or free
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE user_account SET full_name = full_name")
            other.execute("COMMIT")
            wrote.append("committed")
        except sqlite3.OperationalError as error:
            wrote.append(str(error))
        finally:
            other.close()

    with right_after_the_read(app, another_writer):
        reply = _client(app, cookie_id).post(f"/api/assessments/{assessment_id}/submit", json=_submission())

    assert wrote == ["committed"]
    # And the submit, whose read was overtaken by that commit, still takes the lock and writes.
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    assert _stored(app, assessment_id) == (AssessmentStatus.SUBMITTED, 1)


def _answer_one(app, assessment_id: int) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with app.extensions["cdht_db"]() as session:
        answer = session.scalars(select(Answer).where(Answer.assessment_id == assessment_id,
                                                      Answer.index_code == "1")).one()
        return answer.self_value, answer.evidence_note


def test_an_autosave_landing_while_the_submit_read_is_submitted_over_not_kept(busy_site):
    """The autosave commits between the submit's read and its write: the submit's version no
    longer matches, so what it computed from the old answers is not written; it reads again
    and submits its own answers over the autosave's."""
    app, path, (cookie_id, assessment_id) = busy_site

    def an_autosave_lands() -> None:
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE answer SET self_value = 0, evidence_note = 'Bản nháp cũ' "
                          "WHERE assessment_id = ? AND index_code = '1'", (assessment_id,))
            other.execute("UPDATE assessment SET version = version + 1 WHERE id = ?", (assessment_id,))
            other.execute("COMMIT")
        finally:
            other.close()

    submission = _submission()
    with right_after_the_read(app, an_autosave_lands):
        reply = _client(app, cookie_id).post(f"/api/assessments/{assessment_id}/submit", json=submission)

    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    assert _stored(app, assessment_id) == (AssessmentStatus.SUBMITTED, 1)
    assert _answer_one(app, assessment_id) == (8, submission["notes"]["1"])


def test_an_autosave_overtaken_by_the_submit_is_refused_and_writes_nothing(busy_site):
    app, path, (cookie_id, assessment_id) = busy_site
    before = _answer_one(app, assessment_id)

    def the_submit_lands() -> None:
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("UPDATE assessment SET status = 'submitted', version = version + 1 WHERE id = ?",
                          (assessment_id,))
        finally:
            other.close()

    with right_after_the_read(app, the_submit_lands):
        reply = _client(app, cookie_id).put(f"/api/assessments/{assessment_id}/draft",
                                            json={"answers": {"1": 0}, "notes": {"1": "Bản nháp cũ"}})

    assert reply.status_code == 409
    assert _answer_one(app, assessment_id) == before


def test_the_same_submission_arriving_while_the_first_reads_gets_the_first_reply(busy_site):
    app, _path, (cookie_id, assessment_id) = busy_site
    body = _submission()
    url = f"/api/assessments/{assessment_id}/submit"
    second: list = []  # type: ignore[type-arg]

    def the_other_tab_sends_it() -> None:
        # From a thread of its own, as a server would run it (a request started in this thread
        # would share the first one's app context, and so its session).
        tab = threading.Thread(target=lambda: second.append(_client(app, cookie_id).post(url, json=body)))
        tab.start()
        tab.join(timeout=30)

    with right_after_the_read(app, the_other_tab_sends_it):
        first = _client(app, cookie_id).post(url, json=body)

    [overtaking] = second
    assert (overtaking.status_code, first.status_code) == (200, 200)
    assert first.get_json() == overtaking.get_json()
    assert _stored(app, assessment_id) == (AssessmentStatus.SUBMITTED, 1)
