"""Requests per second of the drive-week requests, against a bare Flask app on the same server.

Seeds a database (a throwaway SQLite file, and PostgreSQL too when a URL is given) with one
school of a few thousand members holding draft assessments (a fifth of them submitted), and a
second school whose drafts the submit run sends, one each, signs a session cookie and CSRF
token for each (no password hashing), starts `cdht serve` (gunicorn, one worker per core) and,
beside it, a bare Flask "hello" app under the same gunicorn settings, then drives each with
Debian's `wrk` (50 connections, 10 s, each request between two runs of hello), the saves carrying
the whole form as a phone sends it (ten answers, ten notes; a draft save changes one answer):

    draft save   PUT  /api/assessments/<id>/draft
    submit       POST /api/assessments/<id>/submit     (each request submits another draft)
    form page    GET  /assess/<id>
    head's queue GET  /units/<id>/queue

It prints req/s, hello's req/s (the mean of the runs before and after), p50/p95/p99 latency,
responses >= 400 (409 apart: a submit that finds its draft already sent, which only happens
past the `--submits` seeded drafts), 5xx and the ratio to hello. Targets (issue 12): no
response >= 500, each request at least 10% of hello's throughput, p95 < 150 ms.

    python benchmarks/requests_bench.py [--pg postgresql://postgres@127.0.0.1:5432/bench]
        [--members 3000] [--submits N] [--seconds 10] [--connections 50] [--workers N] [--threads T]
        [--requests draft,submit,form,queue]
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from itsdangerous import URLSafeTimedSerializer  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from webapp import create_app, criteria_store, migrate  # noqa: E402
from webapp.db import db, make_engine  # noqa: E402
from webapp.models import (  # noqa: E402
    Answer,
    Area,
    Assessment,
    AssessmentStatus,
    AssessmentYear,
    Membership,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
    User,
    YearKind,
)
from webapp.models.people import today_number  # noqa: E402
from webapp.security import login_manager  # noqa: E402

SECRET = "bench-" + "s" * 40
# Drafts seeded for each second of the submit run: more than the app sends (a run that sends them
# all wraps around, and the rest are cheap 409s that would flatter the figure; it says so).
SUBMITS_PER_SECOND = 1200
EVIDENCE = "Lớp bồi dưỡng hè 2026; câu lạc bộ đọc sách, 2 lần mỗi tháng"


@dataclass
class Person:
    user_id: int
    assessment_id: int
    cookie: str
    token: str


# Seeding -----------------------------------------------------------------------------------

def _session_cookie(app, user_id: int, secret: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A signed Flask session logging the user in, and the CSRF header token that goes with it."""
    raw = secrets.token_hex(20)
    serializer = app.session_interface.get_signing_serializer(app)
    cookie_id = f"{user_id}.{secret}.{today_number()}"  # what User.get_id() gives at login
    # What login_user stores: "_id" ties the session to the client (wrk: 127.0.0.1, no User-Agent);
    # without it Flask-Login would mark every session stale and re-sign the cookie each response.
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        identifier = login_manager._session_identifier_generator()
    cookie = serializer.dumps({"_user_id": cookie_id, "_fresh": True, "_id": identifier, "csrf_token": raw})
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw)
    return cookie, token


def seed(database_url: str, members: int, submitters: int) -> tuple[list[Person], list[Person], Person, int]:
    """One school of `members` with drafts (a fifth already submitted: a queue worth reading) for
    the draft, form and queue runs, and a second school of `submitters` drafts that the submit run
    sends one by one (so it never runs out, and the first school's queue stays the same size).

    Returns the first school's drafting members, the second school's, its head and its unit id.
    """
    app = create_app({"SECRET_KEY": SECRET, "DATABASE_URL": database_url})
    engine = db.engine_of(app)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    with app.app_context():
        session = db.session
        criteria_store.sync_shipped(session)
        version = criteria_store.newest_version(session, "V")
        assert version is not None
        area = Area(code="B", name="Thành phố", level="Tỉnh/Thành phố")
        session.add(area)
        session.flush()
        area.set_path()
        today = date.today()
        year = AssessmentYear(label="Năm thử tải", kind=YearKind.SCHOOL, starts_on=today - timedelta(days=60),
                              ends_on=today + timedelta(days=200), is_open=True)
        head = User(full_name="Hiệu trưởng", phone="0800000000", password_hash=generate_password_hash("bench"))
        unit = Unit(code="THPT-B", name="Trường THPT Thử Tải", kind=UnitKind.HIGH_SCHOOL, area=area)
        other = Unit(code="THPT-C", name="Trường THPT Gửi Phiếu", kind=UnitKind.HIGH_SCHOOL, area=area)
        session.add_all([unit, other, year, head])
        session.flush()
        session.add(RoleGrant(user=head, role=Role.UNIT_HEAD, unit=unit))
        school = _seed_school(session, unit, year, version.id, "08", members, submitted_share=5)
        senders = _seed_school(session, other, year, version.id, "07", submitters, submitted_share=0)
        session.commit()
        vacuum(engine, "VACUUM ANALYZE")
        people = [Person(user_id, assessment_id, *_session_cookie(app, user_id, secret))
                  for user_id, assessment_id, secret in school]
        submitting = [Person(user_id, assessment_id, *_session_cookie(app, user_id, secret))
                      for user_id, assessment_id, secret in senders]
        head_person = Person(head.id, 0, *_session_cookie(app, head.id, head.session_secret))
        unit_id = unit.id
    engine.dispose()
    return people, submitting, head_person, unit_id


def vacuum(engine, command: str = "VACUUM") -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL, what autovacuum does within a minute of a burst of writes: without the
    statistics the planner guesses from an empty table, and without clearing the rows a run
    left behind (each submission leaves an old version of its class's tally row) the next run
    reads through them. Run here because a server may have autovacuum off (this machine's
    has). SQLite keeps no statistics unless asked and reuses its pages itself."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(command))


def _seed_school(session, unit: Unit, year: AssessmentYear, version_id: int, prefix: str, count: int,  # type: ignore[no-untyped-def]
                 submitted_share: int) -> list[tuple[int, int, str]]:
    """`count` members of `unit` with a draft of ten answers each; every `submitted_share`-th one
    already submitted (0: none). Returns (user id, assessment id, session secret) of the drafts."""
    password = generate_password_hash("bench-password")
    phones = [f"{prefix}{n:08d}" for n in range(1, count + 1)]
    session.execute(insert(User), [{"full_name": f"Học sinh {n}", "phone": phone, "password_hash": password,
                                    "active": True} for n, phone in enumerate(phones, start=1)])
    ids, secrets_of = {}, {}
    for phone, user_id, secret in session.execute(
            select(User.phone, User.id, User.session_secret).where(User.phone.in_(phones))):
        ids[phone], secrets_of[user_id] = user_id, secret
    session.execute(insert(Membership), [
        {"unit_id": unit.id, "year_id": year.id, "user_id": ids[phone], "full_name": f"Học sinh {n}",
         "contact": phone, "appendix": "V", "section": f"10A{n % 12 + 1}"}
        for n, phone in enumerate(phones, start=1)])
    lines = {user_id: line_id for user_id, line_id in session.execute(
        select(Membership.user_id, Membership.id).where(Membership.unit_id == unit.id))}
    session.execute(insert(Assessment), [
        {"membership_id": line, "unit_id": unit.id, "criteria_version_id": version_id, "status": AssessmentStatus.DRAFT,
         "version": 1} for line in lines.values()])
    assessments = {line_id: assessment_id for line_id, assessment_id in session.execute(
        select(Assessment.membership_id, Assessment.id).where(Assessment.membership_id.in_(lines.values())))}
    session.execute(insert(Answer), [
        {"assessment_id": assessments[line], "index_code": str(code), "self_value": 8, "evidence_note": EVIDENCE}
        for line in lines.values() for code in range(1, 11)])
    waiting = {assessments[lines[ids[phone]]] for phone in phones[::submitted_share]} if submitted_share else set()
    if waiting:
        session.execute(Assessment.__table__.update().where(Assessment.id.in_(waiting))
                        .values(status=AssessmentStatus.SUBMITTED.value, self_total=80, self_achieved=True))
    return [(ids[phone], assessments[lines[ids[phone]]], secrets_of[ids[phone]]) for phone in phones
            if assessments[lines[ids[phone]]] not in waiting]


# Serving -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)
    raise SystemExit("the server did not start in time")


HELLO = textwrap.dedent('''
    from flask import Flask
    app = Flask(__name__)

    @app.get("/")
    @app.get("/healthz")
    def hello():
        return "hello"
''')


def start_servers(database_url: str, folder: Path, workers: int, threads: int) -> tuple[list, int, int]:
    environment = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY=SECRET, CDHT_INSTANCE_PATH=str(folder))
    bin_dir = Path(sys.executable).parent
    app_port, hello_port = _free_port(), _free_port()
    cdht = subprocess.Popen([str(bin_dir / "cdht"), "serve", "--port", str(app_port), "--workers", str(workers),
                             "--threads", str(threads)], env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (folder / "hello_app.py").write_text(HELLO)
    hello = subprocess.Popen([str(bin_dir / "gunicorn"), "--chdir", str(folder), "-b", f"127.0.0.1:{hello_port}",
                              "-w", str(workers), "-k", "gthread", "--threads", str(threads), "--reuse-port",
                              "hello_app:app"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(app_port, cdht)
    _wait(hello_port, hello)
    return [cdht, hello], app_port, hello_port


# Load ----------------------------------------------------------------------------------------

LUA = textwrap.dedent('''
    local people = {}
    local kind = os.getenv("BENCH_KIND")
    for line in io.lines(os.getenv("BENCH_PEOPLE")) do
      local id, cookie, token = line:match("^(%d+)\\t([^\\t]+)\\t([^\\t]+)$")
      people[#people + 1] = {id = id, cookie = cookie, token = token}
    end
    local threads = {}
    local counter = 0

    -- What a phone sends: the whole form (ten answers, ten notes) on every autosave and submit.
    local notes = {}
    for code = 1, 10 do notes[code] = string.format('"%d": "%s"', code, os.getenv("BENCH_EVIDENCE")) end
    notes = '"notes": {' .. table.concat(notes, ", ") .. '}'
    local function whole_form(first)
      local answers = {}
      for code = 1, 10 do answers[code] = string.format('"%d": %d', code, code == 1 and first or 8) end
      return '{"answers": {' .. table.concat(answers, ", ") .. '}, ' .. notes
    end

    function setup(thread)
      counter = counter + 1
      thread:set("first", counter)
      table.insert(threads, thread)
    end

    local step = 0
    local seq = 0
    function init(args)
      step = tonumber(first) - 1
      math.randomseed(os.time() + step * 7919)
    end

    function request()
      seq = seq + 1
      step = step + tonumber(os.getenv("BENCH_THREADS"))
      local who = people[(step % #people) + 1]
      local headers = {["Cookie"] = "session=" .. who.cookie, ["X-CSRFToken"] = who.token,
                       ["Content-Type"] = "application/json", ["Accept"] = "application/json"}
      if kind == "draft" then
        -- A tap changes one answer; the rest of the form travels with it.
        return wrk.format("PUT", "/api/assessments/" .. who.id .. "/draft", headers, whole_form(seq % 11) .. "}")
      elseif kind == "submit" then
        local client = string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0xffffffff),
          math.random(0, 0xffff), math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0xffffffffffff))
        return wrk.format("POST", "/api/assessments/" .. who.id .. "/submit", headers,
          whole_form(8) .. ', "client_id": "' .. client .. '"}')
      elseif kind == "form" then
        headers["Accept"] = "text/html"
        return wrk.format("GET", "/assess/" .. who.id, headers)
      elseif kind == "queue" then
        headers["Accept"] = "text/html"
        return wrk.format("GET", "/units/" .. os.getenv("BENCH_UNIT") .. "/queue", headers)
      end
      return wrk.format("GET", "/", headers)
    end

    errors5xx = 0
    conflicts = 0
    function response(status, headers, body)
      if status >= 500 then errors5xx = errors5xx + 1 end
      if status == 409 then conflicts = conflicts + 1 end
    end

    function done(summary, latency, requests)
      local server_errors, conflicts_seen = 0, 0
      for _, thread in ipairs(threads) do
        server_errors = server_errors + thread:get("errors5xx")
        conflicts_seen = conflicts_seen + thread:get("conflicts")
      end
      io.write(string.format('{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, ' ..
        '"non2xx": %d, "errors5xx": %d, "conflicts": %d, "socket_errors": %d}\\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
        latency:percentile(99) / 1000, summary.errors.status, server_errors, conflicts_seen,
        summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
    end
''')


def run_wrk(port: int, kind: str, people_file: Path, unit_id: int, seconds: int, connections: int,
            script: Path) -> dict[str, float]:
    threads = 2
    environment = dict(os.environ, BENCH_KIND=kind, BENCH_PEOPLE=str(people_file), BENCH_UNIT=str(unit_id),
                       BENCH_THREADS=str(threads), BENCH_EVIDENCE=EVIDENCE)
    result = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                             "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
                            env=environment, capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def bench(database_url: str, label: str, args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cdht-bench-"))
    try:
        print(f"\n== {label}: seeding a school of {args.members} members, and drafts to submit …", flush=True)
        # Drafts can be saved and shown again and again; each submit needs a draft of its own.
        submitters = args.submits or args.seconds * SUBMITS_PER_SECOND
        people, submitting, head, unit_id = seed(database_url, args.members, submitters)
        pools = {"draft": people, "form": people, "submit": submitting, "queue": [head], "hello": [head]}
        script = folder / "bench.lua"
        script.write_text(LUA)
        processes, app_port, hello_port = start_servers(database_url, folder, args.workers, args.threads)
        engine = make_engine(database_url)
        try:
            print(f"{'request':<14}{'req/s':>9}{'hello':>9}{'ratio':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
                  f"{'>=400':>7}{'409':>7}{'5xx':>7}")
            for kind in args.requests.split(","):
                vacuum(engine)
                pool = folder / f"{kind}.tsv"
                pool.write_text("".join(f"{p.assessment_id}\t{p.cookie}\t{p.token}\n" for p in pools[kind]))
                before = run_wrk(hello_port, "hello", pool, unit_id, args.seconds, args.connections, script)
                mine = run_wrk(app_port, kind, pool, unit_id, args.seconds, args.connections, script)
                after = run_wrk(hello_port, "hello", pool, unit_id, args.seconds, args.connections, script)
                # Hello on each side of the request: this kind of machine's speed drifts within a minute.
                hello = (before["rps"] + after["rps"]) / 2
                print(f"{kind:<14}{mine['rps']:>9.0f}{hello:>9.0f}{mine['rps'] / hello:>8.1%}"
                      f"{mine['p50']:>9.1f}{mine['p95']:>9.1f}{mine['p99']:>9.1f}{int(mine['non2xx']):>7}"
                      f"{int(mine['conflicts']):>7}{int(mine['errors5xx']):>7}",
                      flush=True)
                if kind == "submit" and mine["requests"] > len(submitting):
                    print(f"  (the submit run sent more than the {len(submitting)} seeded drafts: its 409s are "
                          "repeats, and its figure is too high; run again with a larger --submits)")
        finally:
            engine.dispose()
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="also run on this PostgreSQL database (its schema is replaced)")
    parser.add_argument("--members", type=int, default=3000, help="the measured school's size")
    parser.add_argument("--submits", type=int, default=0,
                        help=f"drafts of a second school for the submit run (default: {SUBMITS_PER_SECOND} a second)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=2, help="per worker, as `cdht serve --threads`")
    parser.add_argument("--requests", default="draft,submit,form,queue", help="which, comma-separated")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    sqlite_folder = Path(tempfile.mkdtemp(prefix="cdht-bench-db-"))
    try:
        bench(f"sqlite:///{sqlite_folder / 'bench.sqlite3'}", "SQLite", args)
    finally:
        shutil.rmtree(sqlite_folder, ignore_errors=True)
    if args.pg:
        bench(args.pg, "PostgreSQL", args)


if __name__ == "__main__":
    main()
