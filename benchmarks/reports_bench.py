"""Time the report queries on a realistic volume (never part of the test suite).

Seeds a throwaway SQLite file (or the database in DATABASE_URL: its data gets a unique
prefix and is left in place) with a 3-level area tree, 1,000 units and 100,000 roster lines
with assessments in mixed statuses, using bulk inserts; then prints timings of the area
rollup, a unit page and the CSV export streaming (rows/s and peak Python memory).

    python benchmarks/reports_bench.py [--units 1000] [--members 100000]
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from webapp import create_app, criteria_store, migrate  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.models import (  # noqa: E402
    Area,
    Assessment,
    AssessmentYear,
    CriteriaVersion,
    Membership,
    Target,
    Unit,
    UnitKind,
    YearKind,
)
from webapp.reports import csvexport  # noqa: E402
from webapp.reports.queries import area_report, unit_report  # noqa: E402

# status, self_achieved, confirmed_achieved, weight
MIX = [
    (None, None, None, 20), ("draft", None, None, 10), ("submitted", True, None, 12),
    ("submitted", False, None, 4), ("returned", True, None, 4), ("confirmed", True, True, 36),
    ("confirmed", True, False, 4), ("rejected", True, None, 5), ("revoked", True, True, 5),
]


def seed(session, units: int, members: int) -> tuple[Area, Unit, AssessmentYear]:  # type: ignore[no-untyped-def]
    tag = secrets.token_hex(3)
    rng = random.Random(7)
    year = AssessmentYear(label=f"bench-{tag}", kind=YearKind.STAFF, starts_on=date(2099, 1, 1),
                          ends_on=date(2099, 12, 31))
    root = Area(code=f"B{tag}", name="Bench root", level="Tỉnh")
    session.add_all([year, root])
    session.flush()
    root.set_path()
    districts = [Area(code=f"B{tag}-{d}", name=f"District {d}", level="Huyện", parent=root)
                 for d in range(10)]
    session.add_all(districts)
    session.flush()
    wards = []
    for district in districts:
        district.set_path()
        wards += [Area(code=f"{district.code}-{w}", name=f"Ward {w}", level="Xã", parent=district)
                  for w in range(10)]
    session.add_all(wards)
    session.flush()
    for ward in wards:
        ward.set_path()
    session.add(Target(year=year, area=root, appendix=None, percentage=Decimal("55")))
    session.add(Target(year=year, area=districts[0], appendix="IV", percentage=Decimal("60")))
    kinds = list(UnitKind)
    unit_rows = [{"code": f"B{tag}-U{i}", "name": f"Đơn vị {i}", "kind": kinds[i % len(kinds)],
                  "area_id": (wards + districts + [root])[i % (len(wards) + 11)].id,
                  "recognition_threshold": Decimal("90")} for i in range(units)]
    unit_ids = list(session.scalars(insert(Unit).returning(Unit.id), unit_rows))
    version_ids = {v.appendix: v.id for v in session.scalars(select(CriteriaVersion))}
    weights = [m[3] for m in MIX]
    now = datetime.now(UTC)
    batch = 10_000
    for start in range(0, members, batch):
        lines = [{"unit_id": unit_ids[i % len(unit_ids)], "year_id": year.id,
                  "full_name": f"Thành viên {i}", "contact": f"b{tag}{i}@bench.invalid",
                  "appendix": ("III", "IV", "V")[i % 3], "section": f"Tổ {i % 7}",
                  "created_at": now}
                 for i in range(start, min(start + batch, members))]
        ids = list(session.scalars(insert(Membership).returning(Membership.id), lines))
        assessments = []
        for line_id, line in zip(ids, lines, strict=True):
            status, self_ok, confirmed_ok, _w = rng.choices(MIX, weights)[0]
            if status is None:
                continue
            assessments.append({
                "membership_id": line_id, "unit_id": line["unit_id"],
                "criteria_version_id": version_ids[line["appendix"]],
                "status": status, "self_total": 85 if self_ok else 60, "self_achieved": self_ok,
                "confirmed_achieved": confirmed_ok, "version": 1, "created_at": now,
                "updated_at": now, "submitted_at": None if status == "draft" else now,
            })
        session.execute(insert(Assessment), assessments)
    session.commit()
    return root, session.get(Unit, unit_ids[0]), year


def reused(session) -> tuple[Area | None, AssessmentYear | None, int]:  # type: ignore[no-untyped-def]
    """The root and year of the newest earlier seeding, and its roster size."""
    year = session.scalar(select(AssessmentYear).where(AssessmentYear.label.like("bench-%"))
                          .order_by(AssessmentYear.id.desc()).limit(1))
    if year is None:
        return None, None, 0
    root = session.scalar(select(Area).where(Area.code == "B" + year.label.removeprefix("bench-")))
    lines = session.scalar(select(func.count(Membership.id)).where(Membership.year_id == year.id))
    return root, year, lines or 0


def timed(label: str, function):  # type: ignore[no-untyped-def]
    started, cpu_started = time.perf_counter(), time.process_time()
    result = function()
    print(f"{label:<34} {time.perf_counter() - started:8.3f} s  "
          f"(CPU {time.process_time() - cpu_started:.3f} s)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": url})
    with app.app_context():
        migrate.upgrade(db.engine)
        criteria_store.sync_shipped(db.session)
        db.session.commit()
        print(f"database: {db.engine.dialect.name}; {args.units} units, {args.members} members")
        root, unit, year = timed("seed (bulk inserts)", lambda: seed(db.session, args.units, args.members))
        for _ in range(2):  # second run: warm cache
            report = timed("area rollup (root, 4 queries)", lambda: area_report(db.session, root, year.id))
        print(f"  root: {report.figures.confirmed}/{report.figures.roster} = "
              f"{report.figures.percent_rounded}% (target {report.target}); {len(report.rows)} rows")
        timed("unit page", lambda: unit_report(db.session, unit, year.id))
        for name, rows in (("units.csv", csvexport.unit_summary_rows),
                           ("results.csv", csvexport.result_rows)):
            scope = csvexport.Scope(year.id, year.label, root.path)
            elapsed, cpu, count, size = stream(rows, scope)
            print(f"{name + ' stream':<34} {elapsed:8.3f} s  (CPU {cpu:.3f} s) {count} rows, "
                  f"{count / elapsed:,.0f} rows/s, {size / 1e6:.1f} MB of text")
            # A second pass under tracemalloc (which slows Python down several times).
            tracemalloc.start()
            stream(rows, scope)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{name + ' peak Python memory':<34} {peak / 1e6:8.1f} MB")


def stream(rows, scope) -> tuple[float, float, int, int]:  # type: ignore[no-untyped-def]
    """Consume the export as the web response would; return wall and CPU time, rows, size."""
    started, cpu_started, count, size = time.perf_counter(), time.process_time(), 0, 0
    for chunk in csvexport.csv_chunks(rows(db.session, scope)):
        size += len(chunk)
        count += chunk.count("\r\n")
    return time.perf_counter() - started, time.process_time() - cpu_started, count - 1, size

if __name__ == "__main__":
    main()
