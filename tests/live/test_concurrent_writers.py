"""What a class of phones and two heads do at once, against a live threaded server.

On SQLite every writing request takes the write lock when it begins, so writers wait their
turn instead of failing; on PostgreSQL rows are locked as they are written. No request may
answer 5xx; two heads deciding the same assessment: one wins, the other is told (409).
"""
from __future__ import annotations

import http.client
import json
import threading
import uuid
from urllib.parse import urlencode, urlsplit

from tests.review.test_roster_tally import fresh_counts, stored_counts
from webapp.models import Assessment, AssessmentStatus, Membership, Role, RoleGrant, User

from .conftest import ANSWERS, NOTES, Live, seed_members

PHONES = 16


def _send(live: Live, method: str, path: str, cookie: str, body: str, content_type: str) -> int:
    parts = urlsplit(live.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": content_type, "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _all_at_once(jobs: list) -> list[int]:  # type: ignore[type-arg]
    start = threading.Barrier(len(jobs))
    statuses: list[int] = []

    def run(job) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        statuses.extend(job())

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_a_class_saving_and_submitting_at_once_gets_no_5xx(live: Live) -> None:
    members = seed_members(live, PHONES)

    def phone(user_id: int, assessment_id: int):  # type: ignore[no-untyped-def]
        cookie = live.cookie(user_id)
        base = f"/api/assessments/{assessment_id}"

        def job() -> list[int]:
            saved = [_send(live, "PUT", f"{base}/draft", cookie, json.dumps({"answers": {"1": n % 11}}),
                           "application/json") for n in range(3)]
            sent = _send(live, "POST", f"{base}/submit", cookie,
                         json.dumps({"answers": ANSWERS, "notes": NOTES, "client_id": str(uuid.uuid4())}),
                         "application/json")
            return [*saved, sent]

        return job

    statuses = _all_at_once([phone(user_id, assessment_id) for user_id, assessment_id in members])
    assert statuses == [200] * (4 * PHONES)
    with live.session() as session:
        submitted = [session.get(Assessment, assessment_id).status for _, assessment_id in members]
        # The queue's stored counts, kept by triggers while the class wrote at once, still
        # equal counting the lines afresh.
        unit_ids = [session.get(Assessment, members[0][1]).membership.unit_id]
        assert stored_counts(session, unit_ids) == fresh_counts(session, unit_ids)
    assert submitted == [AssessmentStatus.SUBMITTED] * PHONES


def test_two_heads_confirming_at_once_one_wins_the_other_is_told(live: Live) -> None:
    [(member_id, assessment_id)] = seed_members(live, 1)
    with live.session() as session:
        member = session.get(User, member_id)
        unit_id = session.get(Assessment, assessment_id).membership.unit_id
        assessment = session.get(Assessment, assessment_id)
        from webapp.assessments import operations

        operations.submit(session, member, assessment)
        heads = [User(full_name=f"Hiệu trưởng {n}", phone=f"07{uuid.uuid4().int % 10**8:08d}", password_hash="x")
                 for n in range(2)]
        session.add_all(heads)
        session.flush()
        session.add_all([RoleGrant(user=head, role=Role.UNIT_HEAD, unit_id=unit_id) for head in heads])
        session.commit()
        version, head_ids = assessment.version, [head.id for head in heads]
        line_name = session.get(Membership, assessment.membership_id).full_name
    form = {"version": str(version), "action": "confirm", **{f"points_{code}": "8" for code in range(1, 11)}}

    def head(head_id: int):  # type: ignore[no-untyped-def]
        return lambda: [_send(live, "POST", f"/review/{assessment_id}", live.cookie(head_id), urlencode(form),
                              "application/x-www-form-urlencoded")]

    statuses = _all_at_once([head(head_id) for head_id in head_ids])
    assert sorted(statuses) == [302, 409], (statuses, line_name)
    with live.session() as session:
        assert session.get(Assessment, assessment_id).status is AssessmentStatus.CONFIRMED


def test_an_autosave_racing_the_submit_never_changes_a_submitted_form(live: Live) -> None:
    """The phone's last autosave and the "Gửi" tap arrive together: the save lands before the
    submit (whose answers then win) or is refused after it, never in between, where it would
    change the answers of a form already sent (and scored) for confirmation."""
    members = seed_members(live, PHONES)
    late = {"answers": {"1": 0}, "notes": {"1": "Bản nháp cũ"}}

    def racers(user_id: int, assessment_id: int) -> list:  # type: ignore[type-arg]
        cookie = live.cookie(user_id)
        base = f"/api/assessments/{assessment_id}"
        body = json.dumps({"answers": ANSWERS, "notes": NOTES, "client_id": str(uuid.uuid4())})
        return [lambda: [_send(live, "POST", f"{base}/submit", cookie, body, "application/json")],
                *(lambda: [_send(live, "PUT", f"{base}/draft", cookie, json.dumps(late), "application/json")]
                  for _ in range(3))]

    statuses = _all_at_once([job for user_id, assessment_id in members for job in racers(user_id, assessment_id)])
    assert set(statuses) <= {200, 409} and statuses.count(200) >= PHONES
    with live.session() as session:
        for _, assessment_id in members:
            assessment = session.get(Assessment, assessment_id)
            assert assessment.status is AssessmentStatus.SUBMITTED
            answers = {answer.index_code: (answer.self_value, answer.evidence_note) for answer in assessment.answers}
            assert answers["1"] == (8, NOTES["1"]), assessment_id


def test_two_tabs_autosaving_one_form_at_once_store_one_tab_whole(live: Live) -> None:
    """Two tabs of one form autosave different answers at the same moment: both are told it is
    saved (the later writer reads the earlier's and saves over it), and the form holds one tab's
    whole form, never the answers of one with the notes of the other."""
    members = seed_members(live, PHONES)
    tabs = {name: {"answers": {**ANSWERS, "1": points},
                   "notes": {code: f"{name}: {note}" for code, note in NOTES.items()}}
            for name, points in (("Tab A", 0), ("Tab B", 8))}

    def tab(user_id: int, assessment_id: int, name: str):  # type: ignore[no-untyped-def]
        cookie, body = live.cookie(user_id), json.dumps(tabs[name])
        return lambda: [_send(live, "PUT", f"/api/assessments/{assessment_id}/draft", cookie, body, "application/json")]

    with live.session() as session:
        before = {assessment_id: session.get(Assessment, assessment_id).version for _, assessment_id in members}
    statuses = _all_at_once([tab(user_id, assessment_id, name) for user_id, assessment_id in members for name in tabs])
    assert statuses == [200] * (2 * PHONES), statuses
    with live.session() as session:
        for _, assessment_id in members:
            assessment = session.get(Assessment, assessment_id)
            assert assessment.version == before[assessment_id] + 2  # both saves landed, one after the other
            stored = {answer.index_code: (answer.self_value, answer.evidence_note) for answer in assessment.answers}
            whole = [{code: (body["answers"][code], body["notes"][code]) for code in ANSWERS} for body in tabs.values()]
            assert stored in whole, (assessment_id, stored)
