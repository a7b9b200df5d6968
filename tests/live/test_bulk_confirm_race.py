"""Two heads of one school confirm the same class in bulk at the same moment.

Each assessment is confirmed once, by one of them; the other is told it changed meanwhile,
and neither gets an error page.
"""
from __future__ import annotations

import http.client
import threading
import uuid
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select

from webapp.assessments import operations
from webapp.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Role,
    RoleGrant,
    User,
    YearKind,
)

from .conftest import Live, seed_line, seed_school

CLASS_SIZE = 15
ANSWERS = {str(code): 8 for code in range(1, 11)}
NOTES = {str(code): f"Minh chứng cho chỉ số {code}" for code in range(1, 11)}


def _seed(live: Live) -> tuple[int, list[int], list[str]]:
    """A school with two heads and a class whose members all submitted: (unit, heads, picks)."""
    tag = uuid.uuid4().hex[:8]
    with live.session() as session:
        unit, year = seed_school(session, tag, YearKind.SCHOOL)
        heads = [User(full_name=name, phone=f"08{abs(hash((tag, name))) % 10**8:08d}", password_hash="x")
                 for name in ("Hiệu trưởng", "Phó hiệu trưởng")]
        session.add_all(heads)
        session.add_all([RoleGrant(user=head, role=Role.UNIT_HEAD, unit=unit) for head in heads])
        picks = []
        for number in range(CLASS_SIZE):
            phone = f"09{abs(hash((tag, number))) % 10**8:08d}"
            user, assessment = seed_line(session, unit, year, f"Học sinh {number}", phone, "V", "11A1")
            operations.submit(session, user, assessment)
            session.flush()
            picks.append(f"{assessment.id}:{assessment.version}")
        session.commit()
        return unit.id, [head.id for head in heads], picks


def _post_form(live: Live, path: str, cookie: str, picks: list[str]) -> int:
    parts = urlsplit(live.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("POST", path, body=urlencode({"pick": picks}, doseq=True),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_two_heads_confirming_the_same_class_at_once_confirm_each_assessment_once(live: Live) -> None:
    unit_id, head_ids, picks = _seed(live)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def head(head_id: int) -> None:
        cookie = live.cookie(head_id)
        start.wait()
        statuses.append(_post_form(live, f"/units/{unit_id}/queue/confirm", cookie, picks))

    threads = [threading.Thread(target=head, args=(head_id,)) for head_id in head_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302, 302]
    ids = [int(pick.split(":")[0]) for pick in picks]
    with live.session() as session:
        confirmed = session.scalars(select(Assessment).where(Assessment.id.in_(ids))).all()
        assert {a.status for a in confirmed} == {AssessmentStatus.CONFIRMED}
        assert {a.decided_by_id for a in confirmed} <= set(head_ids)
        events = session.execute(
            select(AuditEvent.subject_id, func.count()).where(
                AuditEvent.subject_type == "assessment", AuditEvent.subject_id.in_(ids),
                AuditEvent.action == "confirm").group_by(AuditEvent.subject_id)).all()
    assert sorted(events) == [(assessment_id, 1) for assessment_id in sorted(ids)]
