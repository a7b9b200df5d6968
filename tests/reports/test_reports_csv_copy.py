"""results.csv written by the database is byte for byte the file the Python writer makes.

`csvcopy.result_csv` (lines built in SQL, what the downloads and `cdht export` stream) against
the reference `csv_chunks(result_rows(...))`, on the seeded tree plus lines chosen to trip a
hand-made CSV writer: formula starts, quotes, commas, line breaks, tabs, spaces, Vietnamese,
missing classes, times with microseconds. Runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from webapp.models import Assessment, AssessmentStatus, CriteriaVersion
from webapp.reports import csvcopy, csvexport

TRICKY_NAMES = [
    "=HYPERLINK(\"http://evil.example\")", "+84 912", "-1", "@SUM(A1)", "\tTab đầu", "\rCR đầu",
    "Nguyễn, Văn \"Tí\"", "Dòng\nhai", "Trần\r\nThị", " khoảng trắng ", "'đã có nháy", "",
    "Lê Thị Ánh Tuyết", "Ngô Bảo Châu", "Phạm,", '"', "a\"b", "Đặng Văn Đức", "x=1",
    "\\ gạch ngược", "\\.", "NULL", "\\N",
]
TRICKY_SECTIONS = [None, "", "10A1", "=1+1", "Tổ, phòng", "Lớp \"A\"", "-", "Xưởng\n2"]


@pytest.fixture
def tricky(seed, db_session, make_unit, make_membership):
    """Lines with awkward text in a unit whose own code and name need quoting too."""
    unit = make_unit(seed.areas["W1"], code="U,\"Z\"", name="=Trường \"Ngã ba\", số 1")
    version = db_session.query(CriteriaVersion).filter_by(appendix="IV").first()
    moment = datetime(2026, 11, 22, 10, 5, 7, 654321, tzinfo=UTC)
    statuses = [None, *AssessmentStatus]
    for number, name in enumerate(TRICKY_NAMES):
        line = make_membership(unit, seed.year, appendix=("III", "IV", "V")[number % 3],
                               section=TRICKY_SECTIONS[number % len(TRICKY_SECTIONS)],
                               full_name=name)
        status = statuses[number % len(statuses)]
        if status is None:
            continue
        db_session.add(Assessment(
            membership=line, unit_id=unit.id, criteria_version_id=version.id, status=status,
            self_total=number * 5 if number % 4 else None, self_achieved=bool(number % 2),
            head_total=90 - number if status is AssessmentStatus.CONFIRMED else None,
            confirmed_achieved=bool(number % 3) if status is AssessmentStatus.CONFIRMED else None,
            submitted_at=None if status is AssessmentStatus.DRAFT else moment,
            decided_at=moment if status in csvexport.DECIDED else None))
    db_session.flush()
    return unit


def _reference(session, scope) -> str:
    return "".join(csvexport.csv_chunks(csvexport.result_rows(session, scope)))


def _from_sql(session, scope) -> str:
    return b"".join(csvcopy.result_csv(session, scope)).decode("utf-8")


def test_the_database_writes_the_reference_bytes(seed, tricky, db_session):
    scope = csvexport.Scope(seed.year.id, seed.year.label, seed.areas["R"].path)
    ours = _from_sql(db_session, scope)
    assert ours == _reference(db_session, scope)
    rows = list(csv.reader(io.StringIO(ours[1:], newline="")))
    names = {row[7] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil.example\")" in names and "Dòng\nhai" in names
    assert len(rows) == 1 + sum(len(lines) for lines in seed.names.values()) + len(TRICKY_NAMES)


@pytest.mark.parametrize("filters", [
    {"appendix": "IV"}, {"status": "not_started"}, {"status": "confirmed"}, {"status": "draft"},
])
def test_filtered_files_match_too(seed, tricky, db_session, filters):
    scope = csvexport.Scope(seed.year.id, seed.year.label, seed.areas["R"].path, **filters)
    assert _from_sql(db_session, scope) == _reference(db_session, scope)


def test_one_unit_and_a_subtree_match(seed, tricky, db_session):
    for scope in (csvexport.Scope(seed.year.id, seed.year.label, seed.areas["W1"].path,
                                  unit_id=tricky.id),
                  csvexport.Scope(seed.year.id, seed.year.label, seed.areas["D1"].path)):
        assert _from_sql(db_session, scope) == _reference(db_session, scope)


def test_a_year_label_that_needs_quoting(seed, db_session):
    seed.year.label = "=2026, \"năm\""
    db_session.flush()
    scope = csvexport.Scope(seed.year.id, seed.year.label, seed.areas["R"].path)
    assert _from_sql(db_session, scope) == _reference(db_session, scope)
