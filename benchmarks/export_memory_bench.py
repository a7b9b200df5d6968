"""Server memory across successive exports (never part of the test suite).

Seeds roster lines like reports_bench.py, then makes ten results.csv exports and one
results.xlsx export one after another, each in its own app context as a request would, and
prints the process's resident memory and peak after each: the peak after ten CSV exports
must equal the peak after one (issue 12), and the workbook must not hold its rows.

    python benchmarks/export_memory_bench.py [--members 1000000] [--reuse]   # DATABASE_URL optional
"""
from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reports_bench import reused, seed  # noqa: E402

from webapp import create_app, criteria_store, migrate  # noqa: E402
from webapp.db import db  # noqa: E402
from webapp.reports import csvcopy, csvexport, xlsxexport  # noqa: E402


def memory() -> str:
    """The process's current and peak resident memory (Linux)."""
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    current = int(fields["VmRSS"].split()[0]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"RSS {current:.0f} MB, peak {peak:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--csv-runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="export the newest seeded year again")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": url})
    with app.app_context():
        migrate.upgrade(db.engine)
        criteria_store.sync_shipped(db.session)
        db.session.commit()
        root, year, lines = reused(db.session) if args.reuse else (None, None, 0)
        if root is None or year is None:
            root, _unit, year = seed(db.session, args.units, args.members)
            lines = args.members
        scope = csvexport.Scope(year.id, year.label, root.path)
        db.session.close()
    print(f"database: {url.split(':')[0]}; {lines:,} roster lines")
    print(f"after seeding: {memory()}")
    for run in range(1, args.csv_runs + 1):
        started, size = time.perf_counter(), 0
        with app.app_context():  # a request's lifetime: its own session, closed at the end
            for chunk in csvcopy.result_csv(db.session, scope):
                size += len(chunk)
        print(f"results.csv #{run:<2} {time.perf_counter() - started:6.1f} s "
              f"{size / 1e6:6.1f} MB text; {memory()}")
    started, size = time.perf_counter(), 0
    with app.app_context():
        chunks = xlsxexport.file_chunks(
            lambda target: xlsxexport.result_workbook(target, csvexport.result_rows(db.session, scope)))
        for chunk in chunks:
            size += len(chunk)
    print(f"results.xlsx    {time.perf_counter() - started:6.1f} s {size / 1e6:6.1f} MB file; "
          f"{memory()}")


if __name__ == "__main__":
    main()
