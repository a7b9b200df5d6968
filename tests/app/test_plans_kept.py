"""PostgreSQL plans each hot statement once and reuses the plan, instead of planning it again on
every request (planning the head's lists cost the server as much as running them).

psycopg prepares a statement on its fifth run on a connection; PostgreSQL then tries five custom
plans and keeps a generic one unless it looks dearer. `pg_prepared_statements` counts both, per
connection: the requests of a test share the test's connection, so the counts before and after
tell what these requests did.
"""
from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from webapp.assessments import operations
from webapp.models import Assessment, Membership
from webapp.models import AssessmentStatus as S
from webapp.models.base import utcnow

RUNS = 20  # of each request: prepared from the sixth, then five custom plans, then the choice


def _plans(db_session: Session) -> dict[str, tuple[int, int]]:
    rows = db_session.execute(text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"))
    return {statement: (generic, custom) for statement, generic, custom in rows}


def _planned_every_time(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> list[str]:
    """Statements these requests ran often, yet planned again each time after PostgreSQL's five tries."""
    replanned = []
    for statement, (generic, custom) in after.items():
        old_generic, old_custom = before.get(statement, (0, 0))
        runs, customs = generic + custom - old_generic - old_custom, custom - old_custom
        if runs >= RUNS - 5 and customs > 5:
            replanned.append(" ".join(statement.split())[:300])
    return replanned


@pytest.fixture
def on_postgresql(db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")


def _school(db_session: Session, unit_id: int, year_id: int, version_id: int, size: int) -> None:
    """`size` roster lines of a school in the middle of a drive: drafts, and every eighth form sent."""
    db_session.execute(insert(Membership), [
        {"unit_id": unit_id, "year_id": year_id, "full_name": f"Học sinh {n}", "contact": f"drive-{n}",
         "appendix": "V", "section": f"10A{n % 3}"} for n in range(size)])
    lines = db_session.scalars(select(Membership.id).where(Membership.unit_id == unit_id,
                                                           Membership.contact.like("drive-%"))).all()
    db_session.execute(insert(Assessment), [
        {"membership_id": line, "unit_id": unit_id, "criteria_version_id": version_id, "version": 1,
         "status": S.SUBMITTED if n % 8 == 0 else S.DRAFT, "submitted_at": utcnow() if n % 8 == 0 else None}
        for n, line in enumerate(lines)])


def test_the_heads_queue_keeps_its_plans(on_postgresql, login, cast, make_assessment, db_session):
    # With a few rows every plan is cheap; a school's worth of forms is what made PostgreSQL plan
    # the head's lists again on every request while their page size and status were parameters.
    returned = make_assessment(unit=cast.unit, year=cast.year, appendix="V", submit=True)
    _school(db_session, cast.unit.id, cast.year.id, returned.criteria_version_id, 2000)
    operations.return_for_correction(db_session, cast.head, returned, returned.version, {"1": "Bổ sung minh chứng"})
    db_session.execute(text("ANALYZE assessment, membership"))  # what autovacuum does (undone with the test)
    client = login(cast.head)
    before = _plans(db_session)
    for filters in ({}, {"section": "10A0"}):
        for _run in range(RUNS):
            assert client.get(f"/units/{cast.unit.id}/queue", query_string=filters).status_code == 200
    assert _planned_every_time(before, _plans(db_session)) == []


def test_the_members_requests_keep_their_plans(on_postgresql, login, make_assessment, db_session):
    assessment = make_assessment(points=5)
    client = login(assessment.membership.user)
    before = _plans(db_session)
    for run in range(RUNS):
        assert client.get(f"/assess/{assessment.id}").status_code == 200
        saved = client.put(f"/api/assessments/{assessment.id}/draft", json={"answers": {"1": run % 11}})
        assert saved.status_code == 200, saved.get_data(as_text=True)
    assert _planned_every_time(before, _plans(db_session)) == []
