"""results.csv against PostgreSQL's own `\\copy` of the same columns (never part of the tests).

Seeds the PostgreSQL database in DATABASE_URL (its data gets a unique prefix and is left in
place, like reports_bench.py) and times, alternating, three runs each of:
  * the app's export: `csvcopy.result_csv`, the UTF-8 bytes the web response streams
    (PostgreSQL writes the CSV through COPY; Python forwards it);
  * `psql -c "\\copy (SELECT ...) TO '/dev/null' CSV"` of the same columns, joins and order;
and prints the best of each and their ratio (the target is at most 1.5).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python benchmarks/export_bench.py [--members 1000000]

With `--reuse`, the newest year an earlier run seeded is exported again (seeding a million
lines takes minutes). Tables are ANALYZEd first, so both sides get the planner's real plan.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reports_bench import reused, seed  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from webapp import create_app, criteria_store, migrate  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.reports import csvcopy, csvexport  # noqa: E402


def app_export(scope: csvexport.Scope) -> tuple[float, int]:
    started, size = time.perf_counter(), 0
    for chunk in csvcopy.result_csv(db.session, scope):
        size += len(chunk)
    db.session.rollback()
    return time.perf_counter() - started, size


def copy_sql(scope: csvexport.Scope) -> str:
    """The export's own query, compiled with its values, for psql's \\copy."""
    order = csvexport.area_order(csvexport.area_code_paths(db.session, scope.area_path))
    statement = csvexport.result_query(scope, order)
    compiled = statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return " ".join(str(compiled).split())


def psql_copy(url: str, sql: str) -> float:
    started = time.perf_counter()
    subprocess.run(["psql", url, "-q", "-c", f"\\copy ({sql}) TO '/dev/null' WITH CSV HEADER"],
                   check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="export the newest seeded year again")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (\\copy is PostgreSQL's)")
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": url})
    with app.app_context():
        migrate.upgrade(db.engine)
        criteria_store.sync_shipped(db.session)
        db.session.commit()
        root, year, lines = reused(db.session) if args.reuse else (None, None, 0)
        if root is None or year is None:
            started = time.perf_counter()
            root, _unit, year = seed(db.session, args.units, args.members)
            lines = args.members
            print(f"seeded {lines:,} roster lines in {time.perf_counter() - started:.1f} s")
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
        print(f"exporting {lines:,} lines; load average {os.getloadavg()[0]:.1f}")
        scope = csvexport.Scope(year.id, year.label, root.path)
        sql = copy_sql(scope)
        ours, theirs, size = [], [], 0
        for _ in range(args.runs):
            elapsed, size = app_export(scope)
            ours.append(elapsed)
            theirs.append(psql_copy(url, sql))
        best_ours, best_copy = min(ours), min(theirs)
        print(f"results.csv (app)   best {best_ours:7.2f} s  {lines / best_ours:>10,.0f} rows/s  "
              f"{size / 1e6:.0f} MB")
        print(f"\\copy (psql)        best {best_copy:7.2f} s  {lines / best_copy:>10,.0f} rows/s")
        print(f"all runs: app {', '.join(f'{t:.2f}' for t in ours)}; "
              f"\\copy {', '.join(f'{t:.2f}' for t in theirs)}; load average {os.getloadavg()[0]:.1f}")
        print(f"ratio app / \\copy   {best_ours / best_copy:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
